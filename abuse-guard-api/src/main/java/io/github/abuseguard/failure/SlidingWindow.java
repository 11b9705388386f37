package io.github.abuseguard.failure;

import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;

/**
 * A sliding-window count per key over the store's fixed-window counters, the way Cloudflare counts:
 * the current window's count plus the previous window's count weighted by how much of it still lies
 * within the sliding window. Each key takes two counters, one per window, both expiring on their own,
 * so the memory per key is bounded and a key nobody touches disappears after two windows. Both are
 * read (and the current one counted) in one store step: one round trip on a shared store. A key may also
 * hold in-flight slots ({@link #reserve}), one more counter that lapses with the window's lifetime, so a
 * slot a crashed request never gave back is freed after at most two windows.
 */
final class SlidingWindow {
    /** The suffix of a key's in-flight slots: no window number contains it. */
    private static final String PENDING = "@pending";

    private final Counters counters;
    private final long windowMillis;

    SlidingWindow(StateStore store, String namespace, Duration window) {
        this.windowMillis = window.toMillis();
        if (windowMillis < 1) {
            throw new IllegalArgumentException("window must be at least 1ms, was " + window);
        }
        // Twice the window, so a window's counter outlives the window after it, whenever it was opened.
        this.counters = store.counters(namespace, Duration.ofMillis(2 * windowMillis));
    }

    /** Counts one event for the key and returns the sliding count including it. */
    long add(String key, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        long[] counts = counters.addAndGet(key + '@' + epoch, 1, key + '@' + (epoch - 1));
        return weighted(counts[0], counts[1], nowMillis);
    }

    /**
     * Counts one event for the key unless {@code bannedKey} is banned in {@code bans}, in one store step.
     *
     * @return the sliding count including the event, or -1 when the key is banned (nothing counted)
     */
    long addUnlessBanned(Bans bans, String bannedKey, String key, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        long[] counts = bans.addAndGetUnlessBanned(bannedKey, counters, key + '@' + epoch, 1, key + '@' + (epoch - 1));
        return counts == null ? -1 : weighted(counts[0], counts[1], nowMillis);
    }

    /**
     * Takes an in-flight slot for the key unless its sliding count plus the slots it holds reach the
     * limit, atomically: {@code limit} events can be in flight or counted, never more.
     */
    boolean reserve(String key, long nowMillis, long limit) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        long remaining = windowMillis - Math.floorMod(nowMillis, windowMillis);
        return counters.reserve(
                key + PENDING, key + '@' + epoch, key + '@' + (epoch - 1), remaining, windowMillis, limit);
    }

    /** Gives back a slot taken with {@link #reserve}. */
    void release(String key) {
        counters.release(key + PENDING);
    }

    /** Counts one event for the key and gives back its slot, in one store step; returns the sliding count. */
    long settle(String key, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        long[] counts = counters.addAndRelease(key + '@' + epoch, 1, key + '@' + (epoch - 1), key + PENDING);
        return weighted(counts[0], counts[1], nowMillis);
    }

    /** The sliding count of the key now. */
    long count(String key, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        long[] counts = counters.get(key + '@' + epoch, key + '@' + (epoch - 1));
        return weighted(counts[0], counts[1], nowMillis);
    }

    private long weighted(long current, long previous, long nowMillis) {
        long remaining = windowMillis - Math.floorMod(nowMillis, windowMillis);
        // Rounded up: a previous window's events never vanish from the count earlier than they should.
        return current + (previous * remaining + windowMillis - 1) / windowMillis;
    }
}
