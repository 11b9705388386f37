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
 * review88 F1: the site names its one proxy (10.0.0.2) in {@code abuse-guard.client.trusted-proxies}, as {@link
 * ForwardingRelayCloneTest}, but runs under Spring Boot's {@code native} forward-headers strategy. Tomcat's
 * RemoteIpValve marks every request from a peer on its default internal list (private, loopback, CGNAT, ULA)
 * {@code org.apache.tomcat.request.forwarded}, with or without a forwarding header; a first fix read that as a trusted
 * proxy's request, so the unnamed loopback peer was exempt. The mark now only says the peer is hidden (the forwarding
 * headers then say what they can, as without named proxies: README), never that it is trusted: a clone's relay on
 * such a peer that adds no forwarding header is refused.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.application.name=review88-native-named-proxies",
            "server.forward-headers-strategy=native",
            "abuse-guard.client.trusted-proxies[0]=10.0.0.2/32"
        })
class Review88NativeValveNamedProxiesTest {
    private static final String CLONE = "https://cartoonify-free.example";
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void aRelayOnAnUnnamedPrivatePeerIsNoTrustedProxy() throws Exception {
        HttpRequest.Builder signUp = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("User-Agent", CHROME)
                .header("Accept-Language", "en-GB,en;q=0.9")
                .header("Content-Type", "application/json")
                .header("Origin", CLONE)
                .header("Referer", CLONE + "/")
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"review88.relay@gmail.com\"}"));
        HttpResponse<String> answer = http.send(signUp.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
        assertThat(answer.body()).contains("proxied-cross-site-request");
    }
}
