package io.github.abuseguard.store;

import io.github.abuseguard.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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

    /**
     * Bans each key of {@code ttls} for its own time to live, as {@link #ban} does each, in one step where the
     * store can: one round trip on a shared store, however many keys. The default bans them one by one.
     *
     * @throws IllegalArgumentException if a time to live is not positive; then no key is banned
     */
    default void banAll(Map<String, Duration> ttls) {
        for (Duration ttl : ttls.values()) {
            requirePositive(ttl);
        }
        for (Map.Entry<String, Duration> entry : ttls.entrySet()) {
            ban(entry.getKey(), entry.getValue());
        }
    }

    /** Whether the key is banned now. */
    boolean isBanned(String key);

    /**
     * Whether the key is banned now, as {@link #isBanned}, for a namespace whose entries are worth no more
     * than setting them again, such as the proof a client gives again when it is lost: a store that evicts
     * entries by how often they are read (the local store) may record only a sample of these reads, so
     * that a read on every request is a look-up and writes nothing that other request threads share.
     * Under a flood of new keys an entry read this way may then be evicted somewhat sooner. Not for a ban
     * a client must not be able to lift by flooding the store. The default is {@link #isBanned}.
     */
    default boolean isBannedSampled(String key) {
        return isBanned(key);
    }

    /**
     * Whether the key is banned now and, only if it is not, what {@link Counters#addAndGet
     * counters.addAndGet(countKey, delta, otherKey)} does: the check and count of one request of a rule
     * that counts every request, in one step where the store can (one round trip on a shared store, atomic
     * there). {@code counters} should come from the same store; the default makes the two calls.
     *
     * @return {@code null} when the key is banned (nothing is counted), else the two counts of {@link
     *     Counters#addAndGet}
     */
    default long @Nullable [] addAndGetUnlessBanned(
            String key, Counters counters, String countKey, long delta, String otherKey) {
        if (isBanned(key)) {
            return null;
        }
        return counters.addAndGet(countKey, delta, otherKey);
    }

    /**
     * Whether the key is banned now and, only if it is not, {@link Counters#get counters.get(countKey)}: a look-up of
     * one count with the ban, in one step where the store can (one round trip on a shared store). {@code counters}
     * should come from the same store; the default makes the two calls.
     *
     * @return -1 when the key is banned (nothing is read), else the count under {@code countKey}
     */
    default long getUnlessBanned(String key, Counters counters, String countKey) {
        return isBanned(key) ? -1 : counters.get(countKey);
    }

    /**
     * Whether the key is banned now and, only if it is not, what {@link Counters#reserve counters.reserve(...)}
     * does: the ban looked up and an in-flight slot taken in one step where the store can (one round trip on a shared
     * store, atomic there; it was two for every failure rule of a request). {@code counters} should come from the
     * same store; the default makes the two calls, and tells a slot refused by a ban set meanwhile (by the failures
     * of the requests that held the slots) by looking the ban up again.
     *
     * @return {@link SlidingWindows.Reservation#BANNED} (nothing is taken), {@link
     *     SlidingWindows.Reservation#TAKEN}, or {@link SlidingWindows.Reservation#FULL}
     */
    default SlidingWindows.Reservation reserveUnlessBanned(
            String key,
            Counters counters,
            String reserved,
            String reservedBefore,
            String current,
            String previous,
            long previousPart,
            long whole,
            long limit) {
        if (isBanned(key)) {
            return SlidingWindows.Reservation.BANNED;
        }
        if (counters.reserve(reserved, reservedBefore, current, previous, previousPart, whole, limit)) {
            return SlidingWindows.Reservation.TAKEN;
        }
        return isBanned(key) ? SlidingWindows.Reservation.BANNED : SlidingWindows.Reservation.FULL;
    }

    /**
     * How long the key's ban still lasts: {@link Duration#ZERO} when it has none. A store layered on this
     * one ({@link ResilientStateStore}) asks it once per ban it sees, to keep a copy of the ban for an
     * outage. The default looks the key up in {@link #active active(MAX_LISTED)}, which lists every ban of
     * a namespace of up to {@value #MAX_LISTED} bans; an implementation that can look a key up by itself
     * should.
     */
    default Duration remaining(String key) {
        if (!isBanned(key)) {
            return Duration.ZERO;
        }
        for (BannedKey banned : active(MAX_LISTED)) {
            if (banned.key().equals(key)) {
                return banned.remaining();
            }
        }
        return Duration.ZERO;
    }

    /**
     * How long each key's ban still lasts, as {@link #remaining(String)} answers for it ({@link Duration#ZERO} for
     * a key without one), in one step where the store can: one round trip on a shared store, however many keys.
     * The default asks for each key in turn.
     *
     * @return a new list of one duration per key, in the order of {@code keys}
     */
    default List<Duration> remainingAll(List<String> keys) {
        List<Duration> remaining = new ArrayList<>(keys.size());
        for (String key : keys) {
            remaining.add(remaining(key));
        }
        return remaining;
    }

    /** Lifts a key's ban, if it has one. */
    void lift(String key);

    /**
     * How many lifts by hand ({@link #liftEverywhere}) of this namespace this instance made or heard of ({@link
     * StateStore#listenForLifts}) on a shared store: what a caller remembers of a ban (its end) holds while this has
     * not changed (probe67a F2: an instance told a ban lifted
     * elsewhere and set again the first ban's time left). The default, for a store in process, whose lifts its caller
     * makes itself, is 0.
     */
    default long liftsSeen() {
        return 0;
    }

    /**
     * Lifts a key's ban as an operator does: also the copies other instances hold of it to refuse the key during an
     * outage and to write it back after the shared store lost its data (probe52a F1: a ban lifted by hand came back
     * from another instance's copy when Redis restarted empty). A shared store tells the other instances ({@link
     * StateStore#listenForLifts}); the default lifts the ban alone.
     */
    default void liftEverywhere(String key) {
        lift(key);
    }

    /**
     * The bans in force now, wherever they were set (on a shared store, by any instance), soonest to end
     * first, at most {@code limit} of them.
     *
     * @throws IllegalArgumentException if {@code limit} is not between 1 and {@value #MAX_LISTED}
     */
    List<BannedKey> active(int limit);

    private static void requirePositive(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + Durations.written(ttl));
        }
    }

    /**
     * The bans in force now that end more than {@code endingAfter} from now, as {@link #active} lists them,
     * soonest to end first, at most {@code limit} of them: a caller that listed the bans ending sooner already
     * (bans that all last as long, set since its last listing) reads the others, however many the first were.
     * A duration that is not positive lists what {@link #active} does. The default lists {@link #active
     * active(MAX_LISTED)} and skips those that end sooner, so it reaches only the first {@value #MAX_LISTED}
     * bans; an implementation that can start its listing there should.
     *
     * @throws IllegalArgumentException if {@code limit} is not between 1 and {@value #MAX_LISTED}
     */
    default List<BannedKey> active(int limit, Duration endingAfter) {
        requireListLimit(limit);
        if (endingAfter.isNegative() || endingAfter.isZero()) {
            return active(limit);
        }
        List<BannedKey> later = new ArrayList<>();
        for (BannedKey banned : active(MAX_LISTED)) {
            if (banned.remaining().compareTo(endingAfter) > 0 && later.size() < limit) {
                later.add(banned);
            }
        }
        return later;
    }

    /**
     * The bans in force now that end more than {@code endingAfter} from now, latest to end first, at most
     * {@code limit} of them: of bans that all last as long, the ones set most recently. A caller that must
     * bound what it reads takes the newest (the crowd that is failing now) rather than the oldest. A duration
     * that is not positive lists every ban in force. The default lists {@link #active active(MAX_LISTED)} and
     * reverses it, so it reaches only the first {@value #MAX_LISTED} bans; an implementation that can list
     * from the latest end should.
     *
     * @throws IllegalArgumentException if {@code limit} is not between 1 and {@value #MAX_LISTED}
     */
    default List<BannedKey> latest(int limit, Duration endingAfter) {
        requireListLimit(limit);
        List<BannedKey> all = active(MAX_LISTED, endingAfter);
        List<BannedKey> latest = new ArrayList<>(Math.min(limit, all.size()));
        for (int i = all.size() - 1; i >= 0 && latest.size() < limit; i--) {
            latest.add(all.get(i));
        }
        return latest;
    }

    /** Checks the {@code limit} argument of {@link #active}; for implementations. */
    static int requireListLimit(int limit) {
        if (limit < 1 || limit > MAX_LISTED) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LISTED + ", was " + limit);
        }
        return limit;
    }
}
