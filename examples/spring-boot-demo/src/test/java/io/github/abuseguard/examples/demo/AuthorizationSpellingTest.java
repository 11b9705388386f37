package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe23 F1: keys taken from the Authorization header (the sequence guard's default session, a rate-limit key
 * header:Authorization) are one key for all the spellings of one credential that Spring Security accepts as
 * that credential: RFC 9110 makes the scheme case-insensitive, and its BasicAuthenticationConverter skips any
 * one character after "Basic". Before: 199 of 200 respellings passed a once-only rule, 200 of 200 a limit of one.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.security.user.name=ops",
            "spring.security.user.password=opspassword123",
            "spring.security.user.roles=OPS",
            // "at most once per session (the bearer/basic credential) per day", as README's redeem example
            "abuse-guard.sequence.rules.once.operation=GET /actuator/metrics",
            "abuse-guard.sequence.rules.once.forbids=GET /actuator/metrics",
            "abuse-guard.sequence.rules.once.within=24h",
            // one request per credential per hour
            "abuse-guard.rate-limit.rules.per-credential.paths[0]=/actuator/env",
            "abuse-guard.rate-limit.rules.per-credential.key=header:Authorization",
            "abuse-guard.rate-limit.rules.per-credential.limits[0].capacity=1",
            "abuse-guard.rate-limit.rules.per-credential.limits[0].period=1h",
            "management.endpoints.web.exposure.include=health,metrics,env,abuseguard",
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AuthorizationSpellingTest {

    @LocalServerPort
    int port;

    /** Spellings of one Basic credential: 32 scheme cases times separators Spring Security skips. */
    static List<String> spellings(int count) {
        String token = Base64.getEncoder().encodeToString("ops:opspassword123".getBytes(StandardCharsets.UTF_8));
        List<String> all = new ArrayList<>();
        String separators = " \t!#$%&*+-.0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~";
        for (char separator : separators.toCharArray()) {
            for (int mask = 0; mask < 32; mask++) {
                StringBuilder scheme = new StringBuilder();
                for (int i = 0; i < 5; i++) {
                    char c = "Basic".charAt(i);
                    scheme.append((mask & 1 << i) != 0 ? Character.toUpperCase(c) : Character.toLowerCase(c));
                }
                all.add(scheme + String.valueOf(separator) + token);
                if (all.size() == count) {
                    return all;
                }
            }
        }
        return all;
    }

    @Test
    void aOnceOnlySequenceRuleHoldsForEverySpellingOfTheCredential() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String canonical =
                "Basic " + Base64.getEncoder().encodeToString("ops:opspassword123".getBytes(StandardCharsets.UTF_8));
        assertThat(client.send("127.0.0.2", "GET", "/actuator/metrics", null, "Authorization", canonical)
                        .status())
                .isEqualTo(200);
        LoopbackClient.Answer again =
                client.send("127.0.0.2", "GET", "/actuator/metrics", null, "Authorization", canonical);
        assertThat(again.status())
                .as("the rule holds for the same spelling: %s", again.body())
                .isEqualTo(403);

        int passed = 0;
        List<String> spellings = spellings(200);
        for (String spelling : spellings) {
            if (client.send("127.0.0.2", "GET", "/actuator/metrics", null, "Authorization", spelling)
                            .status()
                    == 200) {
                passed++;
            }
        }
        assertThat(passed)
                .as("respellings of one credential that passed a once-only rule")
                .isZero();
    }

    @Test
    void aRateLimitKeyedByTheAuthorizationHeaderIsOneBucketForEverySpelling() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        int passed = 0;
        List<String> spellings = spellings(200);
        for (String spelling : spellings) {
            if (client.send("127.0.0.3", "GET", "/actuator/env", null, "Authorization", spelling)
                            .status()
                    == 200) {
                passed++;
            }
        }
        assertThat(passed).as("one request per credential per hour").isEqualTo(1);
    }
}
