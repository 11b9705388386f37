package io.github.abuseguard.store;

import java.time.Duration;

/**
 * A store that passes the four kinds of state every store must make to another store, and keeps the interface's
 * defaults for the rest (sliding windows, histories, tallies made of those four): a test overrides the kind it
 * intercepts (a gate before a ban, an outage, a bucket known to refuse) and leaves the others as they are.
 */
public class DelegatingStateStore implements StateStore {
    /** The store passed to. */
    protected final StateStore store;

    public DelegatingStateStore(StateStore store) {
        this.store = store;
    }

    @Override
    public TokenBuckets tokenBuckets(String namespace, BucketSpec spec) {
        return store.tokenBuckets(namespace, spec);
    }

    @Override
    public Counters counters(String namespace, Duration window) {
        return store.counters(namespace, window);
    }

    @Override
    public Bans bans(String namespace) {
        return store.bans(namespace);
    }

    @Override
    public Trails trails(String namespace, int maxLength, Duration ttl) {
        return store.trails(namespace, maxLength, ttl);
    }
}
