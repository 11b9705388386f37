package io.github.abuseguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * review49 F3: calls on their way together when a short stall hit all failed at once, and five of them opened the
 * circuit for the retry interval (with fail-closed, five seconds of 503 for everyone). A failure counts toward the
 * failures in a row only if its call started after the last counted failure was heard.
 */
class CircuitBreakerStreakTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final CircuitBreaker breaker =
            new CircuitBreaker(50, 20, 100, 3, 5, Duration.ofSeconds(5).toNanos(), clock);

    @Test
    void callsThatFailTogetherInOneStallCountOnce() {
        long started = clock.nanoTime();
        int[] permits = new int[8];
        for (int i = 0; i < permits.length; i++) {
            permits[i] = breaker.acquire();
        }
        clock.advance(Duration.ofMillis(200)); // each times out
        for (int permit : permits) {
            breaker.record(permit, true, started);
        }

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void callsThatFailOneAfterAnotherOpenTheCircuitAtTheFifth() {
        for (int i = 0; i < 4; i++) {
            long started = clock.nanoTime();
            int permit = breaker.acquire();
            clock.advance(Duration.ofMillis(200));
            breaker.record(permit, true, started);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);

        long started = clock.nanoTime();
        int permit = breaker.acquire();
        clock.advance(Duration.ofMillis(200));
        breaker.record(permit, true, started);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
