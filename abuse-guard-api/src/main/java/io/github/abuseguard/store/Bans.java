package io.github.abuseguard.store;

import java.time.Duration;

/** Bans of one namespace; see {@link StateStore#bans}. */
public interface Bans {

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
}
