package io.github.abuseguard.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * review93 F4: a network rule that tarpits returns before the rules after it in the order are charged, so where the
 * network rule is declared before the address's own rule, a request the network tarpits and then passes on
 * ({@code tarpit.then: pass}) never pays the address's own limit.
 */
class Review93NetworkTarpitOrderTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private static GuardRequest from(String address) {
        return GuardRequest.builder("POST", "/api/login")
                .route("/api/login")
                .client(address)
                .build();
    }

    @Test
    void requestsANetworkTarpitPassesOnStillPayTheAddresssOwnLimit() {
        RateLimitGuard guard = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("per-network")
                        .path("/**")
                        .key("network")
                        .action(Action.TARPIT)
                        .limit(Limit.of(1, Duration.ofMinutes(10)))
                        .build())
                .rule(RateLimitRule.builder("per-ip")
                        .path("/**")
                        .limit(Limit.of(2, Duration.ofDays(1)))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(guard).build();
        assertThat(engine.evaluate(from("198.51.100.1")).decision().isAllow()).isTrue();
        int through = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            GuardRequest request = from("198.51.100.200");
            Evaluation evaluation = engine.evaluate(request);
            if (evaluation.decision().isAllow()) {
                engine.complete(request, evaluation, 200);
                through++;
                continue;
            }
            if (evaluation.decision().action() != Action.TARPIT) {
                continue; // refused: not through
            }
            // tarpit.then: pass, as the servlet filter runs it
            engine.waiting(request, evaluation);
            if (engine.resumed(request, evaluation) == null) {
                engine.complete(request, evaluation, 200);
                through++;
            }
        }
        clock.advance(Duration.ofMinutes(11));
        GuardRequest next = from("198.51.100.200");
        Evaluation evaluation = engine.evaluate(next);
        if (evaluation.decision().isAllow()) {
            through++;
        }
        assertThat(through)
                .as("requests of 198.51.100.200 through in one day, under per-ip's 2 a day")
                .isLessThanOrEqualTo(2);
    }

    /** The other way round: an address's own tarpit, passed on, still counts against its network's limit after it. */
    @Test
    void requestsAnAddresssOwnTarpitPassesOnStillPayTheNetworksLimit() {
        RateLimitGuard guard = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("per-ip")
                        .path("/**")
                        .action(Action.TARPIT)
                        .limit(Limit.of(1, Duration.ofDays(1)))
                        .build())
                .rule(RateLimitRule.builder("per-network")
                        .path("/**")
                        .key("network")
                        .limit(Limit.of(3, Duration.ofMinutes(10)))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(guard).build();
        int through = 0;
        for (int attempt = 0; attempt < 6; attempt++) {
            through += passesWithThenPass(engine, from("198.51.100.7")) ? 1 : 0;
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            through += passesWithThenPass(engine, from("198.51.100.8")) ? 1 : 0;
        }
        assertThat(through)
                .as("requests of 198.51.100.0/24 through in ten minutes, under per-network's 3")
                .isEqualTo(3);
    }

    /** Whether the request reaches the application, a tarpit's refusal passed on after its delay (then: pass). */
    private static boolean passesWithThenPass(AbuseGuard engine, GuardRequest request) {
        Evaluation evaluation = engine.evaluate(request);
        if (evaluation.decision().action() == Action.TARPIT) {
            engine.waiting(request, evaluation);
            if (engine.resumed(request, evaluation) != null) {
                return false;
            }
        } else if (!evaluation.decision().isAllow()) {
            return false;
        }
        engine.complete(request, evaluation, 200);
        return true;
    }
}
