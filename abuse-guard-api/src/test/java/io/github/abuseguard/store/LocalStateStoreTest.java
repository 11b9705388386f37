package io.github.abuseguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalStateStoreTest extends StateStoreContract {
    private final FakeTimeSource clock = new FakeTimeSource();

    @Override
    protected StateStore store() {
        return LocalStateStore.builder().timeSource(clock).maximumKeys(10_000).build();
    }

    @Override
    protected void advance(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void aFloodOfDistinctKeysKeepsTheStoreAtItsBound() {
        LocalStateStore store =
                LocalStateStore.builder().timeSource(clock).maximumKeys(5_000).build();
        TokenBuckets buckets =
                store.tokenBuckets("flood", BucketSpec.of(BucketLimit.greedy(10, 10, Duration.ofMinutes(1))));
        for (int i = 0; i < 1_000_000; i++) {
            buckets.tryConsume("attacker-" + i, 1);
        }
        assertThat(buckets.trackedKeys()).isLessThanOrEqualTo(5_000);
    }

    @Test
    void aProbeOfAKnownKeyAllocatesNoAnswer() {
        TokenBuckets buckets = store().tokenBuckets(
                        "probe", BucketSpec.of(BucketLimit.greedy(1_000_000, 1_000_000, Duration.ofMinutes(1))));
        ConsumptionProbe probe = new ConsumptionProbe();
        buckets.tryConsume("client", 1, probe);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int calls = 10_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            buckets.tryConsume("client", 1, probe);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(probe.remainingTokens()).isEqualTo(1_000_000 - 1 - calls);
        // A Consumption per call would be 40 bytes each: 400,000 in all.
        assertThat(allocated).isLessThan(calls * 8L);
    }

    @Test
    void bucketsAreForgottenOnceTheyWouldHaveRefilled() {
        TokenBuckets buckets =
                store().tokenBuckets("idle", BucketSpec.of(BucketLimit.greedy(10, 10, Duration.ofMinutes(1))));
        buckets.tryConsume("client", 10);
        assertThat(buckets.trackedKeys()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(61));
        assertThat(buckets.trackedKeys()).isZero();
        assertThat(buckets.tryConsume("client", 10).consumed()).isTrue();
    }

    @Test
    void aFloodOfNewKeysKeepsSlidingWindowsAtTheirBound() {
        LocalStateStore store =
                LocalStateStore.builder().timeSource(clock).maximumKeys(5_000).build();
        SlidingWindows windows = store.slidingWindows("flood", Duration.ofMinutes(10));
        long now = clock.epochMillis();
        for (int i = 0; i < 200_000; i++) {
            String key = "attacker-" + i;
            assertThat(windows.reserve(key, now, 5)).isEqualTo(SlidingWindows.Reservation.TAKEN);
            windows.settle(key, now, now);
        }
        assertThat(((LocalStateStore.LocalSlidingWindows) windows).trackedKeys())
                .isLessThanOrEqualTo(5_000);
    }

    @Test
    void aBanOutlivesItsKeysEntryEvictedByAFloodOfNewKeys() {
        LocalStateStore store =
                LocalStateStore.builder().timeSource(clock).maximumKeys(100).build();
        SlidingWindows windows = store.slidingWindows("evicted", Duration.ofMinutes(10));
        long now = clock.epochMillis();
        windows.add("banned", now);
        windows.ban("banned", Duration.ofHours(1));
        for (int i = 0; i < 100_000; i++) {
            windows.reserve("attacker-" + i, now, 5);
        }
        LocalStateStore.LocalSlidingWindows local = (LocalStateStore.LocalSlidingWindows) windows;
        assertThat(local.trackedKeys()).isLessThanOrEqualTo(100);
        assertThat(local.bannedKeys()).as("only banned keys are kept apart").isEqualTo(1);
        assertThat(windows.isBanned("banned")).isTrue();
        assertThat(windows.reserve("banned", now, 5)).isEqualTo(SlidingWindows.Reservation.BANNED);
        assertThat(windows.addUnlessBanned("banned", now)).isEqualTo(-1);
    }

    @Test
    void aKeysSlidingWindowsAreForgottenTwoWindowsAfterItsLastUse() {
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        SlidingWindows windows = store.slidingWindows("idle", Duration.ofMinutes(1));
        windows.reserve("client", clock.epochMillis(), 5);
        windows.release("client", clock.epochMillis(), clock.epochMillis());
        LocalStateStore.LocalSlidingWindows local = (LocalStateStore.LocalSlidingWindows) windows;
        clock.advance(Duration.ofSeconds(119));
        assertThat(local.trackedKeys()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(local.trackedKeys()).isZero();
    }

    @Test
    void aBanLastsBeyondTheEntryOfItsIdleKey() {
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        SlidingWindows windows = store.slidingWindows("long-ban", Duration.ofMinutes(1));
        windows.reserve("client", clock.epochMillis(), 5);
        windows.ban("client", Duration.ofHours(1));
        clock.advance(Duration.ofMinutes(30));
        assertThat(((LocalStateStore.LocalSlidingWindows) windows).trackedKeys())
                .isZero();
        assertThat(windows.isBanned("client")).isTrue();
        assertThat(windows.reserve("client", clock.epochMillis(), 5)).isEqualTo(SlidingWindows.Reservation.BANNED);
        clock.advance(Duration.ofMinutes(31));
        assertThat(windows.isBanned("client")).isFalse();
    }

    @Test
    void aCountAddedToMostlyQuietlyStaysExactAndExpiresFromItsCreation() {
        Counters counters = store().counters("quiet", Duration.ofMinutes(1));
        for (int i = 0; i < 1_000; i++) {
            counters.add("route", 1);
        }
        assertThat(counters.get("route")).isEqualTo(1_000);
        clock.advance(Duration.ofSeconds(59));
        assertThat(counters.add("route", 1)).isEqualTo(1_001);
        clock.advance(Duration.ofSeconds(2));
        assertThat(counters.get("route")).isZero();
        assertThat(counters.add("route", 1)).isEqualTo(1);
    }

    @Test
    void aCountInUseOutlivesAFloodOfOneOffKeys() {
        LocalStateStore store =
                LocalStateStore.builder().timeSource(clock).maximumKeys(100).build();
        Counters counters = store.counters("flooded", Duration.ofHours(1));
        for (int i = 0; i < 100_000; i++) {
            counters.add("attacker-" + i, 1);
            if (i % 10 == 0) {
                counters.add("route", 1);
            }
        }
        assertThat(counters.get("route")).isEqualTo(10_000);
    }
}
