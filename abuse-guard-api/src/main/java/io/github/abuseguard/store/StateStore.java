package io.github.abuseguard.store;

import java.time.Duration;

/**
 * Where guards keep what they remember about clients: token buckets, windowed counters, bans,
 * per-session trails and per-client tallies. Each guard asks for its own namespace, so keys never collide across guards or
 * rules.
 *
 * <p>The default, {@link LocalStateStore}, keeps state in process, bounded in keys and expiring;
 * {@code abuse-guard-redis} shares it across instances. Every implementation passes the same contract
 * test suite ({@code StateStoreContract} in the api test jar). Implementations are thread-safe, and
 * may throw {@link StoreUnavailableException} when their backend cannot answer.
 */
public interface StateStore {

    /**
     * The token buckets of one namespace, all with the same configuration.
     *
     * @param namespace a stable name, such as {@code rate-limit:per-ip}
     * @param spec the limits of every bucket in the namespace
     */
    TokenBuckets tokenBuckets(String namespace, BucketSpec spec);

    /**
     * Counters of one namespace that count within a fixed window opened by a key's first increment.
     *
     * @param window how long a key's count lasts before it starts again from zero
     */
    Counters counters(String namespace, Duration window);

    /** Bans of one namespace, each with its own time to live. */
    Bans bans(String namespace);

    /**
     * Sliding-window counts of one namespace, with in-flight slots and bans per key. The default keeps the
     * counts in {@link #counters counters(namespace + ":count", 2 × window)} (keys {@code key@window} and
     * {@code key@pending}) and the bans in {@link #bans bans(namespace)}, with their round trips: a check of a
     * key (its ban, then a reservation) two, a settled count one. A store may keep each key's state as one
     * entry instead, its bans then its own rather than those of {@code bans(namespace)}.
     *
     * @param window the length of a window, at least 1 ms
     * @throws IllegalArgumentException if the window is shorter
     */
    default SlidingWindows slidingWindows(String namespace, Duration window) {
        Duration counted = CounterSlidingWindows.countersWindow(window);
        return new CounterSlidingWindows(counters(namespace + ":count", counted), bans(namespace), window);
    }

    /**
     * The histories of one namespace, each lasting {@code ttl} from when it was earned. The default keeps
     * them as {@link #counters counters(namespace, ttl)} (a count above zero is a history), with their round
     * trips and their bound; {@link LocalStateStore} keeps them apart, so that a flood of new keys cannot
     * push out the histories earned before it.
     *
     * @param ttl how long a history lasts from when it was earned
     */
    default Histories histories(String namespace, Duration ttl) {
        Counters counts = counters(namespace, ttl);
        return new Histories() {
            @Override
            public boolean has(String key) {
                return counts.get(key) > 0;
            }

            @Override
            public void earn(String key) {
                counts.add(key, 1);
            }
        };
    }

    /**
     * Trails of one namespace: the last {@code maxLength} entries per key, forgotten after {@code ttl}
     * without an append.
     */
    Trails trails(String namespace, int maxLength, Duration ttl);

    /**
     * Tallies of one namespace: per key a set of {@code bits} bits and up to {@code slots} counters,
     * named by ids the caller chooses, in windows the caller numbers, and marks; see {@link Tallies}. A key is forgotten after {@code ttl}
     * without a record or a mark.
     *
     * @param bits a power of two from {@value Tallies#MIN_BITS} to {@value Tallies#MAX_BITS}
     * @param slots 0 to {@value Tallies#MAX_SLOTS}
     * The volume guard needs tallies; a store written before they existed still compiles and serves every
     * other guard, and a volume rule on it fails start-up with this method's message.
     *
     * @throws IllegalArgumentException if an argument is out of range
     * @throws UnsupportedOperationException if the store does not implement tallies
     */
    default Tallies tallies(String namespace, int bits, int slots, Duration ttl) {
        throw new UnsupportedOperationException(getClass().getName()
                + " does not implement StateStore.tallies, which volume rules need; implement it (see"
                + " LocalStateStore and the store contract tests) or remove the volume rules");
    }

    /**
     * A secret number named {@code name}, the same for every instance that shares this store: the first to
     * ask chooses it at random, the others read it. Guards whose state several instances must hash alike,
     * but whose hashing an attacker must not be able to predict, take their seed from here (the volume
     * guard's sketch: with a seed per instance, each instance counts a resource in another register of the
     * shared sketch, and a client read twice across two instances counts double). Asked once per guard at
     * start-up.
     *
     * <p>The default is a new random number on each call: right for a store of one process. A store that
     * instances share must keep the value where they all read it.
     */
    default long sharedSeed(String name) {
        return new java.security.SecureRandom().nextLong();
    }

    /**
     * How many times this store found the shared data lost since it started (a restart without persistence, a
     * flush, a failover to a replica that lacked it): a store in front of it writes back what it still holds. The
     * default, for a store of one process, is 0.
     */
    default long dataLosses() {
        return 0;
    }

    /**
     * Looks now whether the shared data was lost since this store last looked, counting a loss it finds in {@link
     * #dataLosses()}: a store in front of it asks before it drops a copy of a ban the shared store no longer holds
     * (review50 F1: a flush on a live connection, which re-made nothing, was not noticed, and ten more guesses went
     * through inside a ban). One call to the shared store. The default, for a store of one process, looks at nothing.
     */
    default void lookForDataLoss() {}

    /**
     * Hears the bans other instances lifted everywhere ({@link Bans#liftEverywhere}): {@code listener} is given the
     * namespace, the key when the store may tell it (an address), and a test of whether a key is the one lifted (a
     * shared store tells other keys by their digest, never the key). The listener runs on a thread of the store's and
     * must not block. A store that shares nothing tells nothing.
     */
    default void listenForLifts(LiftListener listener) {}
}
