package io.github.abuseguard.store;

/** Windowed counters of one namespace; see {@link StateStore#counters}. */
public interface Counters {

    /**
     * Adds {@code delta} to the key's count in its current window.
     *
     * @return the count after adding
     */
    long add(String key, long delta);

    /** The key's count in its current window; 0 when it has none. */
    long get(String key);
}
