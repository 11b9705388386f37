package io.github.abuseguard.store;

import java.time.Duration;
import java.util.List;

/** Bans of one namespace; see {@link StateStore#bans}. */
public interface Bans {

    /** The most bans {@link #active} lists at once. */
    int MAX_LISTED = 10_000;

    /**
     * Bans a key for {@code ttl}, replacing any ban it has.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive
     */
    void ban(String key, Duration ttl);

    /** Whether the key is banned now. */
    boolean isBanned(String key);

    /** Lifts a key's ban, if it has one. */
    void lift(String key);

    /**
     * The bans in force now, wherever they were set (on a shared store, by any instance), soonest to end
     * first, at most {@code limit} of them.
     *
     * @throws IllegalArgumentException if {@code limit} is not between 1 and {@value #MAX_LISTED}
     */
    List<BannedKey> active(int limit);

    /** Checks the {@code limit} argument of {@link #active}; for implementations. */
    static int requireListLimit(int limit) {
        if (limit < 1 || limit > MAX_LISTED) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LISTED + ", was " + limit);
        }
        return limit;
    }
}
