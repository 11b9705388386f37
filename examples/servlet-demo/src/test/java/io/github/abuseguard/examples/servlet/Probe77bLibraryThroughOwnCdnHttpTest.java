package io.github.abuseguard.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * probe77b F2: the client-signals guard promises that "the default scores keep every CDN trace together below the
 * default threshold of 100, so your own traffic through an unconfigured CDN is flagged but not refused", and the
 * README scores an HTTP library 20 because "integrations use them too". A GET from an Android app (OkHttp) or an
 * integration (python-requests) through the site's own CloudFront, whose origin request policy forwards the viewer's
 * headers, carries what CloudFront adds to every request (X-Amz-Cf-Id 60, Via 10, X-Forwarded-For 10): 80 + 20 = 100,
 * refused 403 on every read, with no other sign of abuse. Real HTTP on Jetty, default client-signals settings.
 */
class Probe77bLibraryThroughOwnCdnHttpTest {

    @Test
    void aLibraryClientsReadThroughTheSitesOwnCloudFrontIsFlaggedNotRefused(@TempDir Path dir) throws Exception {
        Server server = Probe77bHeldSpellingsTest.start(dir, """
                abuse-guard:
                  rate-limit:
                    rules:
                      per-ip:
                        paths: [/api/**]
                        limits:
                          - capacity: 1000
                            period: 1m
                """);
        try {
            String cloudFront = "Via: 2.0 8a6f0e4c3b2d1e0f.cloudfront.net (CloudFront)\n"
                    + "X-Amz-Cf-Id: 5Ke8dlhxZzXcVZr4ZqKq3aGmA-7vL2C9wQeHnYxTzUo0bGcmNpQrSg==\n"
                    + "X-Forwarded-For: 198.51.100.7\n";
            Map<String, String> answers = new LinkedHashMap<>();
            for (String agent : new String[] {
                "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0", "okhttp/4.12.0", "python-requests/2.31.0"
            }) {
                answers.put(
                        agent,
                        Probe77bHeldSpellingsTest.send(
                                server,
                                "GET /api/items/1 HTTP/1.1\nHost: api.example\nUser-Agent: " + agent + "\n"
                                        + cloudFront));
            }
            assertThat(answers)
                    .as("reads through the site's own (unconfigured) CloudFront: flagged, not refused")
                    .allSatisfy((agent, answer) -> assertThat(answer).startsWith("HTTP/1.1 200"));
        } finally {
            server.stop();
        }
    }
}
