package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * probe28 F1 through the filter, on a real server: IPv4 clients that reach an IPv6-only application through a
 * stateless translator arrive as {@code 64:ff9b::a.b.c.d} (or under the operator's own prefix), written by a
 * trusted proxy into X-Forwarded-For. Keyed by their /64 they were one client: the second of them was refused
 * by a rule of one per hour, and one attacker's failures banned them all.
 */
class Nat64ClientsTest {

    @TempDir
    Path dir;

    private static final String YAML = """
            abuse-guard:
              client:
                trusted-proxies: [127.0.0.1]
                nat64-prefixes: ["2001:db8:64::/96"]
              rate-limit:
                rules:
                  probe:
                    paths: [/api/**]
                    limits:
                      - capacity: 1
                        period: 1h
              failure:
                rules:
                  cards:
                    paths: [/cards/**]
                    max-retry: 3
            """;

    private static final String[] CLIENTS = {
        "64:ff9b::198.51.100.7",
        "64:ff9b::198.51.100.8",
        "64:ff9b::203.0.113.9",
        "2001:db8:64::192.0.2.33",
        "2001:db8:64::192.0.2.34" // one /64 with the one before: only the configured prefix tells them apart
    };

    private static final String ATTACKER = "64:ff9b::203.0.113.66";

    private static int status(TestServer server, String path, String client) throws Exception {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("X-Forwarded-For", client))
                .statusCode();
    }

    private TestServer start() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, YAML);
        return new TestServer(AbuseGuardFilter.fromSettings(SettingsFile.load(file)));
    }

    @Test
    void translatedIpv4ClientsAreEachTheirOwnKeyOfARateLimit() throws Exception {
        try (TestServer server = start()) {
            for (String client : CLIENTS) {
                assertThat(status(server, "/api/scores", client))
                        .as("%s's one request of the hour", client)
                        .isEqualTo(200);
            }
            for (String client : CLIENTS) {
                assertThat(status(server, "/api/scores", client))
                        .as("%s's second request of the hour", client)
                        .isEqualTo(429);
            }
        }
    }

    @Test
    void anAttackersBanDoesNotRefuseTheOtherClientsBehindTheTranslator() throws Exception {
        try (TestServer server = start()) {
            for (int miss = 0; miss < 3; miss++) {
                assertThat(status(server, "/cards/fail", ATTACKER)).isEqualTo(401);
            }
            assertThat(status(server, "/cards/fail", ATTACKER))
                    .as("the attacker, banned")
                    .isEqualTo(429);
            for (String client : CLIENTS) {
                assertThat(status(server, "/cards/balance", client))
                        .as("%s, behind the same translator as the banned attacker", client)
                        .isEqualTo(200);
            }
        }
    }
}
