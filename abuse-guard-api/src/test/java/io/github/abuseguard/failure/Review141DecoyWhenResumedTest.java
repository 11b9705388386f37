package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review141 F3: a decoy spends what a real answer spends of the client's own quota (README, Decoy and tarpit; {@code
 * Guard#decoyed}), but a decoy answered when a tarpitted request resumes ({@code AbuseGuard.resumed}: the route's
 * under-attack mode, {@code action: decoy}, started during the delay) goes through {@code refused}, which {@code
 * cancel}s every guard the request passed: the rate limit gives back the client's own token too. A tarpitted client
 * whose waits end in decoys spends none of its own limit, where an answered one does, and where a decoy at evaluation
 * keeps it spent.
 */
class Review141DecoyWhenResumedTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    /** Tarpits every request sent with the user agent {@code tarpitted/1}. */
    private static final Guard TARPIT = new Guard() {
        @Override
        public String name() {
            return "tarpit";
        }

        @Override
        public Decision check(GuardRequest request) {
            return "tarpitted/1".equals(request.header("User-Agent"))
                    ? Decision.deny(Action.TARPIT)
                            .guard("tarpit")
                            .reason("slow-down")
                            .build()
                    : Decision.allow();
        }
    };

    private static GuardRequest login(String address, String username, String userAgent) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", userAgent)
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
    }

    private static UnderAttack surge(Action action) {
        return new UnderAttack(
                Duration.ofSeconds(10),
                5.0,
                20,
                0.2,
                Duration.ofMinutes(2),
                action,
                EnumSet.allOf(UnderAttack.Signal.class),
                null);
    }

    @Test
    void aDecoyWhenATarpittedRequestResumesKeepsTheClientsOwnTokenSpent() {
        FailureGuard failure = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .methods("POST")
                        .maxRetry(10)
                        .underAttack(surge(Action.DECOY))
                        .build())
                .build();
        RateLimitGuard rate = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("per-address")
                        .path("/api/login")
                        .limit(Limit.of(2, Duration.ofHours(1)))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(failure)
                .guard(rate)
                .guard(TARPIT)
                .timeSource(clock)
                .build();

        GuardRequest held = login("10.7.0.1", "victim", "tarpitted/1");
        Evaluation evaluation = engine.evaluate(held);
        assertThat(evaluation.decision().action()).as("control: tarpitted").isEqualTo(Action.TARPIT);
        engine.waiting(held, evaluation);
        List<GuardRequest> guesses = new ArrayList<>();
        for (int a = 0; a < 20; a++) {
            GuardRequest guess = login("10.8." + a + ".1", "victim", "python-requests/2.31");
            assertThat(engine.evaluate(guess).decision().isAllow()).isTrue();
            guesses.add(guess);
        }
        for (GuardRequest guess : guesses) {
            engine.complete(guess, 401);
        }
        assertThat(failure.underAttack())
                .as("control: the mode started meanwhile")
                .containsExactly("login");
        Decision resumed = engine.resumed(held, evaluation);
        assertThat(resumed).as("control: the resumed request is decoyed").isNotNull();
        assertThat(resumed.action()).isEqualTo(Action.DECOY);

        // the held request was answered (with a decoy): its token of 2 stays spent, so one more request of the
        // address is answered before its own limit throttles it, as after a real answer or a decoy at evaluation
        int answeredBeforeTheLimit = 0;
        for (int i = 0; i < 3; i++) {
            Decision next =
                    engine.evaluate(login("10.7.0.1", "victim", BROWSER)).decision();
            if (next.isDeny() && next.action() == Action.THROTTLE) {
                break;
            }
            answeredBeforeTheLimit++;
        }
        assertThat(answeredBeforeTheLimit)
                .as("requests of 10.7.0.1 answered (or decoyed) before its own limit of 2 after the decoyed wait")
                .isEqualTo(1);
    }
}
