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
 * probe59d F1: the clone-site story of {@link CloneSiteTest} behind the site's own reverse proxy (the demo's
 * commented {@code trusted-proxies}: an ingress or nginx in front of the app, here the loopback address). A clone's
 * CloudFront distribution or Cloudflare Worker reaches the app through that proxy like any visitor: its edge address
 * is the first untrusted hop of {@code X-Forwarded-For}, and its marks ({@code X-Amz-Cf-Id}, {@code CF-Worker},
 * CloudFront's {@code Via} and user agent) were written upstream of the proxy, by a CDN that is not the site's. They
 * were all skipped because the connection's peer is trusted: the clone's POST without {@code Origin} passed (202)
 * where the same request straight to the app is refused (403), and {@code cdn-worker-score: 100} refused no Worker.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            "abuse-guard.client-signals.cdn-worker-score=100",
            "spring.application.name=clone-behind-own-proxy"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CloneBehindOwnProxyTest {
    private static final String BODY = "{\"email\":\"ann@example.com\",\"image\":\"aGVsbG8=\"}";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    /** A request through the site's own proxy, which appends the address it was called from. */
    private HttpResponse<String> throughOwnProxy(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .headers(headers);
        request = "POST".equals(method) ? request.POST(HttpRequest.BodyPublishers.ofString(BODY)) : request.GET();
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aCloneBehindItsCdnIsRefusedOnWritesThroughTheSitesOwnProxyAsWhenItCallsTheAppDirectly() throws Exception {
        HttpResponse<String> write = throughOwnProxy(
                "POST",
                "/api/transform",
                "User-Agent",
                "Amazon CloudFront",
                "Via",
                "1.1 0a1b2c3d.cloudfront.net (CloudFront)",
                "X-Amz-Cf-Id",
                "x7Jb0B3Pzw3nJ0Fh-abc==",
                // the clone's CloudFront edge, appended by the site's own proxy
                "X-Forwarded-For",
                "192.0.2.77");
        assertThat(write.statusCode())
                .as(
                        "CloudFront's marks from an untrusted edge plus no Origin: 403 without the site's proxy, 202 behind it")
                .isEqualTo(403);
        assertThat(write.body()).contains("\"reason\":\"risk-threshold\"");
    }

    @Test
    void aClonesWorkerIsRefusedThroughTheSitesOwnProxyWhenWorkersScore100() throws Exception {
        HttpResponse<String> read = throughOwnProxy(
                "GET",
                "/",
                "User-Agent",
                "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0",
                "CF-Worker",
                "cartoonify-free.example",
                // the Worker's egress, appended by the site's own proxy
                "X-Forwarded-For",
                "198.51.100.40");
        assertThat(read.statusCode())
                .as("cdn-worker-score: 100 refuses a clone's Worker (README); behind the site's proxy it was 200")
                .isEqualTo(403);
    }

    @Test
    void aCloneScrapingScoresThroughItsCdnIsRefusedBehindTheSitesOwnProxyAsWhenItCallsTheAppDirectly()
            throws Exception {
        // the clone proxies the page's proof script too: its viewers' browsers solve the challenge for its edge
        DemoProof.prove(DemoProof.forwarded(port, "192.0.2.90"));
        int served = 0;
        for (int game = 0; game < 30; game++) {
            HttpResponse<String> read = throughOwnProxy(
                    "GET",
                    "/api/scores/clone-" + game,
                    "User-Agent",
                    "Amazon CloudFront",
                    "Via",
                    "2.0 0a1b2c3d.cloudfront.net (CloudFront)",
                    "X-Amz-Cf-Id",
                    "x7Jb0B3Pzw3nJ0Fh-abc==",
                    "X-Forwarded-For",
                    "192.0.2.90");
            served += read.statusCode() == 200 ? 1 : 0;
        }
        assertThat(served)
                .as("straight to the app, CloudFront's marks (90) and only-reads (50) refuse the clone from about its"
                        + " 20th game (19 to 21 of 30 served over runs, as the volume guard's windows fall); behind the"
                        + " site's own proxy it read 30 of 30")
                .isLessThan(25);
    }

    @Test
    void theSitesOwnProxyAndItsForwardingHeadersAloneAreNoSignal() throws Exception {
        HttpResponse<String> read = throughOwnProxy(
                "GET",
                "/",
                "User-Agent",
                "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0",
                "X-Forwarded-For",
                "198.51.100.41");
        assertThat(read.statusCode()).isEqualTo(200);
    }
}
