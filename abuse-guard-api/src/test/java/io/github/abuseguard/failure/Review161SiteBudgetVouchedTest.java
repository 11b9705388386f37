package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * review161: cbb44bee lets a request the rule's own history vouches for go on after the IPv6 site's budget is spent
 * ({@code ownHistory == null && siteBudgetSpent}). That is true of {@code history: rule} too (ownHistory is set, only
 * perResource is not), and of {@code history: resource} on a route whose resource is its fixed path (key: ip, the
 * credential in the body). probe73a F1's scenario: many /64s of one /48 that succeeded once (own account) before the
 * mode, one guess each during the /48's mode: the budget (2 x min-failures) no longer bounds them.
 */
class Review161SiteBudgetVouchedTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final int MIN_FAILURES = 20;
    private static final int ATTACKERS = 200;

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    private FailureGuard guard;

    private AbuseGuard login(UnderAttack.History history) {
        guard = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login")
                        .path("/login")
                        .statuses("401")
                        .maxRetry(10)
                        .underAttack(new UnderAttack(
                                Duration.ofSeconds(10),
                                5.0,
                                MIN_FAILURES,
                                0.2,
                                Duration.ofMinutes(2),
                                Action.REJECT,
                                EnumSet.allOf(UnderAttack.Signal.class),
                                null,
                                history))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(guard).timeSource(clock).build();
        exchange(engine, attempt("192.0.2.61"), 401);
        return engine;
    }

    private static GuardRequest attempt(String address) {
        return GuardRequest.builder("POST", "/login")
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .build();
    }

    private static GuardRequest proven(GuardRequest request) {
        request.historySettled(true);
        return request;
    }

    private static void prove(AbuseGuard engine, String address) {
        engine.vouch(proven(GuardRequest.builder("GET", "/")
                .client(address)
                .header("User-Agent", BROWSER)
                .build()));
    }

    private static Decision exchange(AbuseGuard engine, GuardRequest request, int status) {
        Evaluation evaluation = engine.evaluate(request);
        if (!evaluation.decision().isDeny() || evaluation.decision().action().passesRequestOn()) {
            engine.complete(request, status);
        }
        return evaluation.decision();
    }

    private static String slash64(int prefix) {
        return "2001:db8:161:" + Integer.toHexString(prefix) + "::/64";
    }

    @ParameterizedTest
    @EnumSource(
            value = UnderAttack.History.class,
            names = {"RULE", "RESOURCE"})
    void theSitesBudgetStillBoundsVouchedSlash64s(UnderAttack.History history) {
        AbuseGuard engine = login(history);
        for (int prefix = 0; prefix < ATTACKERS; prefix++) {
            prove(engine, slash64(prefix));
            // each /64 signs in once to an account of the attacker's own: the rule's history vouches for it
            assertThat(exchange(engine, proven(attempt(slash64(prefix))), 200).isAllow())
                    .isTrue();
            clock.advance(Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofHours(1));
        for (int prefix = 0; prefix < 3; prefix++) { // 3 unproved /64s put the /48 under attack on its own
            for (int i = 0; i < 7; i++) {
                exchange(engine, attempt("2001:db8:161:ff0" + prefix + "::/64"), 401);
            }
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(exchange(engine, proven(attempt("2001:db8:161:fff0::/64")), 401)
                        .reason())
                .as("the /48 is under attack on its own")
                .isEqualTo("site-under-attack");
        assertThat(guard.underAttack()).as("the route itself is not").isEmpty();
        int reached = 0;
        for (int prefix = 0; prefix < ATTACKERS; prefix++) {
            clock.advance(Duration.ofMillis(300)); // 200 guesses in 60 s, within the mode's 2 minutes
            Decision d = exchange(engine, proven(attempt(slash64(prefix))), 401);
            if (d.isAllow()) {
                reached++;
            }
        }
        System.out.println("REVIEW161 F1 " + history + ": " + reached + " of " + ATTACKERS + " guesses reached");
        assertThat(reached)
                .as("guesses of vouched /64s during the /48's mode, history: " + history + " (budget 2 x min-failures)")
                .isLessThanOrEqualTo(2 * MIN_FAILURES + 2);
    }
}
