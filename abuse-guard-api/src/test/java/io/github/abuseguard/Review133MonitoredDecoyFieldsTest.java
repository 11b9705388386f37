package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.origin.OriginGuard;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.OnlyReads;
import io.github.abuseguard.volume.VolumeGuard;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review133 F3: e62aeee5 leaves the {@code RateLimit} fields off every request a rule that may decoy watches, whether
 * or not that rule can answer anything: a guard added in monitor mode (a rollout, which only reports) or a monitored
 * route never decoys, yet the route's honest clients lose their rate-limit state the moment it is added.
 */
class Review133MonitoredDecoyFieldsTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    private RateLimitGuard orders() {
        return RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("orders")
                        .path("/api/orders")
                        .limit(Limit.of(100, Duration.ofMinutes(1)))
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

    private static GuardRequest order() {
        return GuardRequest.builder("POST", "/api/orders")
                .route("/api/orders")
                .client("203.0.113.9")
                .header("Origin", "https://shop.example")
                .build();
    }

    @Test
    void aDecoyingGuardInMonitorModeLeavesTheRouteItsRateLimitFields() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(orders())
                .guard(decoyingOrigin(), Mode.MONITOR)
                .build();

        Evaluation evaluation = engine.evaluate(order());
        assertThat(evaluation.decision().isAllow()).isTrue();
        assertThat(evaluation.hints().hasRateLimits())
                .as("a monitored guard answers no request with a decoy: there is no decoy to tell apart")
                .isTrue();
    }

    /**
     * An "only reads" signal with a score is a flag, whatever its action (read only when the score is 0): this rule never
     * decoys, and with no risk threshold nothing else does.
     */
    @Test
    void anOnlyReadsSignalThatFlagsLeavesTheRouteItsRateLimitFields() {
        RateLimitGuard items = RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("items")
                        .path("/api/items/{id}")
                        .limit(Limit.of(100, Duration.ofMinutes(1)))
                        .build())
                .build();
        VolumeGuard volume = VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(1234)
                .rule(DistinctRule.builder("items")
                        .path("/api/items/{id}")
                        .methods("GET")
                        .maxDistinct(500)
                        .onlyReads(new OnlyReads(20, 50, Action.DECOY))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(items).guard(volume).build();

        GuardRequest item = GuardRequest.builder("GET", "/api/items/7")
                .route("/api/items/{id}")
                .client("203.0.113.10")
                .build();
        assertThat(engine.evaluate(item).hints().hasRateLimits())
                .as("a flag of score 50 is no decoy")
                .isTrue();
    }

    @Test
    void aMonitoredRouteKeepsItsRateLimitFields() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(orders())
                .guard(decoyingOrigin())
                .monitoredRoute("/api/orders")
                .build();

        assertThat(engine.evaluate(order()).hints().hasRateLimits())
                .as("every denial on a monitored route is only reported")
                .isTrue();
    }
}
