package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * review90 F1: ForwardingRelayCloneTest under Spring Boot's {@code framework} strategy. Spring's ForwardedHeaderFilter
 * (which trusts every peer) makes {@code getServerName()}/{@code getScheme()} the relay's {@code X-Forwarded-Host} and
 * {@code -Proto}, so {@code targetOrigin()} is the clone's origin, equals {@code Origin}, and the sign-up passes (201).
 *
 * <p>The original comment:
 * review86 F1: a clone relayed through a stock proxy that adds forwarding headers (Caddy's {@code reverse_proxy}:
 * {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}; Apache's {@code ProxyPass}; Traefik; most CDNs) got its
 * visitors' sign-ups through: any such header made the proxied check stand aside, as the site's own proxy might have
 * rewritten {@code Host}. Where the site names its proxies ({@code client.trusted-proxies}), only theirs count; the
 * relay, another peer, is refused.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.application.name=review90-framework-relay",
            "server.forward-headers-strategy=framework",
            // the site's own load balancer; the test's requests come from 127.0.0.1, another peer
            "abuse-guard.client.trusted-proxies[0]=10.0.0.2/32"
        })
class Review90FrameworkRelayCloneTest {
    private static final String CLONE = "https://cartoonify-free.example";
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void aSignUpRelayedWithForwardingHeadersFromAnotherPeerIsRefused() throws Exception {
        HttpResponse<String> signUp = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                        .header("User-Agent", CHROME)
                        .header("Accept-Language", "en-GB,en;q=0.9")
                        .header("Content-Type", "application/json")
                        .header("Origin", CLONE)
                        .header("Referer", CLONE + "/")
                        .header("Sec-Fetch-Site", "same-origin")
                        .header("Sec-Fetch-Mode", "cors")
                        .header("Sec-Fetch-Dest", "empty")
                        .header("X-Forwarded-For", "203.0.113.40")
                        .header("X-Forwarded-Proto", "https")
                        .header("X-Forwarded-Host", "cartoonify-free.example")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"ann.review90@gmail.com\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signUp.statusCode()).as(signUp.body()).isEqualTo(403);
        assertThat(signUp.body()).contains("proxied-cross-site-request");
    }
}
