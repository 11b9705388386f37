package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe77b F2 on Tomcat (real HTTP, port 0): a read by an Android app (OkHttp) or an integration (python-requests)
 * through the site's own CloudFront, not yet named with own-cdn-header, carries X-Amz-Cf-Id (60), Via (10) and
 * X-Forwarded-For (10) as every CloudFront request does; with the library's 20 that is 100, refused 403, where the
 * guard's documentation says such traffic is "flagged but not refused" and the README scores a library 20 because
 * "integrations use them too". A browser's same read passes. (The browser proof is off for the read here, so that
 * the client signals alone decide.)
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"abuse-guard.proof.required-paths=", "spring.application.name=probe77b-own-cdn-read"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Probe77bLibraryReadThroughOwnCdnTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void aLibraryClientsReadThroughTheSitesOwnCloudFrontIsNotRefused() throws Exception {
        Map<String, String> answers = new LinkedHashMap<>();
        int game = 1;
        for (String agent :
                new String[] {"Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0", "okhttp/4.12.0", "python-requests/2.32.3"
                }) {
            HttpResponse<String> read = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/scores/game-" + game++))
                            .header("User-Agent", agent)
                            .header("Accept-Language", "en")
                            .header("Via", "2.0 0a1b2c3d.cloudfront.net (CloudFront)")
                            .header("X-Amz-Cf-Id", "x7Jb0B3Pzw3nJ0Fh-abc==")
                            .header("X-Forwarded-For", "203.0.113.10")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            answers.put(agent, read.statusCode() + " " + read.body());
        }
        assertThat(answers)
                .as("reads through the site's own CloudFront, before own-cdn-header is set: flagged, not refused")
                .allSatisfy((agent, answer) -> assertThat(answer).startsWith("200"));
    }
}
