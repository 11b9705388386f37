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
 * review83 F2: the site's own reverse proxy (nginx's default {@code proxy_pass}: {@code Host} rewritten to the
 * upstream, {@code X-Forwarded-For} and {@code X-Forwarded-Proto} added) named in
 * {@code abuse-guard.client.trusted-proxies}, as the 403's detail and README ask, under Spring Boot's {@code native}
 * forward-headers strategy (its default on Kubernetes, Cloud Foundry, Heroku): Tomcat's RemoteIpValve replaces the
 * peer with the visitor's address before the filter runs, so the request never counts as forwarded by a trusted proxy
 * and the site's own page's login is refused as a clone's ({@code proxied-cross-site-request}).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.application.name=review83-native-own-proxy",
            "server.forward-headers-strategy=native",
            "abuse-guard.client.trusted-proxies[0]=127.0.0.1/32"
        })
class NativeForwardHeadersOwnProxyTest {
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void theSitesOwnPageLogsInThroughItsOwnTrustedProxy() throws Exception {
        HttpResponse<String> login = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/login"))
                        .header("User-Agent", CHROME)
                        .header("Accept-Language", "en-GB,en;q=0.9")
                        .header("Content-Type", "application/json")
                        .header("X-Forwarded-For", "203.0.113.5")
                        .header("X-Forwarded-Proto", "https")
                        .header("Origin", "https://cartoonify.example")
                        .header("Referer", "https://cartoonify.example/")
                        .header("Sec-Fetch-Site", "same-origin")
                        .header("Sec-Fetch-Mode", "cors")
                        .header("Sec-Fetch-Dest", "empty")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"alice\",\"password\":\"wonderland\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.body())
                .as("the proxy is named in trusted-proxies, as the refusal's detail asks")
                .doesNotContain("proxied-cross-site-request");
    }
}
