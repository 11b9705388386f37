package io.github.abuseguard.store;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Per-key trails of one namespace; see {@link StateStore#trails}.
 *
 * <p>{@link #append} and {@link #get} treat entries as opaque. {@link #appendUnless} and
 * {@link #settle} read entries of the form {@code operation|status|millis}, status {@code 0} marking an
 * entry whose outcome is not known yet; each is one atomic step per key, so concurrent requests of one
 * session see each other's reservations. A settled entry's operation may be followed by
 * {@code #values} (what the step was done for, such as digests of its path variables): a
 * {@link TrailBlock} of the operation matches it all the same. An operation itself never contains
 * {@code #}.
 */
public interface Trails {

    /** What follows an operation in an entry that carries the values of its step. */
    char VALUES = '#';

    /**
     * Appends an entry to the key's trail, dropping the oldest entry when the trail is full.
     *
     * @return the trail after the append, oldest first
     */
    List<String> append(String key, String entry);

    /** The key's trail, oldest first; empty when it has none. */
    List<String> get(String key);

    /**
     * The key's trail as {@link #get}, for a check that must not pass on a trail the shared store did not answer
     * (a {@code forbids} rule): a store that answers {@link #get} from in-process state while its backend is
     * unavailable throws {@link StoreUnavailableException} here instead. The default is {@link #get}.
     */
    default List<String> getConfirmed(String key) {
        return get(key);
    }

    /**
     * Appends {@code entry} unless an entry of the key's trail matches one of the blocks; the check and
     * the append are one atomic step for the key.
     *
     * <p>With blocks, the answer is a check that must not pass on a trail the shared store did not answer: a store
     * that answers other calls from in-process state while its backend is unavailable throws {@link
     * StoreUnavailableException} instead (and withdraws the entry, {@link #withdraw}, if its backend may run the
     * append later).
     *
     * @return {@code -1} when the entry was appended, otherwise the index of the first block that
     *     matched (and nothing was appended)
     */
    int appendUnless(String key, String entry, List<TrailBlock> blocks);

    /**
     * Removes the pending entry {@code entry} ({@code operation|0|millis}, as {@link #appendUnless} appended it)
     * if the key's trail holds it, and nothing else: a reservation whose append timed out, which the backend may
     * have run (or may still run, when it catches up) although the request was refused. Unlike {@link #settle}
     * with {@code null}, it never removes another request's pending entry of the same operation. The default
     * withdraws the oldest pending entry of the entry's operation, as {@code settle(key, operation, null)} does.
     */
    default void withdraw(String key, String entry) {
        int status = entry.lastIndexOf('|');
        int operation = status < 1 ? -1 : entry.lastIndexOf('|', status - 1);
        if (operation > 0) {
            settle(key, entry.substring(0, operation), null);
        }
    }

    /**
     * Settles the oldest pending entry ({@code operation|0|millis}) of the operation: replaces it with
     * {@code outcome}, or removes it when {@code outcome} is {@code null}. Without a pending entry, a
     * non-null outcome is appended as {@link #append} would.
     */
    void settle(String key, String operation, @Nullable String outcome);
}
