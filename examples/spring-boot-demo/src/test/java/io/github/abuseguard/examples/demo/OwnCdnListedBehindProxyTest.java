package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * review76 F2: a CDN of one's own in front of one's proxies: viewer -> the site's CloudFront (its edges listed, here
 * 130.176.0.0/16) -> the site's load balancer (127.0.0.1, listed) -> app. X-Forwarded-For is "viewer, edge"; the
 * resolver walks past the listed edge to the viewer, an untrusted address, so since probe59d F1 the site's own
 * X-Amz-Cf-Id (60) counts on every request (a clone's distribution writes the same mark), and a mobile app's write
 * (no Origin, 40) is refused at 100 unless the site names the secret header its distribution adds (own-cdn-header), as
 * README and the start-up WARN say; a clone's distribution, without the secret, is still refused.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1,130.176.0.0/16",
            "abuse-guard.client-signals.own-cdn-header=X-Origin-Verify",
            "abuse-guard.client-signals.own-cdn-secret=s3cret-of-our-distribution",
            "spring.application.name=own-cdn-listed"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OwnCdnListedBehindProxyTest {
    private static final String BODY = "{\"email\":\"ann@example.com\",\"image\":\"aGVsbG8=\"}";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void aMobileAppsWriteThroughTheSitesOwnListedCloudFrontIsNotRefused() throws Exception {
        HttpResponse<String> write = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/transform"))
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "CartoonifyApp/3.2 (iPhone; iOS 18.1)")
                        .header("Via", "2.0 0a1b2c3d.cloudfront.net (CloudFront)")
                        .header("X-Amz-Cf-Id", "x7Jb0B3Pzw3nJ0Fh-abc==")
                        .header("X-Origin-Verify", "s3cret-of-our-distribution")
                        // viewer (written by the site's CloudFront), then the listed edge (appended by the site's LB)
                        .header("X-Forwarded-For", "203.0.113.10, 130.176.5.5")
                        .POST(HttpRequest.BodyPublishers.ofString(BODY))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(write.statusCode())
                .as("the site's own CloudFront, its secret header named, in front of its listed LB: %s", write.body())
                .isEqualTo(202);
    }

    @Test
    void aClonesDistributionWithoutTheSecretIsStillRefused() throws Exception {
        HttpResponse<String> write = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/transform"))
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0")
                        .header("X-Amz-Cf-Id", "clone-distribution-id==")
                        .header("X-Origin-Verify", "a-guess-at-the-secret")
                        // the clone's viewer, then a CloudFront edge (shared by every distribution), then the LB
                        .header("X-Forwarded-For", "198.51.100.23, 130.176.9.9")
                        .POST(HttpRequest.BodyPublishers.ofString(BODY))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(write.statusCode()).as(write.body()).isEqualTo(403);
    }
}
