package io.github.abuseguard.store;

import java.util.List;

/**
 * Windowed counters of one namespace; see {@link StateStore#counters}.
 *
 * <p>The two-key methods exist for callers that need two counts per request (a sliding window reads
 * the current and the previous window): a shared store answers them in one round trip, and the
 * defaults, two single-key calls, suit a store in process.
 */
public interface Counters {

    /**
     * Adds {@code delta} to the key's count in its current window.
     *
     * @return the count after adding
     */
    long add(String key, long delta);

    /** The key's count in its current window; 0 when it has none. */
    long get(String key);

    /**
     * Takes the key's positive count back to 0 (an operator's lift): one {@link #get} and one negative {@link #add},
     * so that a shared store's fallback, whose counts are moved back to it as differences, takes the count back too.
     * Two calls at once may leave it below 0, which a caller counting from it must allow for.
     */
    default void reset(String key) {
        long count = get(key);
        if (count > 0) {
            add(key, -count);
        }
    }

    /**
     * Removes the count of the key that {@code listing} names as a shared store's {@link Bans#active} lists a key it
     * keeps only as a digest ({@code #...}): an operator's lift by that listing forgets what the key earned (probe67a
     * F1). A store that lists its keys as they are has none to remove: the default does nothing.
     */
    default void removeListed(String listing) {}

    /**
     * Adds {@code delta} to the count of {@code key}, as {@link #add} does, and reads the count of
     * {@code other}, as {@link #get} does, in one step where the store can.
     *
     * @return a new array of two: the count of {@code key} after adding, and the count of {@code other}
     */
    default long[] addAndGet(String key, long delta, String other) {
        return new long[] {add(key, delta), get(other)};
    }

    /**
     * The counts of two keys, as {@link #get} reads each, in one step where the store can.
     *
     * @return a new array of two: the count of {@code key}, and the count of {@code other}
     */
    default long[] get(String key, String other) {
        return new long[] {get(key), get(other)};
    }

    /**
     * Adds {@code delta} to the count of each key, as {@link #add} does each in the order given, in one step
     * where the store can: one round trip on a shared store, however many keys. The default adds them one by
     * one.
     *
     * @return a new array of the counts after adding, one per key, in the order of {@code keys}
     */
    default long[] addAll(List<String> keys, long delta) {
        long[] counts = new long[keys.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = add(keys.get(i), delta);
        }
        return counts;
    }

    /**
     * Adds {@code delta} to the count of each key as {@link #addAll} does, a count below 0 taken as 0 first, in one
     * atomic step where the store can: two {@link #reset}s at once may leave a count below 0, and a claim counted
     * from there ("the first to add 1 gets 1") would otherwise be nobody's, or two requests' (review157 F3, F5). The
     * default adds, then brings a count below {@code delta} up to it with a second add, which is not atomic.
     *
     * @param delta at least 1
     * @return a new array of the counts after adding, one per key, in the order of {@code keys}
     */
    default long[] addAllFromZero(List<String> keys, long delta) {
        long[] counts = addAll(keys, delta);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < delta) {
                counts[i] = add(keys.get(i), delta - counts[i]);
            }
        }
        return counts;
    }

    /**
     * Takes one in-flight slot under {@code reserved}, unless the slots it and {@code reservedBefore} hold
     * plus the sliding count of {@code current} and {@code previous} (the previous window's count times
     * {@code previousPart} / {@code whole}, rounded up) reach {@code limit}: a count that is settled only
     * after the exchange (a failure) then cannot be outrun by requests racing in before it. A store that can
     * does this in one atomic step; the default is several calls and not atomic. A slot is given back with
     * {@link #release} or {@link #addAndRelease} of the key it was taken under; one never given back (a
     * request that crashed) lapses with the window of that key. The caller keeps the slots of one period
     * under one key and of the period before under {@code reservedBefore}, so that slots lapse a period at a
     * time, never all at once.
     *
     * @param whole at least 1; {@code previousPart} within 0 to {@code whole}
     * @return whether a slot was taken
     */
    default boolean reserve(
            String reserved,
            String reservedBefore,
            String current,
            String previous,
            long previousPart,
            long whole,
            long limit) {
        long[] counts = get(current, previous);
        long[] slots = get(reserved, reservedBefore);
        long held = Math.max(0, slots[0]) + Math.max(0, slots[1]);
        if (counts[0] + (counts[1] * previousPart + whole - 1) / whole + held >= limit) {
            return false;
        }
        add(reserved, 1);
        return true;
    }

    /** Gives back a slot taken with {@link #reserve}; a key holding none stays at zero. */
    default void release(String reserved) {
        if (get(reserved) > 0) {
            add(reserved, -1);
        }
    }

    /**
     * {@link #addAndGet} and {@link #release} of {@code reserved}, in one step where the store can: the
     * settled count is added before the slot is given back, so the two never briefly count for less.
     *
     * @return a new array of two: the count of {@code key} after adding, and the count of {@code other}
     */
    default long[] addAndRelease(String key, long delta, String other, String reserved) {
        long[] counts = addAndGet(key, delta, other);
        release(reserved);
        return counts;
    }
}
