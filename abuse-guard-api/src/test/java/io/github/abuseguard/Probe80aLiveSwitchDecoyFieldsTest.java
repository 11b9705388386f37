package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.origin.OriginGuard;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * probe80a: the decoy-route rule of probe73b F1 / review133 F3 ("a route a decoying rule watches carries no
 * RateLimit fields; a monitored guard decoys nothing, so its route keeps them") reads the guard's mode only. A live
 * switch of one rule (README "Live control": {@code {"guard":"origin","rule":"shop","mode":...}}) is honoured by the
 * deny path and ignored by the fields path.
 */
class Probe80aLiveSwitchDecoyFieldsTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    private RateLimitGuard everyApiRequest() {
        return RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("api")
                        .path("/api/**")
                        .limit(Limit.of(1_000, Duration.ofMinutes(1)))
                        .build())
                .build();
    }

    private static OriginGuard decoyingOrigin() {
        return OriginGuard.of(List.of(OriginRule.builder("shop")
                .path("/api/orders")
                .allowOrigin("https://shop.example")
                .action(Action.DECOY)
                .build()));
    }

    private static GuardRequest order(String origin, String client) {
        return GuardRequest.builder("POST", "/api/orders")
                .route("/api/orders")
                .client(client)
                .header("Origin", origin)
                .build();
    }

    /**
     * The guard enforces; the operator puts its decoying rule on trial live (a false alarm). That rule
     * answers no request with a decoy now, yet honest clients lose their RateLimit fields (review133 F3 for a rule
     * switched live).
     */
    @Test
    void aDecoyingRuleSwitchedLiveToMonitorLeavesTheRouteItsRateLimitFields() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(everyApiRequest())
                .guard(decoyingOrigin())
                .build();
        engine.switchMode("origin", "shop", Mode.MONITOR);

        Evaluation evaluation = engine.evaluate(order("https://shop.example", "203.0.113.22"));
        assertThat(evaluation.decision().isAllow()).isTrue();
        assertThat(evaluation.hints().hasRateLimits())
                .as("a monitored rule answers no request with a decoy: there is no decoy to tell apart")
                .isTrue();
    }

    /** A rate-limit rule that decoys, in a rate-limit guard on trial: its own guard still takes the fields off. */
    @Test
    void aMonitoredRateLimitGuardsOwnDecoyRuleLeavesTheRouteItsFields() {
        RateLimitGuard limits = RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("api")
                        .path("/api/**")
                        .limit(Limit.of(1_000, Duration.ofMinutes(1)))
                        .build())
                .rule(RateLimitRule.builder("orders")
                        .path("/api/orders")
                        .limit(Limit.of(100, Duration.ofMinutes(1)))
                        .action(Action.DECOY)
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(limits, Mode.MONITOR).build();

        Evaluation evaluation = engine.evaluate(order("https://shop.example", "203.0.113.23"));
        assertThat(evaluation.decision().isAllow()).isTrue();
        assertThat(evaluation.hints().hasRateLimits())
                .as("a guard in monitor mode decoys nothing (review133 F3)")
                .isTrue();
    }
}
