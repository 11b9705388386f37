package io.github.abuseguard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link StateStore} must have. A backend's test extends this class and says how
 * to make a store and how to let time pass; the api test jar ships it to other modules.
 */
public abstract class StateStoreContract {

    /** A fresh store; namespaces of earlier tests must not be visible in it. */
    protected abstract StateStore store();

    /** Lets {@code duration} pass for the store: a fake clock moves, or the test waits. */
    protected abstract void advance(Duration duration);

    /**
     * The store an application restarted with new settings would use: for a shared backend a new store
     * on the same backend; for an in-process store the same store, whose state lives as long as it does.
     */
    protected StateStore restarted(StateStore store) {
        return store;
    }

    /** A namespace unique to the calling test, so backends that persist state do not leak between runs. */
    protected static String namespace(String name) {
        return name + ":" + UUID.randomUUID();
    }

    private static BucketSpec perSecond(long capacity) {
        return BucketSpec.of(BucketLimit.greedy(capacity, capacity, Duration.ofSeconds(1)));
    }

    /** A distinct rule's "seen this pair?" with the ban of its key, in one step ({@link SlidingWindows#getUnlessBanned}). */
    @Test
    void aCountBelowZeroIsTakenAsZeroByAnAddFromZero() {
        // review157 F3, F5: resets at once leave a claim below 0; counted from there, the first add must get 1
        Counters counters = store().counters(namespace("from-zero"), Duration.ofMinutes(1));
        counters.add("claimed", 1);
        counters.add("claimed", -3); // three lifts of a claim of 1, each taking back what it read
        counters.add("held", 4);
        assertThat(counters.addAll(java.util.List.of("claimed"), 1))
                .as("a plain add counts from -2")
                .containsExactly(-1);
        assertThat(counters.addAllFromZero(java.util.List.of("claimed", "held", "new"), 1))
                .as("from 0 where below it; the others as an add")
                .containsExactly(1, 5, 1);
        assertThat(counters.addAllFromZero(java.util.List.of("claimed"), 1)).containsExactly(2);
    }

    @Test
    void aCountIsReadWithTheBanOfAWindowsKeyAndNotWhileItIsBanned() {
        StateStore store = store();
        String namespace = namespace("failure");
        SlidingWindows windows = store.slidingWindows(namespace, Duration.ofMinutes(10));
        Counters seen = store.counters(namespace + ":seen", Duration.ofMinutes(10));
        assertThat(windows.getUnlessBanned("203.0.113.7", seen, "203.0.113.7\u0000alice"))
                .as("a pair never seen")
                .isZero();
        seen.add("203.0.113.7\u0000alice", 2);
        assertThat(windows.getUnlessBanned("203.0.113.7", seen, "203.0.113.7\u0000alice"))
                .isEqualTo(2);
        windows.ban("203.0.113.7", Duration.ofMinutes(1));
        assertThat(windows.getUnlessBanned("203.0.113.7", seen, "203.0.113.7\u0000alice"))
                .as("banned")
                .isEqualTo(-1);
        assertThat(windows.getUnlessBanned("198.51.100.2", seen, "198.51.100.2\u0000alice"))
                .as("another key, not banned")
                .isZero();
        advance(Duration.ofMinutes(2));
        assertThat(windows.getUnlessBanned("203.0.113.7", seen, "203.0.113.7\u0000alice"))
                .as("the ban ended, the count kept")
                .isEqualTo(2);
        advance(Duration.ofMinutes(9));
        assertThat(windows.getUnlessBanned("203.0.113.7", seen, "203.0.113.7\u0000alice"))
                .as("the count's window ended")
                .isZero();
    }

    @Test
    void aHistoryLastsItsTimeToLiveFromWhenItWasEarnedAndIsNotRenewed() {
        Histories histories = store().histories(namespace("history"), Duration.ofMinutes(10));
        assertThat(histories.has("client")).isFalse();
        histories.earn("client");
        assertThat(histories.has("client")).isTrue();
        assertThat(histories.has("other")).isFalse();
        advance(Duration.ofMinutes(6));
        histories.earn("client");
        assertThat(histories.has("client")).isTrue();
        advance(Duration.ofMinutes(5));
        assertThat(histories.has("client"))
                .as("ten minutes after it was first earned")
                .isFalse();
        histories.earn("client");
        assertThat(histories.has("client")).as("earned again").isTrue();
    }

    @Test
    void aNewBucketIsFullAndRefusesOnceEmpty() {
        TokenBuckets buckets = store().tokenBuckets(namespace("full"), perSecond(3));
        assertThat(buckets.tryConsume("client", 1).remainingTokens()).isEqualTo(2);
        assertThat(buckets.tryConsume("client", 2).consumed()).isTrue();
        Consumption refused = buckets.tryConsume("client", 1);
        assertThat(refused.consumed()).isFalse();
        assertThat(refused.nanosToWaitForRefill())
                .isPositive()
                .isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void aProbeReadsTheSameAnswersAsAConsumption() {
        TokenBuckets buckets = store().tokenBuckets(namespace("probe"), perSecond(3));
        ConsumptionProbe probe = new ConsumptionProbe();
        buckets.tryConsume("client", 1, probe);
        assertThat(probe.consumed()).isTrue();
        assertThat(probe.remainingTokens()).isEqualTo(2);
        assertThat(probe.nanosToWaitForRefill()).isZero();
        assertThat(probe.nanosToWaitForReset())
                .isPositive()
                .isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(buckets.tryConsume("client", 2).consumed()).isTrue();
        buckets.tryConsume("client", 1, probe);
        assertThat(probe.consumed()).isFalse();
        assertThat(probe.remainingTokens()).isZero();
        assertThat(probe.nanosToWaitForRefill())
                .isPositive()
                .isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(probe.toConsumption().consumed()).isFalse();
    }

    @Test
    void bucketsOfDifferentKeysAndNamespacesAreIndependent() {
        StateStore store = store();
        TokenBuckets first = store.tokenBuckets(namespace("a"), perSecond(1));
        TokenBuckets second = store.tokenBuckets(namespace("b"), perSecond(1));
        assertThat(first.tryConsume("k1", 1).consumed()).isTrue();
        assertThat(first.tryConsume("k2", 1).consumed()).isTrue();
        assertThat(second.tryConsume("k1", 1).consumed()).isTrue();
        assertThat(first.tryConsume("k1", 1).consumed()).isFalse();
    }

    @Test
    void aSampledBanReadAnswersAsIsBanned() {
        Bans bans = store().bans(namespace("sampled"));
        bans.ban("k", Duration.ofSeconds(1));
        for (int i = 0; i < 64; i++) { // a local store reads on two paths, picked at random
            assertThat(bans.isBannedSampled("k")).isTrue();
            assertThat(bans.isBannedSampled("other")).isFalse();
        }
        bans.lift("k");
        assertThat(bans.isBannedSampled("k")).isFalse();
        bans.ban("k", Duration.ofSeconds(1));
        advance(Duration.ofMillis(1500));
        for (int i = 0; i < 64; i++) {
            assertThat(bans.isBannedSampled("k")).isFalse();
        }
    }

    @Test
    void askingTwiceForANamespaceSharesItsState() {
        StateStore store = store();
        String namespace = namespace("shared");
        store.bans(namespace).ban("k", Duration.ofMinutes(1));
        assertThat(store.bans(namespace).isBanned("k")).isTrue();
        store.counters(namespace, Duration.ofMinutes(1)).add("k", 2);
        assertThat(store.counters(namespace, Duration.ofMinutes(1)).get("k")).isEqualTo(2);
        BucketSpec one = perSecond(1);
        assertThat(store.tokenBuckets(namespace, one).tryConsume("k", 1).consumed())
                .isTrue();
        assertThat(store.tokenBuckets(namespace, one).tryConsume("k", 1).consumed())
                .isFalse();
    }

    @Test
    void anEmptiedBucketRefillsAsTimePasses() {
        TokenBuckets buckets = store().tokenBuckets(namespace("refill"), perSecond(2));
        buckets.tryConsume("client", 2);
        assertThat(buckets.tryConsume("client", 1).consumed()).isFalse();
        advance(Duration.ofMillis(1100));
        assertThat(buckets.tryConsume("client", 2).consumed()).isTrue();
    }

    @Test
    void racingThreadsReceiveExactlyTheCapacity() throws InterruptedException {
        int capacity = 500;
        TokenBuckets buckets = store().tokenBuckets(
                        namespace("race"), BucketSpec.of(BucketLimit.greedy(capacity, 1, Duration.ofDays(1))));
        int threads = 64;
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 20; i++) {
                        if (buckets.tryConsume("shared", 1).consumed()) {
                            granted.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(granted.get()).isEqualTo(capacity);
    }

    @Test
    void countersCountWithinTheirWindowAndStartAgainAfterIt() {
        Counters counters = store().counters(namespace("count"), Duration.ofSeconds(2));
        assertThat(counters.add("k", 1)).isEqualTo(1);
        assertThat(counters.add("k", 2)).isEqualTo(3);
        assertThat(counters.get("k")).isEqualTo(3);
        assertThat(counters.get("other")).isZero();
        advance(Duration.ofMillis(2500));
        assertThat(counters.get("k")).isZero();
        assertThat(counters.add("k", 1)).isEqualTo(1);
    }

    @Test
    void aCountAndAnotherKeysCountInOneStepAreWhatSeparateCallsWouldGive() {
        Counters counters = store().counters(namespace("pair"), Duration.ofSeconds(2));
        counters.add("previous", 4);

        assertThat(counters.addAndGet("current", 1, "previous")).containsExactly(1, 4);
        assertThat(counters.addAndGet("current", 2, "nothing")).containsExactly(3, 0);
        assertThat(counters.get("current", "previous")).containsExactly(3, 4);
        assertThat(counters.get("current")).isEqualTo(3);

        advance(Duration.ofMillis(2500));
        assertThat(counters.get("current", "previous")).containsExactly(0, 0);
        assertThat(counters.addAndGet("current", 5, "previous")).containsExactly(5, 0);
    }

    /** {@link Counters#addAll}: what an add to each key in turn would give, a key given twice counted twice. */
    @Test
    void countsOfManyKeysInOneStepAreWhatSeparateAddsWouldGive() {
        Counters counters = store().counters(namespace("all"), Duration.ofSeconds(2));
        counters.add("b", 4);

        assertThat(counters.addAll(List.of("a", "b", "a"), 1)).containsExactly(1, 5, 2);
        assertThat(counters.get("a")).isEqualTo(2);
        assertThat(counters.addAll(List.of(), 1)).isEmpty();

        advance(Duration.ofMillis(2500));
        assertThat(counters.addAll(List.of("b", "c"), 3)).containsExactly(3, 3);
    }

    @Test
    void aBanLookUpWithACountCountsOnlyKeysThatAreNotBanned() {
        StateStore store = store();
        String namespace = namespace("gate");
        Counters counters = store.counters(namespace, Duration.ofSeconds(2));
        Bans bans = store.bans(namespace);
        counters.add("k@0", 4);

        assertThat(bans.addAndGetUnlessBanned("k", counters, "k@1", 1, "k@0")).containsExactly(1, 4);
        assertThat(bans.addAndGetUnlessBanned("k", counters, "k@1", 2, "k@0")).containsExactly(3, 4);
        bans.ban("k", Duration.ofSeconds(10));
        assertThat(bans.addAndGetUnlessBanned("k", counters, "k@1", 1, "k@0"))
                .as("banned: nothing counted")
                .isNull();
        assertThat(counters.get("k@1")).isEqualTo(3);
        assertThat(bans.addAndGetUnlessBanned("other", counters, "other@1", 1, "k@1"))
                .as("another key's ban is its own")
                .containsExactly(1, 3);
        bans.lift("k");
        assertThat(bans.addAndGetUnlessBanned("k", counters, "k@1", 1, "k@0")).containsExactly(4, 4);
        bans.ban("k", Duration.ofSeconds(1));
        advance(Duration.ofMillis(1500));
        assertThat(bans.addAndGetUnlessBanned("k", counters, "k@1", 1, "k@0"))
                .as("the ban ended; the counts of their window still stand")
                .containsExactly(5, 4);
    }

    @Test
    void aTallyCountsDistinctBitsPerWindowAndRemembersTheWindowBefore() {
        Tallies tallies = store().tallies(namespace("bits"), 64, 0, Duration.ofMinutes(10));
        long first = tallies.record("k", 3, 100, -1, 0);
        assertThat(Tallies.bits(first)).isEqualTo(1);
        assertThat(Tallies.isNewBit(first)).isTrue();
        assertThat(Tallies.previousBits(first)).isZero();
        long again = tallies.record("k", 3, 100, -1, 0);
        assertThat(Tallies.bits(again)).isEqualTo(1);
        assertThat(Tallies.isNewBit(again)).isFalse();
        assertThat(Tallies.bits(tallies.record("k", 63, 100, -1, 0))).isEqualTo(2);
        assertThat(Tallies.bits(tallies.record("other", 3, 100, -1, 0))).isEqualTo(1);

        long next = tallies.record("k", 3, 101, -1, 0);
        assertThat(Tallies.bits(next)).isEqualTo(1);
        assertThat(Tallies.isNewBit(next)).isTrue();
        assertThat(Tallies.previousBits(next))
                .as("of the window before's two bits, the one not set again (probe73c F1: one resource, not two)")
                .isEqualTo(1);
        assertThat(Tallies.previousBits(tallies.record("k", 63, 101, -1, 0))).isZero();
        long older = tallies.record("k", 5, 100, -1, 0);
        assertThat(Tallies.bits(older))
                .as("an older window counts as the current one")
                .isEqualTo(3);
        long gap = tallies.record("k", 3, 103, -1, 0);
        assertThat(Tallies.previousBits(gap))
                .as("a window passed without a record")
                .isZero();
        assertThat(Tallies.bits(gap)).isEqualTo(1);
    }

    @Test
    void aTallyCountsPerSlotAndStartsAgainInANewCountWindow() {
        Tallies tallies = store().tallies(namespace("slots"), 64, 2, Duration.ofMinutes(10));
        assertThat(Tallies.count(tallies.record("k", 0, 0, 0, 7))).isEqualTo(1);
        assertThat(Tallies.count(tallies.record("k", 0, 0, 0, 7))).isEqualTo(2);
        assertThat(Tallies.count(tallies.record("k", 0, 0, 1, 7))).isEqualTo(1);
        assertThat(Tallies.count(tallies.record("k", 0, 0, -1, 7)))
                .as("no slot counted")
                .isZero();
        assertThat(Tallies.count(tallies.record("k", 0, 0, 0, 7))).isEqualTo(3);
        assertThat(Tallies.count(tallies.record("k", 0, 0, 0, 8))).isEqualTo(1);
        assertThat(Tallies.count(tallies.record("k", 0, 0, 1, 8))).isEqualTo(1);
        assertThat(Tallies.bits(tallies.record("k", 0, 0, 1, 8)))
                .as("the set keeps its own window")
                .isEqualTo(1);
    }

    @Test
    void aMarkLastsToItsCountWindowForItsSlotOnly() {
        Tallies tallies = store().tallies(namespace("marks"), 64, 2, Duration.ofMinutes(10));
        assertThat(Tallies.isMarked(tallies.record("k", 0, 0, 0, 5))).isFalse();
        tallies.mark("k", 0, 6);
        assertThat(Tallies.isMarked(tallies.record("k", 0, 0, 0, 5))).isTrue();
        assertThat(Tallies.isMarked(tallies.record("k", 0, 0, 1, 5))).isFalse();
        assertThat(Tallies.isMarked(tallies.record("other", 0, 0, 0, 5))).isFalse();
        assertThat(Tallies.isMarked(tallies.record("k", 0, 0, 0, 6))).isTrue();
        assertThat(Tallies.isMarked(tallies.record("k", 0, 0, 0, 7))).isFalse();
    }

    @Test
    void slotsAreIdsSoCallersThatNumberThemDifferentlyAgree() {
        Tallies tallies = store().tallies(namespace("ids"), 64, 2, Duration.ofMinutes(10));
        int scores = 1_938_475_120;
        int games = 7;
        assertThat(Tallies.count(tallies.record("k", 0, 0, scores, 3))).isEqualTo(1);
        assertThat(Tallies.count(tallies.record("k", 1, 0, games, 3))).isEqualTo(1);
        assertThat(Tallies.count(tallies.record("k", 2, 0, scores, 3))).isEqualTo(2);
        assertThat(Tallies.count(tallies.record("k", 2, 0, 12, 3)))
                .as("a third slot in a window of a key that holds two: not counted")
                .isZero();
        assertThat(Tallies.bits(tallies.record("k", 3, 0, 12, 3)))
                .as("its set is still recorded")
                .isEqualTo(4);
        assertThat(Tallies.count(tallies.record("k", 0, 0, games, 3))).isEqualTo(2);
        assertThat(Tallies.count(tallies.record("k", 0, 0, 12, 4)))
                .as("a new count window holds new slots")
                .isEqualTo(1);
        assertThat(Tallies.count(tallies.record("k", 0, 0, scores, 4))).isEqualTo(1);
    }

    @Test
    void aKeyHoldsAtMostOneMarkPerSlotAndEndedMarksMakeRoom() {
        Tallies tallies = store().tallies(namespace("mark-room"), 64, 1, Duration.ofMinutes(10));
        tallies.record("k", 0, 0, 40, 5);
        tallies.mark("k", 40, 5);
        tallies.mark("k", 41, 9);
        assertThat(Tallies.isMarked(tallies.record("k", 0, 0, 40, 5))).isTrue();
        assertThat(Tallies.isMarked(tallies.record("k", 0, 0, 41, 6)))
                .as("one mark lives already: the second was not kept")
                .isFalse();
        tallies.mark("k", 41, 9);
        assertThat(Tallies.isMarked(tallies.record("k", 0, 0, 41, 6)))
                .as("the first ended with window 5 and made room")
                .isTrue();
        assertThat(Tallies.isMarked(tallies.record("k", 0, 0, 41, 9))).isTrue();
        assertThat(Tallies.isMarked(tallies.record("k", 0, 0, 41, 10))).isFalse();
    }

    @Test
    void aSetOfManyBitsGrowsWithItsUseAndCountsEveryBit() {
        Tallies tallies = store().tallies(namespace("growing"), Tallies.MAX_BITS, 1, Duration.ofMinutes(10));
        java.util.Random random = new java.util.Random(7);
        java.util.Set<Integer> set = new java.util.HashSet<>();
        for (int i = 0; i < 1500; i++) {
            int bit = random.nextInt(Tallies.MAX_BITS);
            long tally = tallies.record("k", bit, 1, -1, 0);
            assertThat(Tallies.isNewBit(tally)).as("bit %d", bit).isEqualTo(set.add(bit));
            assertThat(Tallies.bits(tally)).isEqualTo(set.size());
        }
        for (int bit : set) {
            assertThat(Tallies.isNewBit(tallies.record("k", bit, 1, -1, 0)))
                    .as("bit %d again", bit)
                    .isFalse();
        }
        long next = tallies.record("k", 5, 2, -1, 0);
        assertThat(Tallies.previousBits(next)).isEqualTo(set.size() - (set.contains(5) ? 1 : 0));
        int notAgain = set.stream().filter(bit -> bit != 5).findFirst().orElseThrow();
        assertThat(Tallies.previousBits(tallies.record("k", notAgain, 2, -1, 0)))
                .isEqualTo(set.size() - (set.contains(5) ? 2 : 1));
        assertThat(Tallies.bits(next)).isEqualTo(1);
        assertThat(Tallies.isNewBit(tallies.record("k", 5, 2, -1, 0))).isFalse();
        assertThat(Tallies.bits(tallies.record("k", 5, 2, -1, 0))).isEqualTo(2);
    }

    @Test
    void aTallyUnusedForItsTimeToLiveIsForgotten() {
        Tallies tallies = store().tallies(namespace("ttl"), 64, 1, Duration.ofSeconds(2));
        tallies.record("k", 1, 0, 0, 0);
        tallies.record("k", 2, 0, 0, 0);
        advance(Duration.ofSeconds(1));
        assertThat(Tallies.count(tallies.record("k", 1, 0, 0, 0)))
                .as("used within its time to live")
                .isEqualTo(3);
        advance(Duration.ofMillis(2500));
        long forgotten = tallies.record("k", 1, 0, 0, 0);
        assertThat(Tallies.count(forgotten)).isEqualTo(1);
        assertThat(Tallies.bits(forgotten)).isEqualTo(1);
    }

    @Test
    void aTallyRefusesBitsAndSlotsOutOfRange() {
        Tallies tallies = store().tallies(namespace("range"), 128, 1, Duration.ofMinutes(1));
        assertThat(Tallies.bits(tallies.record("k", 127, 0, 0, 0))).isEqualTo(1);
        assertThatIllegalArgumentException().isThrownBy(() -> tallies.record("k", 128, 0, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> tallies.record("k", -1, 0, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> tallies.record("k", 0, 0, -2, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> tallies.mark("k", -2, 0));
        Tallies uncounted = store().tallies(namespace("uncounted"), 64, 0, Duration.ofMinutes(1));
        assertThatIllegalArgumentException().isThrownBy(() -> uncounted.record("k", 0, 0, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> uncounted.mark("k", 0, 0));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store().tallies(namespace("odd"), 100, 1, Duration.ofMinutes(1)));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store().tallies(namespace("many"), 64, Tallies.MAX_SLOTS + 1, Duration.ofMinutes(1)));
    }

    @Test
    void racingReservationsTakeExactlyTheSlotsTheCountLeaves() throws InterruptedException {
        Counters counters = store().counters(namespace("reserve-race"), Duration.ofMinutes(10));
        counters.add("k@1", 3); // three counted in this window
        counters.add("k@0", 4); // four in the previous one, half of it still inside: two
        int threads = 32;
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 5; i++) {
                        if (counters.reserve("k#held", "k#before", "k@1", "k@0", 1, 2, 10)) {
                            taken.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(taken.get()).as("10 - 3 - 2").isEqualTo(5);
        assertThat(counters.reserve("k#held", "k#before", "k@1", "k@0", 1, 2, 10))
                .isFalse();
        counters.release("k#held");
        assertThat(counters.reserve("k#held", "k#before", "k@1", "k@0", 1, 2, 10))
                .as("a slot given back can be taken again")
                .isTrue();
    }

    @Test
    void aSettledCountIsAddedAndItsSlotGivenBackInOneStepNeverBelowZero() {
        Counters counters = store().counters(namespace("settle"), Duration.ofMinutes(10));
        assertThat(counters.reserve("k#held", "k#before", "k@1", "k@0", 0, 1, 2))
                .isTrue();
        assertThat(counters.reserve("k#held", "k#before", "k@1", "k@0", 0, 1, 2))
                .isTrue();
        assertThat(counters.reserve("k#held", "k#before", "k@1", "k@0", 0, 1, 2))
                .isFalse();
        assertThat(counters.addAndRelease("k@1", 1, "k@0", "k#held")).containsExactly(1, 0);
        assertThat(counters.get("k#held")).isEqualTo(1);
        assertThat(counters.reserve("k#held", "k#before", "k@1", "k@0", 0, 1, 2))
                .as("one counted and one held reach the limit")
                .isFalse();
        counters.release("k#held");
        counters.release("k#held");
        counters.release("k#held");
        assertThat(counters.get("k#held")).as("never below zero").isZero();
        assertThat(counters.reserve("k#held", "k#before", "k@1", "k@0", 0, 1, 2))
                .isTrue();
        assertThat(counters.reserve("k#held", "k#before", "k@1", "k@0", 0, 1, 2))
                .isFalse();
    }

    @Test
    void aSlotNeverGivenBackLapsesWithItsWindow() {
        Counters counters = store().counters(namespace("lapse-counter"), Duration.ofSeconds(30));
        assertThat(counters.reserve("k#held", "k#before", "k@1", "k@0", 0, 1, 1))
                .isTrue();
        assertThat(counters.reserve("k#held", "k#before", "k@1", "k@0", 0, 1, 1))
                .isFalse();
        advance(Duration.ofSeconds(31));
        assertThat(counters.reserve("k#held", "k#before", "k@1", "k@0", 0, 1, 1))
                .isTrue();
    }

    @Test
    void racingRecordsOfOneKeyAreAllCounted() throws InterruptedException {
        Tallies tallies = store().tallies(namespace("race"), 1024, 1, Duration.ofMinutes(1));
        tallies.record("k", 0, 0, 0, 0); // connected before the race, as an application is after its first request
        int threads = 4;
        int each = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int offset = t * each;
            pool.execute(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        tallies.record("k", offset + i, 0, 0, 0);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        long last = tallies.record("k", 0, 0, 0, 0);
        assertThat(Tallies.count(last)).isEqualTo(threads * each + 2);
        assertThat(Tallies.bits(last)).isEqualTo(threads * each);
    }

    @Test
    void bansLastTheirTimeToLiveAndCanBeLifted() {
        Bans bans = store().bans(namespace("ban"));
        bans.ban("k", Duration.ofSeconds(2));
        bans.ban("lifted", Duration.ofSeconds(2));
        assertThat(bans.isBanned("k")).isTrue();
        assertThat(bans.isBanned("other")).isFalse();
        bans.lift("lifted");
        assertThat(bans.isBanned("lifted")).isFalse();
        advance(Duration.ofMillis(2500));
        assertThat(bans.isBanned("k")).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> bans.ban("k", Duration.ZERO));
    }

    /** Client keys that are addresses or networks, as the Actuator's bans are keyed, are listed as they are. */
    @Test
    void aBansRemainingTimeIsHowLongItStillLasts() {
        Bans bans = store().bans(namespace("remaining"));
        bans.ban("k", Duration.ofMinutes(10));
        advance(Duration.ofMinutes(1));
        assertThat(bans.remaining("k"))
                .isLessThanOrEqualTo(Duration.ofMinutes(9))
                .isGreaterThan(Duration.ofMinutes(8));
        assertThat(bans.remaining("never-banned")).isZero();
        bans.lift("k");
        assertThat(bans.remaining("k")).isZero();
        bans.ban("short", Duration.ofSeconds(2));
        advance(Duration.ofMillis(2500));
        assertThat(bans.remaining("short")).isZero();
    }

    /**
     * A sliding window's ban answers how long it still lasts, a ban set again its own new end (an escalated
     * ban's Retry-After, probe45b F5), a key whose entry was created after the ban the ban's end too.
     */
    @Test
    void aSlidingWindowsBanRemainingTimeIsHowLongItStillLasts() {
        SlidingWindows windows = store().slidingWindows(namespace("ban-remaining"), Duration.ofMinutes(1));
        assertThat(windows.banRemaining("k")).isZero();
        windows.ban("k", Duration.ofMinutes(10));
        advance(Duration.ofMinutes(1));
        assertThat(windows.banRemaining("k"))
                .isLessThanOrEqualTo(Duration.ofMinutes(9))
                .isGreaterThan(Duration.ofMinutes(8));
        windows.ban("k", Duration.ofMinutes(30));
        assertThat(windows.banRemaining("k"))
                .as("the longer ban set again")
                .isLessThanOrEqualTo(Duration.ofMinutes(30))
                .isGreaterThan(Duration.ofMinutes(29));
        windows.ban("counted-later", Duration.ofSeconds(2));
        windows.add("counted-later", 0);
        assertThat(windows.banRemaining("counted-later")).isPositive();
        advance(Duration.ofMillis(2500));
        assertThat(windows.banRemaining("counted-later")).isZero();
        assertThat(windows.banRemaining("never-banned")).isZero();
    }

    /**
     * {@link Bans#banAll} and {@link Bans#remainingAll}: each key banned for its own time, listed and looked up as
     * one ban would be; a time that is not positive bans none of them.
     */
    @Test
    void bansOfManyKeysInOneStepLastEachItsOwnTimeAndAreLookedUpInOne() {
        Bans bans = store().bans(namespace("all"));
        java.util.Map<String, Duration> ttls = new java.util.LinkedHashMap<>();
        ttls.put("203.0.113.1", Duration.ofMinutes(10));
        ttls.put("203.0.113.2", Duration.ofMinutes(1));
        bans.banAll(ttls);
        bans.banAll(java.util.Map.of());

        assertThat(bans.isBanned("203.0.113.1")).isTrue();
        assertThat(bans.active(10)).extracting(BannedKey::key).containsExactly("203.0.113.2", "203.0.113.1");
        advance(Duration.ofSeconds(30));
        List<Duration> remaining = bans.remainingAll(List.of("203.0.113.2", "never-banned", "203.0.113.1"));
        assertThat(remaining).hasSize(3);
        assertThat(remaining.get(0)).isLessThanOrEqualTo(Duration.ofSeconds(30)).isGreaterThan(Duration.ofSeconds(20));
        assertThat(remaining.get(1)).isZero();
        assertThat(remaining.get(2))
                .isLessThanOrEqualTo(Duration.ofSeconds(570))
                .isGreaterThan(Duration.ofSeconds(560));
        assertThat(bans.remainingAll(List.of())).isEmpty();
        advance(Duration.ofSeconds(31));
        assertThat(bans.remainingAll(List.of("203.0.113.2")).get(0)).isZero();

        java.util.Map<String, Duration> invalid = new java.util.LinkedHashMap<>();
        invalid.put("203.0.113.3", Duration.ofMinutes(1));
        invalid.put("203.0.113.4", Duration.ZERO);
        assertThatIllegalArgumentException().isThrownBy(() -> bans.banAll(invalid));
        assertThat(bans.isBanned("203.0.113.3")).isFalse();
    }

    @Test
    void activeBansAreListedSoonestToEndFirstWithTheirRemainingTime() {
        String late = "203.0.113.3";
        String soon = "203.0.113.1";
        String middle = "2001:db8:0:2::/64";
        Bans bans = store().bans(namespace("list"));
        bans.ban(late, Duration.ofMinutes(10));
        bans.ban(soon, Duration.ofMinutes(1));
        bans.ban("203.0.113.9", Duration.ofMinutes(5));
        bans.ban(middle, Duration.ofMinutes(5));
        bans.lift("203.0.113.9");

        List<BannedKey> active = bans.active(10);

        assertThat(active).extracting(BannedKey::key).containsExactly(soon, middle, late);
        assertThat(active.get(0).remaining())
                .isPositive()
                .isLessThanOrEqualTo(Duration.ofMinutes(1))
                .isGreaterThan(Duration.ofSeconds(50));
        assertThat(bans.active(2)).extracting(BannedKey::key).containsExactly(soon, middle);
        advance(Duration.ofSeconds(61));
        assertThat(bans.active(10)).extracting(BannedKey::key).containsExactly(middle, late);
        assertThatIllegalArgumentException().isThrownBy(() -> bans.active(0));
        assertThatIllegalArgumentException().isThrownBy(() -> bans.active(Bans.MAX_LISTED + 1));
    }

    /** {@link Bans#latest}: latest to end first, down to the end asked for, at most {@code limit}. */
    @Test
    void latestBansAreListedLatestToEndFirstDownToTheEndAskedFor() {
        Bans bans = store().bans(namespace("latest"));
        for (int i = 1; i <= 5; i++) {
            bans.ban("203.0.113." + i, Duration.ofMinutes(i));
        }
        bans.lift("203.0.113.4");

        assertThat(bans.latest(10, Duration.ZERO))
                .extracting(BannedKey::key)
                .containsExactly("203.0.113.5", "203.0.113.3", "203.0.113.2", "203.0.113.1");
        assertThat(bans.latest(2, Duration.ZERO))
                .extracting(BannedKey::key)
                .containsExactly("203.0.113.5", "203.0.113.3");
        assertThat(bans.latest(10, Duration.ofSeconds(150)))
                .extracting(BannedKey::key)
                .containsExactly("203.0.113.5", "203.0.113.3");
        assertThat(bans.latest(10, Duration.ZERO).get(0).remaining())
                .isLessThanOrEqualTo(Duration.ofMinutes(5))
                .isGreaterThan(Duration.ofMinutes(4));
        assertThatIllegalArgumentException().isThrownBy(() -> bans.latest(0, Duration.ZERO));
    }

    /** {@link Bans#active(int, Duration)}: the listing starts past the bans that end sooner. */
    @Test
    void activeBansEndingLaterAreListedPastThoseEndingSooner() {
        Bans bans = store().bans(namespace("later"));
        for (int i = 1; i <= 5; i++) {
            bans.ban("203.0.113." + i, Duration.ofMinutes(i));
        }

        assertThat(bans.active(10, Duration.ofSeconds(150)))
                .extracting(BannedKey::key)
                .containsExactly("203.0.113.3", "203.0.113.4", "203.0.113.5");
        assertThat(bans.active(2, Duration.ofSeconds(150)))
                .extracting(BannedKey::key)
                .containsExactly("203.0.113.3", "203.0.113.4");
        assertThat(bans.active(10, Duration.ofSeconds(150)).get(0).remaining())
                .isLessThanOrEqualTo(Duration.ofMinutes(3))
                .isGreaterThan(Duration.ofSeconds(170));
        assertThat(bans.active(10, Duration.ZERO)).hasSize(5);
        assertThat(bans.active(10, Duration.ofMinutes(6))).isEmpty();
        advance(Duration.ofSeconds(61));
        assertThat(bans.active(10, Duration.ofSeconds(1)))
                .extracting(BannedKey::key)
                .containsExactly("203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5");
        assertThatIllegalArgumentException().isThrownBy(() -> bans.active(0, Duration.ZERO));
    }

    /**
     * Client keys come from requests (user names, API keys), so any character may be in one: a NUL, the
     * separators a store's key names use, letters of any script, a great length. Every store keeps keys
     * that differ in any character apart, and treats every key the same in every operation.
     */
    @Test
    void keysOfAnyCharactersAndLengthAreKeptApartInEveryOperation() {
        StateStore store = store();
        List<String> keys = List.of(
                "alice",
                "Alice",
                "alice\u0000",
                "a:ban:b",
                "a|b",
                "a b",
                "\u00E4lice",
                "\uD83D\uDE00",
                "x".repeat(10_000));
        Counters counters = store.counters(namespace("any-key"), Duration.ofMinutes(1));
        Bans bans = store.bans(namespace("any-key-bans"));
        Trails trails = store.trails(namespace("any-key-trails"), 3, Duration.ofMinutes(1));
        for (int i = 0; i < keys.size(); i++) {
            counters.add(keys.get(i), i + 1);
            trails.append(keys.get(i), "e" + i);
            if (i % 2 == 0) {
                bans.ban(keys.get(i), Duration.ofMinutes(1));
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            assertThat(counters.get(keys.get(i))).as("count of key %d", i).isEqualTo(i + 1);
            assertThat(trails.get(keys.get(i))).as("trail of key %d", i).containsExactly("e" + i);
            assertThat(bans.isBanned(keys.get(i))).as("ban of key %d", i).isEqualTo(i % 2 == 0);
        }
        assertThat(bans.active(100)).hasSize((keys.size() + 1) / 2);
        bans.lift("alice\u0000");
        assertThat(bans.isBanned("alice\u0000")).isFalse();
        assertThat(bans.isBanned("alice")).isTrue();
        assertThat(bans.active(100)).hasSize((keys.size() - 1) / 2);
    }

    @Test
    void aReBannedKeyIsListedOnceWithItsNewTime() {
        Bans bans = store().bans(namespace("reban"));
        bans.ban("k", Duration.ofMinutes(1));
        bans.ban("k", Duration.ofMinutes(30));

        assertThat(bans.active(10))
                .singleElement()
                .satisfies(ban -> assertThat(ban.remaining()).isGreaterThan(Duration.ofMinutes(29)));
    }

    @Test
    void everyLimitOfABucketMustHoldTheTokens() {
        TokenBuckets buckets = store().tokenBuckets(
                        namespace("two-limits"),
                        BucketSpec.of(
                                BucketLimit.greedy(5, 5, Duration.ofSeconds(1)),
                                BucketLimit.greedy(8, 8, Duration.ofHours(1))));
        for (int i = 0; i < 5; i++) {
            assertThat(buckets.tryConsume("client", 1).consumed()).isTrue();
        }
        assertThat(buckets.tryConsume("client", 1).consumed())
                .as("the per-second limit")
                .isFalse();
        advance(Duration.ofMillis(1100));
        Consumption next = buckets.tryConsume("client", 1);
        assertThat(next.consumed()).isTrue();
        assertThat(next.remainingTokens())
                .as("the smallest figure: the hourly limit's")
                .isEqualTo(2);
        buckets.tryConsume("client", 2);
        advance(Duration.ofMillis(1100));
        Consumption refused = buckets.tryConsume("client", 1);
        assertThat(refused.consumed()).as("the hourly limit").isFalse();
        assertThat(refused.nanosToWaitForRefill())
                .isGreaterThan(Duration.ofMinutes(7).toNanos());
    }

    @Test
    void anIntervallyLimitRefillsAllAtOnceWhenItsPeriodEnds() {
        TokenBuckets buckets = store().tokenBuckets(
                        namespace("window"), BucketSpec.of(BucketLimit.intervally(4, 4, Duration.ofSeconds(2))));
        assertThat(buckets.tryConsume("client", 4).consumed()).isTrue();
        advance(Duration.ofMillis(1500));
        Consumption refused = buckets.tryConsume("client", 1);
        assertThat(refused.consumed()).as("no gradual refill").isFalse();
        assertThat(refused.nanosToWaitForRefill())
                .isPositive()
                .isLessThanOrEqualTo(Duration.ofMillis(600).toNanos());
        advance(Duration.ofMillis(1000));
        assertThat(buckets.tryConsume("client", 4).consumed()).isTrue();
    }

    @Test
    void aRequestDearerThanTheCapacityIsRefusedWithoutEnd() {
        TokenBuckets buckets = store().tokenBuckets(namespace("dear"), perSecond(3));
        Consumption refused = buckets.tryConsume("client", 4);
        assertThat(refused.consumed()).isFalse();
        assertThat(refused.nanosToWaitForRefill()).isEqualTo(Long.MAX_VALUE);
        assertThat(buckets.tryConsume("client", 3).consumed())
                .as("nothing was taken")
                .isTrue();
    }

    @Test
    void aBucketMovesBetweenOneAndSeveralLimits() {
        String namespace = namespace("reshaped");
        StateStore store = store();
        assertThat(store.tokenBuckets(namespace, perHour(10))
                        .tryConsume("client", 4)
                        .consumed())
                .isTrue();

        TokenBuckets two = restarted(store)
                .tokenBuckets(
                        namespace,
                        BucketSpec.of(
                                BucketLimit.greedy(10, 10, Duration.ofHours(1)),
                                BucketLimit.greedy(100, 100, Duration.ofDays(1))));
        assertThat(two.tryConsume("client", 1).remainingTokens())
                .as("the first limit keeps its tokens, the new one starts full")
                .isEqualTo(5);

        TokenBuckets one = restarted(store).tokenBuckets(namespace, perHour(10));
        assertThat(one.tryConsume("client", 1).remainingTokens()).isEqualTo(4);
    }

    @Test
    void trailsKeepTheLastEntriesInOrderAndExpireWhenIdle() {
        Trails trails = store().trails(namespace("trail"), 3, Duration.ofSeconds(2));
        trails.append("s", "a");
        trails.append("s", "b");
        trails.append("s", "c");
        assertThat(trails.append("s", "d")).containsExactly("b", "c", "d");
        assertThat(trails.get("s")).containsExactly("b", "c", "d");
        assertThat(trails.get("none")).isEmpty();
        advance(Duration.ofMillis(2500));
        assertThat(trails.get("s")).isEmpty();
    }

    private static BucketSpec perHour(long capacity) {
        return BucketSpec.of(BucketLimit.greedy(capacity, capacity, Duration.ofHours(1)));
    }

    @Test
    void aLoweredLimitReachesABucketThatExistsAlready() {
        String namespace = namespace("lowered");
        StateStore store = store();
        TokenBuckets before = store.tokenBuckets(namespace, perHour(100));
        assertThat(before.tryConsume("client", 5).remainingTokens()).isEqualTo(95);

        TokenBuckets after = restarted(store).tokenBuckets(namespace, perHour(10));

        assertThat(after.tryConsume("client", 1).remainingTokens())
                .as("capped at the new capacity at once")
                .isEqualTo(9);
        for (int i = 0; i < 9; i++) {
            assertThat(after.tryConsume("client", 1).consumed()).isTrue();
        }
        assertThat(after.tryConsume("client", 1).consumed()).isFalse();
    }

    @Test
    void aRaisedLimitAddsItsHeadroomToABucketThatExistsAlready() {
        String namespace = namespace("raised");
        StateStore store = store();
        TokenBuckets before = store.tokenBuckets(namespace, perHour(10));
        assertThat(before.tryConsume("client", 10).consumed()).isTrue();

        TokenBuckets after = restarted(store).tokenBuckets(namespace, perHour(50));

        assertThat(after.tryConsume("client", 1).remainingTokens()).isEqualTo(39);
    }

    @Test
    void unchangedLimitsKeepTheTokensABucketHolds() {
        String namespace = namespace("unchanged");
        StateStore store = store();
        assertThat(store.tokenBuckets(namespace, perHour(10))
                        .tryConsume("client", 4)
                        .consumed())
                .isTrue();

        TokenBuckets after = restarted(store).tokenBuckets(namespace, perHour(10));

        assertThat(after.tryConsume("client", 1).remainingTokens()).isEqualTo(5);
    }

    @Test
    void refundedTokensComeBackButNeverBeyondTheCapacity() {
        TokenBuckets buckets = store().tokenBuckets(namespace("refund"), perHour(5));
        assertThat(buckets.tryConsume("client", 3).consumed()).isTrue();
        buckets.refund("client", 2);
        assertThat(buckets.tryConsume("client", 1).remainingTokens()).isEqualTo(3);
        buckets.refund("client", 100);
        assertThat(buckets.tryConsume("client", 1).remainingTokens()).isEqualTo(4);
        assertThatIllegalArgumentException().isThrownBy(() -> buckets.refund("client", 0));
    }

    @Test
    void appendUnlessRefusesWhileAMatchingEntryIsInTheTrail() {
        Trails trails = store().trails(namespace("reserve"), 10, Duration.ofMinutes(30));
        List<TrailBlock> redeemOnce = List.of(new TrailBlock("POST /redeem", 2, 1_000));
        trails.append("s", "GET /cart|200|1500");
        trails.append("s", "POST /redeem|200|900"); // before the window

        assertThat(trails.appendUnless("s", "POST /redeem|0|2000", redeemOnce)).isEqualTo(-1);
        assertThat(trails.appendUnless("s", "POST /redeem|0|2001", redeemOnce))
                .as("the pending reservation blocks")
                .isZero();
        assertThat(trails.get("s"))
                .containsExactly("GET /cart|200|1500", "POST /redeem|200|900", "POST /redeem|0|2000");
    }

    @Test
    void aSettledReservationKeepsItsPlaceAndOnlyTheStatusClassBlocks() {
        Trails trails = store().trails(namespace("settle"), 10, Duration.ofMinutes(30));
        List<TrailBlock> afterSuccess = List.of(new TrailBlock("POST /verify", 2, 0));
        assertThat(trails.appendUnless("s", "POST /verify|0|100", afterSuccess)).isEqualTo(-1);
        trails.append("s", "GET /next|200|150");

        trails.settle("s", "POST /verify", "POST /verify|400|200");

        assertThat(trails.get("s")).containsExactly("POST /verify|400|200", "GET /next|200|150");
        assertThat(trails.appendUnless("s", "POST /verify|0|300", afterSuccess))
                .as("a failed attempt does not block")
                .isEqualTo(-1);
        trails.settle("s", "POST /verify", null);
        assertThat(trails.get("s")).containsExactly("POST /verify|400|200", "GET /next|200|150");
        trails.settle("s", "POST /verify", "POST /verify|200|400");
        assertThat(trails.get("s")).endsWith("POST /verify|200|400");
    }

    @Test
    void aBlockMatchesAnEntryWithValuesAfterItsOperationButNotALongerOperation() {
        Trails trails = store().trails(namespace("values"), 10, Duration.ofMinutes(30));
        List<TrailBlock> once = List.of(new TrailBlock("POST /verify", 2, 0));
        assertThat(trails.appendUnless("s", "POST /verify|0|100", once)).isEqualTo(-1);
        trails.settle("s", "POST /verify", "POST /verify#AAAAAAAAAAA|200|100");
        trails.append("other", "POST /verifyX|200|100");
        trails.append("other", "POST /verify/x#AAAAAAAAAAA|200|100");

        assertThat(trails.get("s")).containsExactly("POST /verify#AAAAAAAAAAA|200|100");
        assertThat(trails.appendUnless("s", "POST /verify|0|200", once))
                .as("the settled step carries values: still a step of the operation")
                .isZero();
        assertThat(trails.appendUnless("other", "POST /verify|0|200", once))
                .as("longer operations are other operations")
                .isEqualTo(-1);
    }

    @Test
    void aReservationThatNamesItsRequestIsAPendingEntryOfItsOperation() {
        Trails trails = store().trails(namespace("tokens"), 10, Duration.ofMinutes(30));
        List<TrailBlock> once = List.of(new TrailBlock("POST /verify", 2, 0));
        String first = Trails.uniqueReservation("POST /verify", 100);
        assertThat(first).isNotEqualTo(Trails.uniqueReservation("POST /verify", 100));
        assertThat(Trails.tokenOf(Trails.uniqueReservation("POST /a|0|1", 100)))
                .as("a path may hold | and digits")
                .hasSize(12)
                .doesNotContain("|", "#");
        assertThat(Trails.tokenOf("POST /verify|0|100"))
                .as("as the previous version reserved")
                .isEmpty();
        assertThat(Trails.tokenOf("POST /verify#AAAAAAAAAAA|200|100")).isEmpty();
        assertThat(trails.appendUnless("s", first, once)).isEqualTo(-1);
        assertThat(trails.appendUnless("s", Trails.uniqueReservation("POST /verify", 150), once))
                .as("the pending reservation blocks")
                .isZero();
        String other = Trails.uniqueReservation("POST /verifyX", 150);
        assertThat(trails.appendUnless("s", other, List.of(new TrailBlock("POST /verifyX", 2, 0))))
                .as("a block of a longer operation: another operation")
                .isEqualTo(-1);

        trails.settle("s", "POST /verify", "POST /verify|400|200");
        assertThat(trails.get("s")).containsExactly("POST /verify|400|200", other);
        String second = Trails.uniqueReservation("POST /verify", 300);
        assertThat(trails.appendUnless("s", second, once))
                .as("a failed attempt does not block")
                .isEqualTo(-1);
        trails.withdraw("s", second);
        assertThat(trails.get("s")).hasSize(2).doesNotContain(second);
        trails.settle("s", "POST /verifyX", null);
        assertThat(trails.get("s")).containsExactly("POST /verify|400|200");
    }

    @Test
    void racingReservationsOfOneKeyLetExactlyOneThrough() throws InterruptedException {
        Trails trails = store().trails(namespace("reserve-race"), 20, Duration.ofMinutes(30));
        List<TrailBlock> once = List.of(new TrailBlock("POST /redeem", 0, 0));
        trails.get("warm-up"); // a backend connects first, so every racer gets an answer
        int threads = 32;
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    start.await();
                    if (trails.appendUnless("session", "POST /redeem|0|5", once) < 0) {
                        granted.incrementAndGet();
                    } else {
                        refused.incrementAndGet();
                    }
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(granted.get()).isEqualTo(1);
        assertThat(refused.get())
                .as("every other racer was answered, and refused")
                .isEqualTo(threads - 1);
        assertThat(trails.get("session")).containsExactly("POST /redeem|0|5");
    }

    /** A time at the start of a window of 10 seconds, on the callers' clock of the sliding-window tests. */
    private static final long WINDOW_START = 1_700_000_000_000L;

    @Test
    void aSlidingCountWeighsThePreviousWindowByItsPartStillInside() {
        SlidingWindows windows = store().slidingWindows(namespace("sliding"), Duration.ofSeconds(10));
        for (int i = 1; i <= 4; i++) {
            assertThat(windows.add("k", WINDOW_START + 1_000)).isEqualTo(i);
        }
        assertThat(windows.count("k", WINDOW_START + 9_000)).isEqualTo(4);
        assertThat(windows.count("other", WINDOW_START + 9_000)).isZero();
        assertThat(windows.count("k", WINDOW_START + 15_000))
                .as("half of the previous window")
                .isEqualTo(2);
        assertThat(windows.count("k", WINDOW_START + 19_999))
                .as("rounded up: an event never leaves early")
                .isEqualTo(1);
        assertThat(windows.add("k", WINDOW_START + 17_500))
                .as("one, and a quarter of four")
                .isEqualTo(2);
        assertThat(windows.count("k", WINDOW_START + 25_000))
                .as("four are out, half of one is in")
                .isEqualTo(1);
        assertThat(windows.count("k", WINDOW_START + 30_000)).isZero();
    }

    /**
     * An operator's lift takes the ban and both windows' counts (probe52d F2): with the counts kept, the key's next
     * event would reach the limit again at once. Its slots in flight stay held, and other keys keep theirs.
     */
    @Test
    void aLiftedKeyIsNeitherBannedNorCountedButKeepsItsSlots() {
        SlidingWindows windows = store().slidingWindows(namespace("lift"), Duration.ofSeconds(10));
        String other = "203.0.113.21"; // an address: a shared store lists other keys by their digest
        for (int i = 0; i < 3; i++) {
            windows.add("k", WINDOW_START + 1_000);
            windows.add(other, WINDOW_START + 1_000);
        }
        windows.add("k", WINDOW_START + 12_000);
        windows.ban("k", Duration.ofMinutes(5));
        windows.ban(other, Duration.ofMinutes(5));
        assertThat(windows.reserve("k", WINDOW_START + 12_000, 10)).isEqualTo(SlidingWindows.Reservation.BANNED);

        windows.lift("k", WINDOW_START + 12_000);

        assertThat(windows.isBanned("k")).isFalse();
        assertThat(windows.banRemaining("k")).isIn(null, Duration.ZERO);
        assertThat(windows.count("k", WINDOW_START + 12_000))
                .as("the current window's count and the previous one's")
                .isZero();
        assertThat(windows.addUnlessBanned("k", WINDOW_START + 12_500)).isEqualTo(1);
        assertThat(windows.isBanned(other)).as("another key's ban").isTrue();
        assertThat(windows.count(other, WINDOW_START + 12_000)).isEqualTo(3);
        assertThat(windows.active(10)).as("the bans in force").singleElement().satisfies(banned -> {
            assertThat(banned.key()).isEqualTo(other);
            assertThat(banned.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
        });

        assertThat(windows.reserve("k", WINDOW_START + 13_000, 3)).isEqualTo(SlidingWindows.Reservation.TAKEN);
        windows.lift("k", WINDOW_START + 13_000);
        assertThat(windows.reserve("k", WINDOW_START + 13_000, 2)).isEqualTo(SlidingWindows.Reservation.TAKEN);
        assertThat(windows.reserve("k", WINDOW_START + 13_000, 2))
                .as("the slot taken before the lift is still held")
                .isEqualTo(SlidingWindows.Reservation.FULL);
    }

    @Test
    void reservationsStopAtTheLimitAndSettledOnesCount() {
        SlidingWindows windows = store().slidingWindows(namespace("slots"), Duration.ofSeconds(10));
        windows.add("k", WINDOW_START);
        assertThat(windows.reserve("k", WINDOW_START, 3)).isEqualTo(SlidingWindows.Reservation.TAKEN);
        assertThat(windows.reserve("k", WINDOW_START, 3)).isEqualTo(SlidingWindows.Reservation.TAKEN);
        assertThat(windows.reserve("k", WINDOW_START, 3))
                .as("one counted and two in flight")
                .isEqualTo(SlidingWindows.Reservation.FULL);
        assertThat(windows.reserve("other", WINDOW_START, 3)).isEqualTo(SlidingWindows.Reservation.TAKEN);
        windows.release("k", WINDOW_START, WINDOW_START);
        assertThat(windows.reserve("k", WINDOW_START, 3)).isEqualTo(SlidingWindows.Reservation.TAKEN);
        assertThat(windows.settle("k", WINDOW_START, WINDOW_START)).isEqualTo(2);
        assertThat(windows.reserve("k", WINDOW_START, 3))
                .as("two counted and one in flight")
                .isEqualTo(SlidingWindows.Reservation.FULL);
        windows.release("k", WINDOW_START, WINDOW_START);
        windows.release("k", WINDOW_START, WINDOW_START);
        windows.release("k", WINDOW_START, WINDOW_START);
        assertThat(windows.reserve("k", WINDOW_START, 3))
                .as("never below zero slots")
                .isEqualTo(SlidingWindows.Reservation.TAKEN);
        assertThat(windows.reserve("k", WINDOW_START, 3)).isEqualTo(SlidingWindows.Reservation.FULL);
        assertThat(windows.count("k", WINDOW_START))
                .as("slots are not counted events")
                .isEqualTo(2);
    }

    @Test
    void eachSlotLapsesOnItsOwnSoAKeyAlwaysInFlightNeverHoldsMoreThanTheLimit() {
        SlidingWindows windows = store().slidingWindows(namespace("lapse"), Duration.ofSeconds(10));
        assertThat(windows.reserve("k", WINDOW_START, 3))
                .as("a slot never given back")
                .isEqualTo(SlidingWindows.Reservation.TAKEN);
        assertThat(windows.reserve("k", WINDOW_START + 19_000, 3)).isEqualTo(SlidingWindows.Reservation.TAKEN);
        assertThat(windows.reserve("k", WINDOW_START + 19_000, 3)).isEqualTo(SlidingWindows.Reservation.TAKEN);
        assertThat(windows.reserve("k", WINDOW_START + 19_000, 3)).isEqualTo(SlidingWindows.Reservation.FULL);
        assertThat(windows.reserve("k", WINDOW_START + 20_000, 3))
                .as("two windows on, the first slot has lapsed")
                .isEqualTo(SlidingWindows.Reservation.TAKEN);
        assertThat(windows.reserve("k", WINDOW_START + 20_000, 3))
                .as("the two taken a second ago are still in flight")
                .isEqualTo(SlidingWindows.Reservation.FULL);
        windows.release("k", WINDOW_START, WINDOW_START + 20_000);
        assertThat(windows.reserve("k", WINDOW_START + 20_000, 3))
                .as("the lapsed slot given back late frees none of the slots in flight")
                .isEqualTo(SlidingWindows.Reservation.FULL);
        assertThat(windows.settle("k", WINDOW_START + 19_000, WINDOW_START + 20_000))
                .as("a slot of the previous window settles as a counted event")
                .isEqualTo(1);
        windows.release("k", WINDOW_START + 19_000, WINDOW_START + 20_000);
        assertThat(windows.reserve("k", WINDOW_START + 20_000, 3))
                .as("one counted and one in flight")
                .isEqualTo(SlidingWindows.Reservation.TAKEN);
        assertThat(windows.reserve("k", WINDOW_START + 20_000, 3)).isEqualTo(SlidingWindows.Reservation.FULL);
    }

    @Test
    void aBannedKeyIsNeitherCountedNorGivenASlotUntilItsBanEnds() {
        SlidingWindows windows = store().slidingWindows(namespace("banned"), Duration.ofSeconds(10));
        windows.add("k", WINDOW_START);
        windows.ban("k", Duration.ofSeconds(2));
        assertThat(windows.isBanned("k")).isTrue();
        assertThat(windows.isBanned("other")).isFalse();
        assertThat(windows.reserve("k", WINDOW_START, 100)).isEqualTo(SlidingWindows.Reservation.BANNED);
        assertThat(windows.addUnlessBanned("k", WINDOW_START)).isEqualTo(-1);
        assertThat(windows.count("k", WINDOW_START)).isEqualTo(1);
        assertThat(windows.addUnlessBanned("other", WINDOW_START)).isEqualTo(1);
        windows.ban("never-counted", Duration.ofSeconds(2));
        assertThat(windows.isBanned("never-counted")).isTrue();
        assertThat(windows.reserve("never-counted", WINDOW_START, 100)).isEqualTo(SlidingWindows.Reservation.BANNED);
        assertThatIllegalArgumentException().isThrownBy(() -> windows.ban("k", Duration.ZERO));
        advance(Duration.ofSeconds(3));
        assertThat(windows.isBanned("k")).isFalse();
        assertThat(windows.addUnlessBanned("k", WINDOW_START + 3_000)).isEqualTo(2);
        assertThat(windows.reserve("never-counted", WINDOW_START + 3_000, 100))
                .isEqualTo(SlidingWindows.Reservation.TAKEN);
    }

    @Test
    void slotsNeverGivenBackLapseTwoWindowsAfterTheyWereTaken() {
        SlidingWindows windows = store().slidingWindows(namespace("slot-lapse"), Duration.ofSeconds(10));
        assertThat(windows.reserve("k", WINDOW_START, 1)).isEqualTo(SlidingWindows.Reservation.TAKEN);
        advance(Duration.ofSeconds(15));
        assertThat(windows.reserve("k", WINDOW_START + 15_000, 1)).isEqualTo(SlidingWindows.Reservation.FULL);
        advance(Duration.ofSeconds(6));
        assertThat(windows.reserve("k", WINDOW_START + 21_000, 1)).isEqualTo(SlidingWindows.Reservation.TAKEN);
    }

    @Test
    void racingReservationsOfAKeyTakeExactlyTheSlotsItsCountLeaves() throws InterruptedException {
        SlidingWindows windows = store().slidingWindows(namespace("sliding-race"), Duration.ofSeconds(10));
        for (int i = 0; i < 3; i++) {
            windows.add("k", WINDOW_START);
        }
        int threads = 32;
        AtomicInteger taken = new AtomicInteger();
        AtomicInteger banned = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 5; i++) {
                        SlidingWindows.Reservation reservation = windows.reserve("k", WINDOW_START + 1_000, 10);
                        if (reservation == SlidingWindows.Reservation.TAKEN) {
                            taken.incrementAndGet();
                        } else if (reservation == SlidingWindows.Reservation.BANNED) {
                            banned.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(taken.get()).as("10 - 3").isEqualTo(7);
        assertThat(banned.get()).isZero();
    }
}
