package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe23 F2 and F2b: a rule keyed or counting by basic-user in front of Spring Security's HTTP Basic (README:
 * "a per-user-name rule (key: basic-user) may tarpit in front of Spring Security's HTTP Basic") names the user
 * of every spelling Spring Security accepts: "Basic:&lt;base64&gt;", "Basic\t&lt;base64&gt;", "BasicX&lt;base64&gt;"
 * are "Basic &lt;base64&gt;" to its BasicAuthenticationConverter. Before: 60 of 60 guesses at one user from 20
 * addresses reached the password check (F2), and one address sprayed 40 of 40 user names (F2b).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.security.user.name=ops",
            "spring.security.user.password=opspassword123",
            "spring.security.user.roles=OPS",
            // the demo's own per-address rule (and its crowd mode) is moved away: the rules below are seen alone
            "abuse-guard.failure.rules.actuator-login.paths[0]=/nothing-here",
            "abuse-guard.failure.rules.per-user.paths[0]=/actuator/**",
            "abuse-guard.failure.rules.per-user.statuses=401",
            "abuse-guard.failure.rules.per-user.key=basic-user",
            "abuse-guard.failure.rules.per-user.credential=header:Authorization",
            "abuse-guard.failure.rules.per-user.max-retry=5",
            "abuse-guard.failure.rules.per-user.find-time=10m",
            "abuse-guard.failure.rules.per-user.ban-time=15m",
            "abuse-guard.failure.rules.spray.paths[0]=/actuator/**",
            "abuse-guard.failure.rules.spray.statuses=401",
            "abuse-guard.failure.rules.spray.key=ip",
            "abuse-guard.failure.rules.spray.distinct=basic-user",
            "abuse-guard.failure.rules.spray.credential=header:Authorization",
            "abuse-guard.failure.rules.spray.max-retry=5",
            "abuse-guard.failure.rules.spray.find-time=10m",
            "abuse-guard.failure.rules.spray.ban-time=15m",
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BasicUserSpellingTest {

    @LocalServerPort
    int port;

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void guessesAtOneUserInEverySpellingSpringAcceptsAreCountedForTheUser() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        int reachedPasswordCheck = 0;
        for (int i = 0; i < 60; i++) {
            // 60 guesses from 20 addresses, 3 each
            String source = "127.0.1." + (1 + i % 20);
            String scheme = new String[] {"Basic:", "basic\t", "BASICx", "Basic  "}[i % 4];
            LoopbackClient.Answer answer = client.send(
                    source, "GET", "/actuator/metrics", null, "Authorization", scheme + b64("ops:guess" + i));
            if (answer.status() == 401) {
                reachedPasswordCheck++;
            }
        }
        assertThat(reachedPasswordCheck)
                .as("respelt guesses at one user, max-retry 5")
                .isEqualTo(5);
        LoopbackClient.Answer right = client.send(
                "127.0.1.99", "GET", "/actuator/metrics", null, "Authorization", "Basic:" + b64("ops:opspassword123"));
        assertThat(right.status())
                .as("the right password, so spelt, tells nothing while the user is banned")
                .isEqualTo(429);

        // the canonical spelling, at another user, is counted alike
        int canonical = 0;
        for (int i = 0; i < 20; i++) {
            LoopbackClient.Answer answer = client.send(
                    "127.0.2." + (1 + i),
                    "GET",
                    "/actuator/metrics",
                    null,
                    "Authorization",
                    "Basic " + b64("root:other" + i));
            if (answer.status() == 401) {
                canonical++;
            }
        }
        assertThat(canonical).isEqualTo(5);
    }

    @Test
    void oneAddressSprayingUserNamesInAnyBasicSpellingIsCountedPerName() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        int respelt = 0;
        int refusedProblems = 0;
        for (int i = 0; i < 40; i++) {
            LoopbackClient.Answer answer = client.send(
                    "127.0.5.1",
                    "GET",
                    "/actuator/metrics",
                    null,
                    "Authorization",
                    "Basic:" + b64("spray" + i + ":Winter2026!"));
            if (answer.status() == 401) {
                respelt++;
            } else if (answer.status() == 429) {
                refusedProblems++;
            }
        }
        assertThat(respelt)
                .as("respelt user names sprayed from one address, max-retry 5")
                .isEqualTo(5);
        assertThat(refusedProblems).isEqualTo(35);
        // a spelling that names no user to Spring Security but carries the credential header still counts
        int other = 0;
        for (int i = 0; i < 10; i++) {
            LoopbackClient.Answer answer = client.send(
                    "127.0.5.3", "GET", "/actuator/metrics", null, "Authorization", "Bearer not-a-user-" + i);
            if (answer.status() == 401) {
                other++;
            }
        }
        assertThat(other).as("failures without a user name count as new names").isEqualTo(5);
    }
}
