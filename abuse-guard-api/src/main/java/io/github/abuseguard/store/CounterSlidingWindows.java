package io.github.abuseguard.store;

import io.github.abuseguard.internal.Durations;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@link SlidingWindows} over a store's fixed-window {@link Counters} and {@link Bans}, the way Cloudflare
 * counts: a counter per key and window, each expiring two windows after it was opened, so a window's count
 * outlives the window after it; the slots a key took in a window are one more counter per window, read
 * for the current and the previous window only, so each window's slots lapse on their own. The
 * two windows of a count are read (and the current one counted) in one counters step: one round trip on a
 * shared store, and a count with its ban look-up, a reservation and a settled count are one step each.
 */
final class CounterSlidingWindows implements SlidingWindows {
    /**
     * The infix of a key's in-flight slots, before the window they were taken in: no window number
     * contains it, so a key's slots never share a counter with any key's window count.
     */
    private static final String PENDING = "@p";

    private final Counters counters;
    private final Bans bans;
    private final long windowMillis;

    CounterSlidingWindows(Counters counters, Bans bans, Duration window) {
        this.counters = counters;
        this.bans = bans;
        this.windowMillis = window.toMillis();
    }

    /** The counters of {@code window}'s sliding counts: they last two windows. */
    static Duration countersWindow(Duration window) {
        long millis = requireWindowMillis(window);
        return Duration.ofMillis(2 * millis);
    }

    /** The window in milliseconds, at least 1. */
    static long requireWindowMillis(Duration window) {
        if (window == null || window.toMillis() < 1) {
            throw new IllegalArgumentException("window must be at least 1ms, was " + Durations.written(window));
        }
        return window.toMillis();
    }

    @Override
    public long add(String key, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        long[] counts = counters.addAndGet(key + '@' + epoch, 1, key + '@' + (epoch - 1));
        return weighted(counts[0], counts[1], nowMillis);
    }

    @Override
    public long addUnlessBanned(String key, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        long[] counts = bans.addAndGetUnlessBanned(key, counters, key + '@' + epoch, 1, key + '@' + (epoch - 1));
        return counts == null ? -1 : weighted(counts[0], counts[1], nowMillis);
    }

    @Override
    public Reservation reserve(String key, long nowMillis, long limit) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        long remaining = windowMillis - Math.floorMod(nowMillis, windowMillis);
        // the ban looked up in the same step (one round trip on Redis, was two)
        return bans.reserveUnlessBanned(
                key,
                counters,
                key + PENDING + epoch,
                key + PENDING + (epoch - 1),
                key + '@' + epoch,
                key + '@' + (epoch - 1),
                remaining,
                windowMillis,
                limit);
    }

    @Override
    public void release(String key, long reservedAtMillis, long nowMillis) {
        long taken = Math.floorDiv(reservedAtMillis, windowMillis);
        if (taken >= Math.floorDiv(nowMillis, windowMillis) - 1) {
            counters.release(key + PENDING + taken);
        } // else it has lapsed: its counter is no longer read, and may be gone
    }

    @Override
    public long settle(String key, long reservedAtMillis, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        long taken = Math.floorDiv(reservedAtMillis, windowMillis);
        if (taken < epoch - 1) {
            return add(key, nowMillis); // its slot has lapsed: nothing to give back
        }
        long[] counts = counters.addAndRelease(key + '@' + epoch, 1, key + '@' + (epoch - 1), key + PENDING + taken);
        return weighted(counts[0], counts[1], nowMillis);
    }

    @Override
    public long count(String key, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        long[] counts = counters.get(key + '@' + epoch, key + '@' + (epoch - 1));
        return weighted(counts[0], counts[1], nowMillis);
    }

    @Override
    public boolean isBanned(String key) {
        return bans.isBanned(key);
    }

    @Override
    public long getUnlessBanned(String key, Counters others, String countKey) {
        return bans.getUnlessBanned(key, others, countKey);
    }

    @Override
    public @Nullable Duration banRemaining(String key) {
        return bans.remaining(key);
    }

    @Override
    public long liftsSeen() {
        return bans.liftsSeen();
    }

    @Override
    public void ban(String key, Duration ttl) {
        bans.ban(key, ttl);
    }

    /** Bans the key, then takes its counts back to zero as {@link #lift} does: one ban, one read, up to two writes. */
    @Override
    public void banAfresh(String key, Duration ttl, long nowMillis) {
        bans.ban(key, ttl);
        forget(key, nowMillis);
    }

    /**
     * Lifts the ban everywhere, then takes each window's count back to zero by adding its negation: one read and
     * up to two writes, an operator's step, not a request's. An event counted between the read and the writes
     * stays counted. A lift that finds the count below zero after its write (another lift read the same count and
     * took it back first) adds the difference back: two operators' unbans at once took the count to minus the
     * failures, and the client had twice its failures before the next ban (review56 F2).
     */
    @Override
    public void lift(String key, long nowMillis) {
        bans.liftEverywhere(key);
        forget(key, nowMillis);
    }

    /** Takes the key's two windows' counts back to zero. */
    private void forget(String key, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        String current = key + '@' + epoch;
        String previous = key + '@' + (epoch - 1);
        long[] counts = counters.get(current, previous);
        zero(current, counts[0]);
        zero(previous, counts[1]);
    }

    private void zero(String window, long count) {
        if (count > 0) {
            long left = counters.add(window, -count);
            if (left < 0) {
                // another lift took some of it at the same moment: give back what this one took below zero, never more
                // than it took (ci71c: four lifts at once, each giving back the whole deficit it saw, left 5 where 0)
                counters.add(window, Math.min(-left, count));
            }
        }
    }

    @Override
    public java.util.List<BannedKey> active(int limit) {
        return bans.active(limit);
    }

    private long weighted(long current, long previous, long nowMillis) {
        return weighted(current, previous, nowMillis, windowMillis);
    }

    /** The sliding count of a window's count and its previous window's, the previous weighted by its part still inside. */
    static long weighted(long current, long previous, long nowMillis, long windowMillis) {
        long remaining = windowMillis - Math.floorMod(nowMillis, windowMillis);
        // Rounded up: a previous window's events never vanish from the count earlier than they should.
        return current + (previous * remaining + windowMillis - 1) / windowMillis;
    }
}
