package io.github.abuseguard.store;

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
}
