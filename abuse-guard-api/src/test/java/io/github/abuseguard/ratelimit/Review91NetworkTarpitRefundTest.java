package io.github.abuseguard.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * review91 (45681109): a network rule that tarpits, not refuses, gives back the address's own tokens too, as if the
 * request were refused. A tarpit may pass the request on (tarpit.then: pass, and at once when the tarpit is full),
 * and without a global cap the engine never tells the guard: each tarpitted request reaches the application with the
 * address's own limit untouched. Once its /24 is full, one address gets through without end; before the commit its
 * own limit refused it after 2.
 */
class Review91NetworkTarpitRefundTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private static GuardRequest from(String address) {
        return GuardRequest.builder("POST", "/api/login").client(address).build();
    }

    @Test
    void aNetworkTarpitThatMayPassTheRequestOnDoesNotGiveBackTheAddresssOwnTokens() {
        RateLimitGuard guard = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("per-ip")
                        .path("/**")
                        .limit(Limit.of(2, Duration.ofDays(1)))
                        .build())
                .rule(RateLimitRule.builder("per-network")
                        .path("/**")
                        .key("network")
                        .action(Action.TARPIT)
                        .limit(Limit.of(3, Duration.ofMinutes(10)))
                        .build())
                .build();
        for (int host = 1; host <= 3; host++) {
            assertThat(guard.check(from("198.51.100." + host)).isAllow()).isTrue();
        }
        // the /24 is full: each request from .200 is tarpitted, and goes on after the delay under then: pass
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThat(guard.check(from("198.51.100.200")).action()).isEqualTo(Action.TARPIT);
        }
        Decision third = guard.check(from("198.51.100.200"));
        assertThat(third.rule())
                .as("two tarpitted requests (which a tarpit may pass on) spent the address's 2 tokens")
                .isEqualTo("per-ip");
    }
}
