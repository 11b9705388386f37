package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.AbuseGuardSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review121: the warning of a body field never seen comes after 100 bodies without it, as it says, not fewer. */
class Review121UnseenBodyFieldTest {

    /**
     * review121 F6: a failure rule keyed {@code ip+body:/usrname} warns after fewer than 100 bodies (its key is read
     * more than once per request, by more than one watcher), and more than once.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rate-limit", "failure"})
    void fiftyBodiesWithoutTheFieldAreNoWarningOfAHundred(String guard) throws Exception {
        assertThat(warnings(guard, 50))
                .as("after 50 bodies, with the " + guard + " guard")
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rate-limit", "failure"})
    void aHundredBodiesWithoutTheFieldAreOneWarning(String guard) throws Exception {
        assertThat(warnings(guard, 100))
                .as("after 100 bodies, with the " + guard + " guard")
                .hasSize(1);
    }

    private static java.util.List<String> warnings(String guard, int bodies) throws Exception {
        Map<String, String> settings = new HashMap<>();
        if (guard.equals("rate-limit")) {
            settings.put("abuse-guard.rate-limit.rules.login.paths", "/api/login");
            settings.put("abuse-guard.rate-limit.rules.login.key", "ip+body:/usrname");
            settings.put("abuse-guard.rate-limit.rules.login.limits[0].capacity", "1000");
            settings.put("abuse-guard.rate-limit.rules.login.limits[0].period", "1m");
        } else {
            settings.put("abuse-guard.failure.rules.login.paths", "/api/login");
            settings.put("abuse-guard.failure.rules.login.statuses", "401");
            settings.put("abuse-guard.failure.rules.login.key", "ip+body:/usrname");
            settings.put("abuse-guard.failure.rules.login.max-retry", "1000");
        }
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(AbuseGuardSettings.bind(settings));
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (TestServer server = new TestServer(filter)) {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            for (int i = 0; i < bodies; i++) {
                HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"user" + i + "\"}")));
                assertThat(response.statusCode()).isEqualTo(200);
            }
        } finally {
            System.setErr(original);
        }

        return printed.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(line -> line.contains("was absent from the first 100"))
                .toList();
    }
}
