package io.github.abuseguard.servlet;

import java.util.function.LongSupplier;

/**
 * The clients this instance found proved lately, each remembered for {@link #REMEMBERED_NANOS}: a client's next
 * requests to a route that requires the proof are let through without asking the store again. On Redis each such
 * request was a round trip of its own beside the rate decision (one per request of the demo's scores route); in
 * process, a look-up in the store's cache of marks. Only a mark found is remembered, never its absence, so a client
 * that just proved itself is never refused from here; a mark that ended (its history's lifetime, an eviction, a store
 * restarted) is honoured at most {@link #REMEMBERED_NANOS} longer, and so, under a fail-closed outage of the shared
 * store, is a client found proved just before it. Nothing takes a mark back early, so nothing else is made late.
 *
 * <p>A slot per hash of the client's key, holding the last client that hashed to it: at most {@value #SLOTS}
 * clients, no bookkeeping, and a client pushed out is looked up in the store again. Slots are written racily;
 * each holds an immutable pair, so a reader sees a whole one or the one before.
 */
final class ProvedClients {

    static final int SLOTS = 1024;

    static final long REMEMBERED_NANOS = 5_000_000_000L;

    private final Proved[] slots = new Proved[SLOTS];
    private final LongSupplier nanoTime;

    /** @param nanoTime the engine's clock, {@link io.github.abuseguard.TimeSource#nanoTime} */
    ProvedClients(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Whether the client was found proved within the last {@link #REMEMBERED_NANOS}. */
    boolean proved(String client) {
        Proved seen = slots[client.hashCode() & (SLOTS - 1)];
        return seen != null && nanoTime.getAsLong() - seen.until < 0 && seen.client.equals(client);
    }

    /** The client's mark was found in the store now. */
    void found(String client) {
        slots[client.hashCode() & (SLOTS - 1)] = new Proved(client, nanoTime.getAsLong() + REMEMBERED_NANOS);
    }

    private record Proved(String client, long until) {}
}
