package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.DelegatingStateStore;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.SlidingWindows;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * review150: one instance, one clock, its own store (LocalStateStore). A request takes its time ({@code now}) before
 * its count; one whose count reaches the store after a later request's (a thread descheduled, a Redis round trip
 * queued) weighs the previous window by its earlier time, one more. Around max-retry the counts go 5, 7: no request
 * sees 6, nothing bans, and the key past the limit is refused with a Retry-After of 1 s by its count alone.
 */
class Review150OutOfOrderSkipTest {

    @Test
    void aRequestCountedAfterALaterOneStillLeavesTheKeyBanned() throws Exception {
        FakeTimeSource clock = new FakeTimeSource();
        AtomicBoolean holdNext = new AtomicBoolean();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StateStore store = new Gated(LocalStateStore.builder().timeSource(clock).build(), holdNext, held, release);
        AbuseGuard engine = AbuseGuard.builder()
                .guard(FailureGuard.builder()
                        .store(store)
                        .timeSource(clock)
                        .rule(FailureRule.builder("reset")
                                .path("/api/password-reset")
                                .counting(FailureRule.Counting.REQUESTS)
                                .maxRetry(5)
                                .findTime(Duration.ofMinutes(10))
                                .banTime(Duration.ofMinutes(15))
                                .build())
                        .build())
                .timeSource(clock)
                .build();
        long w = Duration.ofMinutes(10).toMillis();
        assertThat(Math.floorMod(clock.epochMillis(), w)).isEqualTo(1000);
        for (int i = 0; i < 3; i++) {
            assertThat(engine.evaluate(reset()).isDenied()).isFalse(); // counts 1, 2, 3
        }
        // the next window, just before a third of it: the previous one weighs ceil(3 x 400,001 / 600,000) = 3
        clock.advance(Duration.ofMillis(w - 1000 + w / 3 - 1));
        assertThat(engine.evaluate(reset()).isDenied()).isFalse(); // 1 + 3 = 4
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            holdNext.set(true);
            Future<Evaluation> slow = pool.submit(() -> engine.evaluate(reset())); // its time: weight 3
            assertThat(held.await(1, TimeUnit.MINUTES)).isTrue();
            clock.advance(Duration.ofMillis(2)); // weight 2 from now on
            assertThat(engine.evaluate(reset()).isDenied()).isFalse(); // 2 + 2 = 4
            assertThat(engine.evaluate(reset()).isDenied()).isFalse(); // 3 + 2 = 5
            release.countDown();
            Evaluation late = slow.get(1, TimeUnit.MINUTES); // 4 + 3 = 7
            assertThat(late.isDenied()).as("past max-retry").isTrue();
            Evaluation next = engine.evaluate(reset()); // 5 + 2 = 7
            assertThat(next.isDenied()).isTrue();
            assertThat(next.decision().retryAfter())
                    .as("the key went past max-retry: banned for ban-time (15 min), not refused for 1 s")
                    .isGreaterThan(Duration.ofMinutes(1));
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private static GuardRequest reset() {
        return GuardRequest.builder("POST", "/api/password-reset")
                .client("198.51.100.7")
                .build();
    }

    /** Delegates; holds one count ({@code addUnlessBanned}) when asked, before it reaches the store. */
    private static final class Gated extends DelegatingStateStore {
        private final AtomicBoolean holdNext;
        private final CountDownLatch held;
        private final CountDownLatch release;

        Gated(StateStore store, AtomicBoolean holdNext, CountDownLatch held, CountDownLatch release) {
            super(store);
            this.holdNext = holdNext;
            this.held = held;
            this.release = release;
        }

        @Override
        public SlidingWindows slidingWindows(String namespace, Duration window) {
            SlidingWindows windows = store.slidingWindows(namespace, window);
            return (SlidingWindows) Proxy.newProxyInstance(
                    SlidingWindows.class.getClassLoader(), new Class<?>[] {SlidingWindows.class}, (p, m, args) -> {
                        if (m.getName().equals("addUnlessBanned") && holdNext.compareAndSet(true, false)) {
                            held.countDown();
                            if (!release.await(1, TimeUnit.MINUTES)) {
                                throw new IllegalStateException("never released");
                            }
                        }
                        try {
                            return m.invoke(windows, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
