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
import org.junit.jupiter.api.Test;

/**
 * review150: allow2ban, a shared store. The request counted max-retry + 1 bans; a racer counted past it before that ban
 * is written bans nothing now (probe83a F1's fix) and is refused by {@code banned(key)}, which finds no ban yet and
 * answers the Retry-After of a ban that just ended: 1 s, for a key about to be banned for 15 minutes. The gate holds
 * the first request between its count and its ban, as a Redis round trip or another instance does.
 */
class Review150RacerRetryAfterTest {

    @Test
    void aRacerCountedPastTheLimitBeforeTheBanIsWrittenIsToldTheBansRetryAfterNotOneSecond() throws Exception {
        FakeTimeSource clock = new FakeTimeSource();
        CountDownLatch banning = new CountDownLatch(1);
        CountDownLatch racerDone = new CountDownLatch(1);
        StateStore store =
                new GatedStore(LocalStateStore.builder().timeSource(clock).build(), banning, racerDone);
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
        for (int i = 0; i < 5; i++) {
            assertThat(engine.evaluate(reset()).isDenied()).isFalse();
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Evaluation> sixth = pool.submit(() -> engine.evaluate(reset()));
            assertThat(banning.await(1, TimeUnit.MINUTES)).isTrue(); // the 6th was counted and is banning
            Evaluation racer = engine.evaluate(reset());
            racerDone.countDown();
            assertThat(sixth.get(1, TimeUnit.MINUTES).decision().retryAfter()).isEqualTo(Duration.ofMinutes(15));
            assertThat(racer.isDenied()).isTrue();
            assertThat(racer.decision().retryAfter())
                    .as("the racer's key is being banned for 15 minutes")
                    .isGreaterThan(Duration.ofSeconds(1));
        } finally {
            racerDone.countDown();
            pool.shutdownNow();
        }
    }

    private static GuardRequest reset() {
        return GuardRequest.builder("POST", "/api/password-reset")
                .client("198.51.100.7")
                .build();
    }

    /** Delegates; the first {@code banAfresh} of a sliding window waits for the racer (a slow round trip). */
    private static final class GatedStore extends DelegatingStateStore {
        private final CountDownLatch banning;
        private final CountDownLatch racerDone;

        GatedStore(StateStore store, CountDownLatch banning, CountDownLatch racerDone) {
            super(store);
            this.banning = banning;
            this.racerDone = racerDone;
        }

        @Override
        public SlidingWindows slidingWindows(String namespace, Duration window) {
            SlidingWindows windows = store.slidingWindows(namespace, window);
            return (SlidingWindows) Proxy.newProxyInstance(
                    SlidingWindows.class.getClassLoader(), new Class<?>[] {SlidingWindows.class}, (p, m, args) -> {
                        if (m.getName().equals("banAfresh") && banning.getCount() > 0) {
                            banning.countDown();
                            if (!racerDone.await(1, TimeUnit.MINUTES)) {
                                throw new IllegalStateException("the racer never came");
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
