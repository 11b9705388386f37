package io.github.abuseguard.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.Mode;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** review94: the tarpit change of bda5055b (RateLimitGuard.consume). */
class Review94TarpitTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private static GuardRequest from(String address) {
        return GuardRequest.builder("POST", "/api/login")
                .route("/api/login")
                .client(address)
                .build();
    }

    /**
     * F1: a monitored tarpit rule's would-be denial, met first, is kept as the answer over an enforced tarpit rule's
     * denial after it (passedOn.action() is TARPIT already), so the engine reads the answer as monitored and lets the
     * request through: the enforced limit is gone.
     */
    @Test
    void aMonitoredTarpitBeforeAnEnforcedTarpitDoesNotLetTheClientThrough() {
        RateLimitGuard guard = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("trial")
                        .path("/**")
                        .action(Action.TARPIT)
                        .limit(Limit.of(1, Duration.ofHours(1)))
                        .build())
                .rule(RateLimitRule.builder("per-ip")
                        .path("/**")
                        .action(Action.TARPIT)
                        .limit(Limit.of(2, Duration.ofHours(1)))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(guard).build();
        engine.switchMode(RateLimitGuard.NAME, "trial", Mode.MONITOR);

        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            GuardRequest request = from("203.0.113.7");
            Evaluation evaluation = engine.evaluate(request);
            if (evaluation.decision().isAllow() || evaluation.decision().action() != Action.TARPIT) {
                allowed++;
                engine.complete(request, evaluation, 200);
            } else {
                engine.refused(request, evaluation);
            }
        }
        assertThat(allowed)
                .as("requests let through at once, under the enforced per-ip tarpit's 2 an hour")
                .isLessThanOrEqualTo(2);
    }

    /**
     * F3: the charge path (a request another guard refused on evidence about the client) still stops at a network
     * rule's tarpit: the address's own rule after it is never charged, so its probes of the content rule are
     * unlimited while its network's bucket is empty.
     */
    @Test
    void aChargeStillPaysTheAddresssOwnRuleAfterANetworkTarpit() {
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
        assertThat(guard.check(from("198.51.100.1")).isAllow()).isTrue(); // the network's token
        for (int i = 0; i < 5; i++) {
            guard.charge(from("198.51.100.200")); // five requests refused by, say, the e-mail guard
        }
        clock.advance(Duration.ofMinutes(11));
        Decision next = guard.check(from("198.51.100.200"));
        assertThat(next.isAllow())
                .as("five refused probes charged nothing on per-ip's 2 a day: " + next)
                .isFalse();
    }
}
