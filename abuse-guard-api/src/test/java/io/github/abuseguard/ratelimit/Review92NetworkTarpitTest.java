package io.github.abuseguard.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** review92: 410d47bc's network tarpit, through the engine: refused in the end, the address's tokens come back. */
class Review92NetworkTarpitTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private static GuardRequest from(String address) {
        return GuardRequest.builder("POST", "/api/login")
                .route("/api/login")
                .client(address)
                .build();
    }

    private RateLimitGuard guard(Action network) {
        return RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("per-ip")
                        .path("/**")
                        .limit(Limit.of(2, Duration.ofDays(1)))
                        .build())
                .rule(RateLimitRule.builder("per-network")
                        .path("/**")
                        .key("network")
                        .action(network)
                        .limit(Limit.of(3, Duration.ofMinutes(10)))
                        .build())
                .build();
    }

    @Test
    void aNetworkTarpitRefusedInTheEndGivesBackTheAddresssOwnTokens() {
        RateLimitGuard guard = guard(Action.TARPIT);
        AbuseGuard engine = AbuseGuard.builder().guard(guard).build();
        for (int host = 1; host <= 3; host++) {
            assertThat(engine.evaluate(from("198.51.100." + host)).decision().isAllow())
                    .isTrue();
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            GuardRequest request = from("198.51.100.200");
            Evaluation tarpitted = engine.evaluate(request);
            assertThat(tarpitted.decision().action()).isEqualTo(Action.TARPIT);
            assertThat(tarpitted.decision().rule()).as("attempt " + attempt).isEqualTo("per-network");
            engine.refused(request, tarpitted); // then: reject
        }
        clock.advance(Duration.ofMinutes(11));
        assertThat(engine.evaluate(from("198.51.100.200")).decision().isAllow())
                .as("five tarpits refused in the end: the address's own 2 a day are untouched")
                .isTrue();
    }

    @Test
    void aNetworkDecoyGivesBackTheAddresssOwnTokensEachTime() {
        RateLimitGuard guard = guard(Action.DECOY);
        for (int host = 1; host <= 3; host++) {
            assertThat(guard.check(from("198.51.100." + host)).isAllow()).isTrue();
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            Decision d = guard.check(from("198.51.100.200"));
            assertThat(d.rule()).as("attempt " + attempt).isEqualTo("per-network");
        }
    }
}
