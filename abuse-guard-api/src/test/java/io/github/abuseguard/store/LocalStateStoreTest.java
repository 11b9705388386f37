package io.github.abuseguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * Most uses of a bucket are not recorded as its cache entry's access; a client held at its limit is
     * recorded on every refused request, so a flood of five times the bound in new keys cannot reset it,
     * whether it asks again every 50 new keys or only every 20,000.
     */
    @ParameterizedTest
    @ValueSource(ints = {50, 20_000})
    void aClientHeldAtItsLimitStaysThrottledThroughAFloodOfNewKeys(int newKeysBetweenItsRequests) {
        LocalStateStore store =
                LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();
        TokenBuckets buckets =
                store.tokenBuckets("hammered", BucketSpec.of(BucketLimit.greedy(10, 10, Duration.ofHours(1))));
        ConsumptionProbe flood = new ConsumptionProbe();
        ConsumptionProbe hammer = new ConsumptionProbe();
        for (int i = 0; i < 10; i++) {
            buckets.tryConsume("hammer", 1, hammer);
        }
        int allowed = 0;
        for (int i = 0; i < 500_000; i++) {
            buckets.tryConsume("flood-" + i, 1, flood);
            if (i % newKeysBetweenItsRequests == 0) {
                buckets.tryConsume("hammer", 1, hammer);
                allowed += hammer.consumed() ? 1 : 0;
            }
        }
        assertThat(allowed)
                .as("requests of the throttled client allowed during the flood")
                .isZero();
        assertThat(buckets.trackedKeys()).isLessThanOrEqualTo(100_000);
    }

    /**
     * A client under its limit is recorded one use in eight and once per slice of time; through a flood of
     * five times the bound in new keys its bucket keeps every token it took (none is given back by a reset).
     */
    @Test
    void aBusyClientsBucketKeepsItsTokensThroughAFloodOfNewKeys() {
        LocalStateStore store =
                LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();
        TokenBuckets buckets = store.tokenBuckets(
                "busy", BucketSpec.of(BucketLimit.greedy(1_000_000, 1_000_000, Duration.ofHours(1))));
        ConsumptionProbe flood = new ConsumptionProbe();
        ConsumptionProbe busy = new ConsumptionProbe();
        long taken = 0;
        for (int i = 0; i < 500_000; i++) {
            buckets.tryConsume("flood-" + i, 1, flood);
            if (i % 50 == 0) {
                buckets.tryConsume("busy", 1, busy);
                taken++;
            }
        }
        assertThat(busy.remainingTokens())
                .as("tokens left after %d taken", taken)
                .isEqualTo(1_000_000 - taken);
    }

    /**
     * An entry's recorded access may lag its last use by up to one slice of time; its expiry is lengthened
     * by that slice, so a bucket left at half by a quiet use is not forgotten (and given back full) before
     * it has refilled since that use. A limit that refills within a slice and a half shows it: without the
     * slack the entry would expire 1.5 s after its recorded access, 0.43 s after the quiet use.
     */
    @Test
    void aBucketUsedQuietlyIsNotForgottenBeforeItRefilledSinceThatUse() {
        TokenBuckets buckets =
                store().tokenBuckets("quiet", BucketSpec.of(BucketLimit.greedy(100, 100, Duration.ofMillis(1_500))));
        ConsumptionProbe probe = new ConsumptionProbe();
        long slice = LocalBucket.ACCESS_SLICE_NANOS;
        clock.advance(Duration.ofNanos(slice - clock.nanoTime() % slice)); // the first nanosecond of a slice
        buckets.tryConsume("client", 1, probe); // creates the bucket: recorded as its access
        clock.advance(Duration.ofNanos(slice - 1)); // the last nanosecond of the same slice: refilled to 100
        buckets.tryConsume("client", 50, probe); // a quiet use: half is left, not under it
        assertThat(probe.remainingTokens()).isEqualTo(50);
        clock.advance(Duration.ofMillis(600)); // 1.67 s after the recorded access; 40 tokens refilled
        buckets.tryConsume("client", 100, probe);
        assertThat(probe.consumed())
                .as("0.6 s after the quiet use the bucket holds 90 tokens, not a new bucket's 100")
                .isFalse();
        assertThat(probe.remainingTokens()).isEqualTo(90);
    }

    /**
     * A client that empties its bucket without ever being refused has each use that leaves it under half
     * recorded as the cache entry's access (review13), so that the eviction policy sees it as often used as
     * it is; the other uses of a slice are quiet but one in {@link LocalBucket#USES_PER_ACCESS}. Read from
     * the bucket itself, which decides it: the effect on eviction depends on Caffeine's frequency sketch
     * and its random admission (a flood of made-up keys used three times each past the store's bound
     * still evicted 19 of 20 emptied buckets in a trial: the bound's price, README "Bounds").
     */
    @Test
    void everyUseThatLeavesALimitUnderHalfIsRecordedAsTheEntrysAccess() {
        BucketSpec spec = BucketSpec.of(BucketLimit.greedy(10, 10, Duration.ofHours(1)));
        long now = 7L << LocalBucket.ACCESS_SLICE_SHIFT; // the start of a slice; creating the bucket is its access
        LocalBucket bucket = LocalBucket.create(spec, now);
        ConsumptionProbe probe = new ConsumptionProbe();
        java.util.List<Boolean> recorded = new java.util.ArrayList<>();
        for (int use = 1; use <= 10; use++) {
            assertThat(bucket.tryConsume(spec, 1, now + use, probe)).isTrue();
            assertThat(probe.consumed()).isTrue();
            recorded.add(bucket.accessDue(now + use));
        }
        assertThat(recorded.subList(0, 5))
                .as("uses leaving 9 to 5 of 10 tokens: quiet within the slice")
                .containsOnly(false);
        assertThat(recorded.subList(5, 10))
                .as("uses leaving 4 to 0 tokens: each recorded")
                .containsOnly(true);
    }

    @Test
    void aProbeOfAKnownKeyAllocatesNoAnswer() {
        TokenBuckets buckets = store().tokenBuckets(
                        "probe", BucketSpec.of(BucketLimit.greedy(10_000_000, 10_000_000, Duration.ofMinutes(1))));
        ConsumptionProbe probe = new ConsumptionProbe();
        buckets.tryConsume("client", 1, probe);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int calls = 10_000;
        // Rounds until one allocates less than a Consumption per call would (40 bytes each, 400,000 in every
        // round), at most 500: a round run before the JIT compiled the path allocates what the interpreter does
        // (CI on a busy machine measured 12.7 B a call once), and a starved compiler may take many rounds
        // (flake83 F7: five were not always enough).
        long fewest = Long.MAX_VALUE;
        int rounds = 0;
        while (fewest >= calls * 8L && rounds < 500) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                buckets.tryConsume("client", 1, probe);
            }
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
            rounds++;
        }
        assertThat(probe.remainingTokens()).isEqualTo(10_000_000 - 1 - (long) rounds * calls);
        assertThat(fewest)
                .as("the fewest bytes of %d rounds of %d calls", rounds, calls)
                .isLessThan(calls * 8L);
    }

    @Test
    void bucketsAreForgottenOnceTheyWouldHaveRefilled() {
        TokenBuckets buckets =
                store().tokenBuckets("idle", BucketSpec.of(BucketLimit.greedy(10, 10, Duration.ofMinutes(1))));
        buckets.tryConsume("client", 10);
        assertThat(buckets.trackedKeys()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(61));
        assertThat(buckets.trackedKeys())
                .as("kept up to one slice of time longer")
                .isEqualTo(1);
        clock.advance(Duration.ofNanos(LocalBucket.ACCESS_SLICE_NANOS));
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

    /**
     * probe44b F1: a slot given back because the request was refused leaves nothing to remember: the entry goes,
     * so that a client refused on every request cannot fill the store with keys of its choosing.
     */
    @Test
    void anEntryThatAReleaseLeavesEmptyIsTakenOut() {
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        SlidingWindows windows = store.slidingWindows("refused", Duration.ofMinutes(10));
        LocalStateStore.LocalSlidingWindows local = (LocalStateStore.LocalSlidingWindows) windows;
        long now = clock.epochMillis();
        for (int i = 0; i < 1_000; i++) {
            assertThat(windows.reserve("name-" + i, now, 5)).isEqualTo(SlidingWindows.Reservation.TAKEN);
            windows.release("name-" + i, now, now);
        }
        assertThat(local.trackedKeys()).isZero();

        windows.reserve("two", now, 5);
        windows.reserve("two", now, 5);
        windows.release("two", now, now);
        assertThat(local.trackedKeys()).as("a slot still held").isEqualTo(1);
        windows.release("two", now, now);
        assertThat(local.trackedKeys()).isZero();

        windows.add("failed", now);
        windows.reserve("failed", now, 5);
        windows.release("failed", now, now);
        assertThat(windows.count("failed", now)).as("a count is kept").isEqualTo(1);

        windows.reserve("banned", now, 5);
        windows.ban("banned", Duration.ofHours(1));
        windows.release("banned", now, now);
        assertThat(windows.isBanned("banned")).isTrue();
        assertThat(windows.reserve("banned", now, 5)).isEqualTo(SlidingWindows.Reservation.BANNED);

        assertThat(windows.reserve("name-1", now, 1))
                .as("a key taken out starts again")
                .isEqualTo(SlidingWindows.Reservation.TAKEN);
        assertThat(windows.reserve("name-1", now, 1)).isEqualTo(SlidingWindows.Reservation.FULL);
    }

    /** Writes racing with the release that takes a key's entry out all land on a live entry. */
    @Test
    void writesRacingWithTheReleaseThatTakesAnEntryOutAreKept() throws Exception {
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        SlidingWindows windows = store.slidingWindows("race", Duration.ofMinutes(10));
        long now = clock.epochMillis();
        int threads = 4;
        int rounds = 20_000;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        if (thread == 0 && i % 100 == 0) {
                            windows.add("key", now); // a failure now and then, among refused requests
                        } else if (windows.reserve("key", now, Long.MAX_VALUE) == SlidingWindows.Reservation.TAKEN) {
                            windows.release("key", now, now);
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(windows.count("key", now)).as("every failure counted").isEqualTo(rounds / 100);
    }

    @Test
    void aKeysSlidingWindowsAreForgottenTwoWindowsAfterItsLastUse() {
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        SlidingWindows windows = store.slidingWindows("idle", Duration.ofMinutes(1));
        windows.reserve("client", clock.epochMillis(), 5);
        windows.settle("client", clock.epochMillis(), clock.epochMillis());
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

    /**
     * probe6 F1 at the store: a 2,000-key bound, 6,000 new keys each looked up and earned four times. The
     * history earned before the flood is kept, one earned after it too, and the namespace stays at its
     * bound (2,000 kept and 2,000 recent).
     */
    @Test
    void aFloodOfNewHistoriesCannotPushOutTheHistoriesEarnedBeforeIt() {
        LocalStateStore store =
                LocalStateStore.builder().timeSource(clock).maximumKeys(2_000).build();
        Histories histories = store.histories("history", Duration.ofHours(24));
        histories.earn("alice");
        clock.advance(Duration.ofMinutes(6));
        for (int hit = 0; hit < 4; hit++) {
            for (int i = 0; i < 6_000; i++) {
                String key = "flood-" + i;
                if (!histories.has(key)) {
                    histories.earn(key);
                }
            }
        }
        histories.earn("bob");
        assertThat(histories.has("alice")).as("earned before the flood").isTrue();
        assertThat(histories.has("bob")).as("earned after the flood").isTrue();
        LocalStateStore.LocalHistories local = (LocalStateStore.LocalHistories) histories;
        assertThat(local.keptHistories()).isEqualTo(2_000);
        assertThat(local.recentHistories()).isEqualTo(2_000);
        int flooded = 0;
        for (int i = 0; i < 6_000; i++) {
            flooded += histories.has("flood-" + i) ? 1 : 0;
        }
        assertThat(flooded)
                .as("1,999 kept behind alice, 1,999 recent before bob")
                .isEqualTo(3_998);
    }

    /** A newcomer keeps its recent history until the next flood; the kept ones make room as they expire. */
    @Test
    void keptHistoriesMakeRoomAsTheyExpire() {
        LocalStateStore store = LocalStateStore.builder()
                .timeSource(clock)
                .maximumKeys(100)
                .maximumHistories(50)
                .build();
        Histories histories = store.histories("history", Duration.ofHours(1));
        for (int i = 0; i < 1_000; i++) {
            histories.earn("flood-" + i);
        }
        assertThat(histories.has("flood-0")).as("among the 50 kept").isTrue();
        assertThat(histories.has("flood-50"))
                .as("pushed out when the kept ones were full")
                .isFalse();
        assertThat(histories.has("flood-999")).as("among the 100 recent").isTrue();
        clock.advance(Duration.ofMinutes(30));
        histories.earn("carol");
        for (int i = 0; i < 200; i++) {
            histories.earn("second-" + i);
        }
        assertThat(histories.has("carol"))
                .as("recent, pushed out by the next flood while the kept are full")
                .isFalse();
        clock.advance(Duration.ofMinutes(61)); // every history so far has expired
        histories.earn("dave");
        for (int i = 0; i < 200; i++) {
            histories.earn("third-" + i);
        }
        assertThat(histories.has("flood-0")).as("expired").isFalse();
        assertThat(histories.has("dave"))
                .as("kept once the first flood's histories expired")
                .isTrue();
        LocalStateStore.LocalHistories local = (LocalStateStore.LocalHistories) histories;
        assertThat(local.keptHistories()).isEqualTo(50);
        assertThat(local.recentHistories()).isEqualTo(100);
    }
}
