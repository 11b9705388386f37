package io.github.abuseguard.store;

import java.util.Base64;
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
 * {@code #}. A pending entry may name its request instead, {@code operation#~token|0|millis} (see {@link
 * #reservation}), which a block of the operation matches as well.
 */
public interface Trails {

    /**
     * What {@link #appendUnless} answers when the key's trail holds as many pending entries still in flight as its
     * length already ({@link #inFlight}): nothing was appended. A pending entry never pushes another entry out of a trail (probe73a F1, stop 69: twenty
     * reservations of refused requests in flight pushed a once-only step out, and it passed again once they were
     * withdrawn), so a session's reservations in flight are bounded apart.
     */
    int TOO_MANY_PENDING = -3;

    /**
     * How long a pending entry counts as a request still in flight: 10 minutes after its time. An older one's
     * settlement was lost (an instance stopped with requests in flight, a settlement the store did not take, a
     * {@code 406} that leaves a reservation pending on purpose); it still forbids what its rules forbid, but counts as
     * settled for the trail's bounds, so that such entries never refuse a session's every step (review129 F1).
     */
    long IN_FLIGHT_MILLIS = 600_000;

    /**
     * Whether {@code entry} is pending and can still be in flight when {@code added} is written: younger than {@link
     * #IN_FLIGHT_MILLIS} before {@code added}'s time (every pending entry, when {@code added} has no time).
     */
    static boolean inFlight(String entry, String added) {
        if (!isPending(entry)) {
            return false;
        }
        long reference = millisOf(added);
        long at = millisOf(entry);
        return reference < 0 || (at >= 0 && at > reference - IN_FLIGHT_MILLIS);
    }

    /** The time an entry ends with ({@code |millis}, ASCII digits, at most 18), or -1. */
    static long millisOf(String entry) {
        int last = entry.lastIndexOf('|');
        if (last < 0 || last == entry.length() - 1 || entry.length() - last - 1 > 18) {
            return -1;
        }
        long value = 0;
        for (int i = last + 1; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** What follows an operation in an entry that carries the values of its step. */
    char VALUES = '#';

    /** What follows {@link #VALUES} in a pending entry that names its request: {@code operation#~token|0|millis}. */
    char TOKEN = '~';

    /**
     * The pending entry {@link #appendUnless} appends to reserve a step of {@code operation} at {@code millis}, and
     * {@link #withdraw} removes: {@code operation|0|millis} by default. A store whose appends may run after their
     * caller gave up on them (a shared store that timed out) makes each one unique, {@code
     * operation#~token|0|millis} ({@link #uniqueReservation}): two requests of one session for one operation in the
     * same millisecond are then two entries, and a withdrawal removes its own request's reservation and no other.
     * Such a store's {@link #settle} and blocks treat it as a pending entry of the operation.
     */
    default String reservation(String operation, long millis) {
        return operation + "|0|" + millis;
    }

    /**
     * {@code operation#~token|0|millis}, the token 12 characters of a random 72-bit number (base64url): no two
     * requests of any instance are one entry.
     */
    static String uniqueReservation(String operation, long millis) {
        byte[] random = new byte[9];
        ReservationTokens.RANDOM.nextBytes(random);
        return operation + VALUES + TOKEN + Base64.getUrlEncoder().encodeToString(random) + "|0|" + millis;
    }

    /**
     * The token of a reservation made by {@link #uniqueReservation}, or {@code ""} for an entry without one (as a
     * store's previous version wrote them).
     */
    static String tokenOf(String entry) {
        int second = entry.lastIndexOf('|');
        int first = second < 1 ? -1 : entry.lastIndexOf('|', second - 1);
        int values = entry.indexOf(VALUES); // an operation never contains one: the first ends it
        if (values < 0 || values + 2 >= first || entry.charAt(values + 1) != TOKEN) {
            return "";
        }
        return entry.substring(values + 2, first);
    }

    /**
     * Whether {@code entry} is pending ({@code operation|0|millis}, with or without values or a token): a step whose
     * outcome is not known yet.
     */
    static boolean isPending(String entry) {
        int second = entry.lastIndexOf('|');
        if (second < 2
                || second == entry.length() - 1
                || entry.charAt(second - 1) != '0'
                || entry.charAt(second - 2) != '|') {
            return false;
        }
        for (int i = second + 1; i < entry.length(); i++) {
            if (entry.charAt(i) < '0' || entry.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Appends an entry to the key's trail, dropping the oldest settled entry when the trail holds as many settled
     * entries as its length (a pending one still in flight is never dropped, see {@link #TOO_MANY_PENDING}).
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
     * <p>The key's trail holds at most its length of settled entries and, apart, at most its length of pending ones
     * still in flight ({@link #inFlight}; an older pending one counts as settled): a settled entry pushes the oldest
     * settled one out, a pending one pushes nothing out, and a reservation beyond that many in flight is refused
     * ({@link #TOO_MANY_PENDING}). Whatever is appended, a trail never holds more than
     * twice its length of entries (the oldest go first).
     *
     * @return {@code -1} when the entry was appended, {@link #TOO_MANY_PENDING}, otherwise the index of the first
     *     block that matched (and nothing was appended)
     */
    int appendUnless(String key, String entry, List<TrailBlock> blocks);

    /**
     * Removes the pending entry {@code entry} ({@link #reservation}, as {@link #appendUnless} appended it) if the
     * key's trail holds it, and nothing else: a reservation whose append timed out, which the backend may have run
     * (or may still run, when it catches up) although the request was refused. Unlike {@link #settle} with {@code
     * null}, it never removes another request's pending entry of the same operation; a store whose append may run
     * after the withdrawal (sent on another connection) keeps the withdrawal of a unique entry for the trail's time
     * to live, so that the append, when it comes, appends nothing. The default withdraws the oldest pending entry of
     * the entry's operation, as {@code settle(key, operation, null)} does.
     */
    default void withdraw(String key, String entry) {
        int status = entry.lastIndexOf('|');
        int operation = status < 1 ? -1 : entry.lastIndexOf('|', status - 1);
        int values = entry.indexOf(VALUES);
        if (values >= 0 && values < operation) {
            operation = values;
        }
        if (operation > 0) {
            settle(key, entry.substring(0, operation), null);
        }
    }

    /**
     * Settles the oldest pending entry ({@code operation|0|millis}, or {@code operation#~token|0|millis} where the
     * store makes {@link #uniqueReservation unique reservations}) of the operation: replaces it with
     * {@code outcome}, or removes it when {@code outcome} is {@code null}. Without a pending entry, a
     * non-null outcome is appended as {@link #append} would.
     */
    void settle(String key, String operation, @Nullable String outcome);

    /**
     * Settles the pending entry {@code reservation} of the operation ({@link #reservation}, as {@link #appendUnless}
     * appended it for the request whose outcome this is): replaces it with {@code outcome}, or removes it when {@code
     * outcome} is {@code null}. A trail that no longer holds it (settled already, or pushed out) gets a non-null
     * outcome appended as {@link #append} would, unless it holds that very entry already. Unlike {@link
     * #settle(String, String, String)} it never settles another request's pending entry of the operation: a store
     * that replays a settlement whose call failed (its backend may have run it) settles this request's step and no
     * other (review132 F4, F5). Without a reservation ({@code null}: a request that kept none) it is {@link
     * #settle(String, String, String)}. The default settles the oldest pending entry of the operation, as that method
     * does.
     */
    default void settle(String key, String operation, @Nullable String reservation, @Nullable String outcome) {
        settle(key, operation, outcome);
    }
}
