package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.StandardError;
import org.junit.jupiter.api.Test;

/**
 * user76 F2: a plain servlet's form login answers a wrong password with {@code 302 /login.html?error}; a failure rule
 * of {@code statuses: 401} on it counts nothing (30 of 30 user names from one address reached the password check) and
 * nothing said so. The rule now WARNs once when its routes answered redirects and none of its statuses.
 */
class RedirectingLoginWarningTest {

    private static FailureGuard loginRule() {
        return loginRule(FailureRule.builder("login").path("/login").methods("POST"));
    }

    private static FailureGuard loginRule(FailureRule.Builder rule) {
        return FailureGuard.builder()
                .store(LocalStateStore.builder().build())
                .rule(rule.statuses("401").maxRetry(5).build())
                .build();
    }

    private static void answer(FailureGuard guard, String method, int status, int times) {
        for (int i = 0; i < times; i++) {
            GuardRequest request = GuardRequest.builder(method, "/login")
                    .client("198.51." + (i / 200) + "." + (i % 200))
                    .build();
            guard.check(request);
            guard.observe(request, status);
        }
    }

    private static long warnings(String printed) {
        return printed.lines()
                .filter(line -> line.contains("WARN") && line.contains("failure rule 'login' heard"))
                .count();
    }

    @Test
    void aLoginThatRedirectsEveryAnswerIsWarnedOfOnce() throws Exception {
        FailureGuard guard = loginRule();
        String printed = StandardError.printedBy(() -> answer(guard, "POST", 302, 150));
        assertThat(warnings(printed)).as(printed).isEqualTo(1);
        assertThat(printed).contains("HandlerStatus.of(request).decided(401)");
    }

    @Test
    void aLoginWhoseFailuresAreHeardIsQuiet() throws Exception {
        FailureGuard guard = loginRule();
        String printed = StandardError.printedBy(() -> {
            answer(guard, "POST", 401, 1);
            answer(guard, "POST", 302, 150); // a successful sign-in's redirect
        });
        assertThat(warnings(printed)).as(printed).isZero();
    }

    @Test
    void redirectsOfPagesAreNotTakenForALogin() throws Exception {
        // a rule of every method: the login page's GET redirects a visitor already signed in
        FailureGuard guard = loginRule(FailureRule.builder("login").path("/login"));
        String printed = StandardError.printedBy(() -> answer(guard, "GET", 302, 150));
        assertThat(warnings(printed)).as(printed).isZero();
    }
}
