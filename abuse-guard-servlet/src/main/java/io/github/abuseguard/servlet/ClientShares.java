package io.github.abuseguard.servlet;

import io.github.abuseguard.internal.IpAddresses;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many of something bounded per client each client holds now (requests waiting in the tarpit, bodies
 * the guards are reading), so that one client cannot take all of it: a client holding its share is told
 * so before it takes more. A client is its key's site ({@link IpAddresses#site}): its address, or the
 * IPv6 /48 its /64s belong to, as an IPv6 subscriber holds 256 or 65,536 /64 keys. Only clients holding
 * some have an entry, so there are never more entries than shares held; whoever takes a share gives it
 * back exactly once ({@link #leave}), in a {@code finally} or a listener that runs once.
 */
final class ClientShares {
    private final int perClient;
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

    /** @param perClient the shares one client may hold at once, at least 1 */
    ClientShares(int perClient) {
        if (perClient < 1) {
            throw new IllegalArgumentException("a client's share must be positive, was " + perClient);
        }
        this.perClient = perClient;
    }

    /** The client whose share a request of client key {@code clientKey} takes. */
    static String client(String clientKey) {
        return IpAddresses.site(clientKey);
    }

    /**
     * Takes one share for {@code client} ({@link #client}), or nothing when it holds all of its shares.
     *
     * @return whether the share was taken; only then does the caller {@link #leave}
     */
    boolean enter(String client) {
        if (held.merge(client, 1, Integer::sum) > perClient) {
            leave(client);
            return false;
        }
        return true;
    }

    /** Gives back one share of {@code client}; a client with none left has no entry. */
    void leave(String client) {
        held.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
    }

    /** Clients holding a share now; for tests. */
    int clients() {
        return held.size();
    }

    /** The shares held now, all clients together; for tests. */
    int held() {
        int total = 0;
        for (int count : held.values()) {
            total += count;
        }
        return total;
    }
}
