package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The clone-site story with the demo's default configuration (no trusted proxy): a clone's page calling
 * the API from the browser, and a clone's backend proxying it through a CDN.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {Operator.NAME, Operator.PASSWORD, Operator.ROLES})
class CloneSiteTest {
    private static final String BODY = "{\"email\":\"ann@example.com\",\"image\":\"aGVsbG8=\"}";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private HttpResponse<String> transform(String... headers) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/transform"))
                        .header("Content-Type", "application/json")
                        .headers(headers)
                        .POST(HttpRequest.BodyPublishers.ofString(BODY))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aCrossSiteFetchFromACloneIsRejectedAndTheSameOriginPagePasses() throws Exception {
        HttpResponse<String> clone = transform(
                "Origin", "https://cartoonify-free.example",
                "Sec-Fetch-Site", "cross-site",
                "Sec-Fetch-Mode", "cors",
                "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0");
        assertThat(clone.statusCode()).isEqualTo(403);
        assertThat(clone.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(clone.headers().allValues("Vary")).anyMatch(vary -> vary.contains("Origin"));
        assertThat(clone.body())
                .as("a page of another site, refused before any guard counts it against the visitor")
                .contains("\"guard\":\"cross-site\"")
                .contains("\"reason\":\"cross-site-request\"");

        HttpResponse<String> own = transform(
                "Origin", "http://127.0.0.1:" + port,
                "Sec-Fetch-Site", "same-origin",
                "Sec-Fetch-Mode", "cors",
                "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0");
        assertThat(own.statusCode()).isEqualTo(202);
    }

    @Test
    void aCloneBackendProxyingThroughACdnIsFlaggedAndItsUnsafeCallsRefused() throws Exception {
        String[] cdn = {
            "User-Agent", "Amazon CloudFront",
            "Via", "1.1 0a1b2c3d.cloudfront.net (CloudFront)",
            "X-Amz-Cf-Id", "x7Jb0B3Pzw3nJ0Fh-abc==",
            "X-Forwarded-For", "192.0.2.77"
        };
        HttpResponse<String> read = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .headers(cdn)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode())
                .as("CDN traces alone are flagged, not refused")
                .isEqualTo(200);

        HttpResponse<String> write = transform(cdn);
        assertThat(write.statusCode())
                .as("CDN traces plus no Origin on a POST reach the threshold")
                .isEqualTo(403);
        assertThat(write.body()).contains("\"reason\":\"risk-threshold\"");

        HttpResponse<String> flags = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/actuator/metrics/abuseguard.decisions?tag=guard:client-signals&tag=outcome:flag"))
                        .header("Authorization", Operator.AUTHORIZATION)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(flags.body()).contains("\"statistic\":\"COUNT\",\"value\":2.0");

        // Probe 5, F3: Sec-Fetch-Site as a browser's same-origin or typed-in request sends it does not
        // make a write without Origin a browser's (no browser sends a POST without it)
        for (String site : new String[] {"none", "same-origin"}) {
            String[] dressed = Arrays.copyOf(cdn, cdn.length + 2);
            dressed[cdn.length] = "Sec-Fetch-Site";
            dressed[cdn.length + 1] = site;
            HttpResponse<String> dressedWrite = transform(dressed);
            assertThat(dressedWrite.statusCode()).as(site).isEqualTo(403);
            assertThat(dressedWrite.body()).contains("\"reason\":\"risk-threshold\"");
        }
    }
}
