package io.github.abuseguard.servlet;

import java.util.function.LongSupplier;

/**
 * The clients this instance found proved lately, each remembered for {@link #REMEMBERED_NANOS} (or a tenth of the
 * proof's lifetime, when that is shorter): a client's next
 * requests to a route that requires the proof are let through without asking the store again. On Redis each such
 * request was a round trip of its own beside the rate decision (one per request of the demo's scores route); in
 * process, a look-up in the store's cache of marks. Only a mark found is remembered, never its absence, so a client
 * that just proved itself is never refused from here; a mark that ended (its history's lifetime, an eviction, a store
 * restarted) is honoured at most that much longer (review70 F1: a proof of one second was honoured for six). Nothing
 * takes a mark back early, so nothing else is made late. A store whose outage policy is fail-closed gets no memo: a
 * client it cannot vouch for during an outage is refused, however recently it was found (review70 F2).
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
    private final long rememberedNanos;

    /**
     * @param nanoTime the engine's clock, {@link io.github.abuseguard.TimeSource#nanoTime}
     * @param lasts how long a proof lasts: a client is remembered for a tenth of it at most
     */
    ProvedClients(LongSupplier nanoTime, java.time.Duration lasts) {
        this.nanoTime = nanoTime;
        this.rememberedNanos = Math.min(REMEMBERED_NANOS, lasts.toNanos() / 10);
    }

    /** Whether the client was found proved within the last {@link #REMEMBERED_NANOS}. */
    boolean proved(String client) {
        Proved seen = slots[client.hashCode() & (SLOTS - 1)];
        return seen != null && nanoTime.getAsLong() - seen.until < 0 && seen.client.equals(client);
    }

    /** The client's mark was found in the store now. */
    void found(String client) {
        slots[client.hashCode() & (SLOTS - 1)] = new Proved(client, nanoTime.getAsLong() + rememberedNanos);
    }

    private record Proved(String client, long until) {}
}
