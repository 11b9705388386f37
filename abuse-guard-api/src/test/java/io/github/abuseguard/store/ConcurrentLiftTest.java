package io.github.abuseguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two operators who lift one ban at the same moment leave its count at zero (review56 F2: each read the count and
 * took it back, so it went below zero, and the client had twice its failures before the next ban).
 */
class ConcurrentLiftTest {

    @Test
    void liftsAtOnceLeaveTheCountAtZeroNotBelow() throws Exception {
        // the sliding windows every remote store (Redis) builds over its counters and bans
        StateStore store = LocalStateStore.builder().build();
        SlidingWindows windows = new CounterSlidingWindows(
                store.counters("failure:login:count", Duration.ofHours(2)),
                store.bans("failure:login"),
                Duration.ofHours(1));
        long now = 1_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 300; round++) {
                String key = "203.0.113." + (round % 250);
                while (windows.count(key, now) < 5) {
                    windows.add(key, now);
                }
                CyclicBarrier together = new CyclicBarrier(4);
                List<Future<?>> lifts = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    lifts.add(pool.submit(() -> {
                        together.await();
                        windows.lift(key, now);
                        return null;
                    }));
                }
                for (Future<?> lift : lifts) {
                    lift.get();
                }
                assertThat(windows.count(key, now)).as("round %d", round).isZero();
                assertThat(windows.add(key, now))
                        .as("the next failure is the first, round %d", round)
                        .isEqualTo(1);
                windows.lift(key, now);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
