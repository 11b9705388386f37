package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.DelegatingStateStore;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * review150: allow2ban bans only at a count of exactly max-retry + 1. Under local-fallback, an instance that lost the
 * shared store for a moment moves what its fallback counted to the shared store in one add when it is back ({@code
 * Ledger.share}): the shared count jumps over max-retry + 1 and no request ever sees it. Two instances on one shared
 * store (a LocalStateStore stands for Redis): the key goes past max-retry and is refused by its count alone, with a
 * Retry-After of 1 s, never banned for it; no clock skew needed.
 */
class Review150FallbackSkipTest {

    @Test
    void aKeyThatCrossesMaxRetryWhileAnInstanceMovesItsFallbackCountsIsBanned() {
        FakeTimeSource clock = new FakeTimeSource();
        LocalStateStore redis = LocalStateStore.builder().timeSource(clock).build();
        Flaky flaky = new Flaky(redis);
        ResilientStateStore resilient = ResilientStateStore.builder(
                        flaky, LocalStateStore.builder().timeSource(clock).build())
                .policy(OutagePolicy.LOCAL_FALLBACK)
                .timeSource(clock)
                .description("review150")
                .build();
        AbuseGuard a = engine(resilient, clock);
        // B on the same shared store, through counters and bans as a Redis store is (no in-process sliding windows)
        AbuseGuard b = engine(new Flaky(redis), clock);

        flaky.down = true; // instance A loses the shared store for a moment
        for (int i = 0; i < 3; i++) {
            assertThat(a.evaluate(reset()).isDenied()).as("A, on its fallback").isFalse();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(b.evaluate(reset()).isDenied())
                    .as("B, on the shared store")
                    .isFalse();
        }
        flaky.down = false;
        clock.advance(Duration.ofSeconds(1));
        // A's next request moves its fallback's 3 to the shared store in one add (3 -> 6, seen by no request), then
        // counts itself: 7, past max-retry + 1, which bans nothing now
        Evaluation next = a.evaluate(reset());
        assertThat(next.isDenied()).as("past max-retry").isTrue();
        assertThat(next.decision().retryAfter())
                .as("the key went past max-retry: banned for ban-time (15 min), not refused for 1 s")
                .isGreaterThan(Duration.ofMinutes(1));
    }

    /** Control: A's store up all along: five requests pass, the sixth is banned for 15 minutes. */
    @Test
    void controlTheSameRequestsWithTheStoreUpBanForBanTime() {
        FakeTimeSource clock = new FakeTimeSource();
        LocalStateStore redis = LocalStateStore.builder().timeSource(clock).build();
        ResilientStateStore resilient = ResilientStateStore.builder(
                        new Flaky(redis),
                        LocalStateStore.builder().timeSource(clock).build())
                .policy(OutagePolicy.LOCAL_FALLBACK)
                .timeSource(clock)
                .description("review150")
                .build();
        AbuseGuard a = engine(resilient, clock);
        AbuseGuard b = engine(new Flaky(redis), clock);
        for (int i = 0; i < 5; i++) {
            assertThat((i % 2 == 0 ? a : b).evaluate(reset()).isDenied()).isFalse();
        }
        clock.advance(Duration.ofSeconds(1));
        Evaluation next = a.evaluate(reset());
        assertThat(next.isDenied()).isTrue();
        assertThat(next.decision().retryAfter()).isEqualTo(Duration.ofMinutes(15));
    }

    private static AbuseGuard engine(StateStore store, FakeTimeSource clock) {
        return AbuseGuard.builder()
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
    }

    private static GuardRequest reset() {
        return GuardRequest.builder("POST", "/api/password-reset")
                .client("198.51.100.7")
                .build();
    }

    /** The shared store as one instance sees it: its counters and bans fail while {@link #down}. */
    private static final class Flaky extends DelegatingStateStore {
        volatile boolean down;

        Flaky(StateStore store) {
            super(store);
        }

        @SuppressWarnings("unchecked")
        private <T> T flaky(Class<T> type, T target) {
            return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
                if (down) {
                    throw new IllegalStateException("the shared store is unreachable");
                }
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        }

        @Override
        public Counters counters(String namespace, Duration window) {
            return flaky(Counters.class, store.counters(namespace, window));
        }

        @Override
        public Bans bans(String namespace) {
            return flaky(Bans.class, store.bans(namespace));
        }
    }
}
