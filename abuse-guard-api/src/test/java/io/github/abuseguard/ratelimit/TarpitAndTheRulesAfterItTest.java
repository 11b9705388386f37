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

/**
 * A rate-limit rule's tarpit and the rules after it (review93, review94). review93 F4: a network rule that tarpits returns before the rules after it in the order are charged, so where the
 * network rule is declared before the address's own rule, a request the network tarpits and then passes on
 * ({@code tarpit.then: pass}) never pays the address's own limit.
 */
class TarpitAndTheRulesAfterItTest {
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
            through += passesWithThenPass(engine, from("198.51.100.200")) ? 1 : 0;
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

    /**
     * review94 F1: a monitored tarpit rule's would-be denial, met first, is kept as the answer over an enforced tarpit rule's
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
     * review94 F3: the charge path (a request another guard refused on evidence about the client) still stops at a network
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
