package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * review145 F4: probe80a F6's fix passes the rate-limit guard the engine's monitored-rule predicate (the engine's mode,
 * the guard's, a rule's live switch), so that a rule on trial no longer silences the guard's fields. A route on trial
 * ({@code abuse-guard.routes.monitor}, {@code @AbuseGuardMonitor}) is not in that predicate: the guard is never told
 * of it, still counts its own decoying rule as one that may answer, and drops the fields of every rule it charged,
 * though on that route no request is ever decoyed (review133 F3: "a monitored route, engine or guard decoys nothing";
 * DecoyRouteRateFieldsTest covers a monitored route only with another guard's decoy rule).
 */
class Review145MonitoredRouteOwnDecoyFieldsTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    @Test
    void aMonitoredRouteKeepsItsFieldsBesideTheRateLimitGuardsOwnDecoyRule() {
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
        AbuseGuard engine =
                AbuseGuard.builder().guard(limits).monitoredRoute("/api/orders").build();

        Evaluation evaluation = engine.evaluate(GuardRequest.builder("POST", "/api/orders")
                .route("/api/orders")
                .client("203.0.113.24")
                .build());
        assertThat(evaluation.decision().isAllow()).isTrue();
        assertThat(evaluation.hints().hasRateLimits())
                .as("a route on trial decoys nothing, as a guard or rule on trial decoys nothing")
                .isTrue();
    }
}
