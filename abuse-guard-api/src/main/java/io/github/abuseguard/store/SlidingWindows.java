package io.github.abuseguard.store;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Sliding-window counts per key of one namespace, with in-flight slots and bans; see {@link
 * StateStore#slidingWindows}. What a rule that bans keys for their counted events keeps per key, so that a
 * store can keep it as one entry and answer a request's check with one look-up.
 *
 * <p>A key's sliding count is the count of the current window plus the previous window's count weighted by
 * how much of the previous window still lies within a window's length of now, rounded up, so that an event
 * never leaves the count earlier than it should. Windows are numbered from the caller's clock: {@code
 * nowMillis} divided by the window's length.
 *
 * <p>A key may hold in-flight slots ({@link #reserve}): events that are being decided and will be counted or
 * given back. A slot belongs to the window it was taken in; one a caller never gave back (a request that
 * crashed) lapses when that window is neither the current nor the previous one: one to two windows after it
 * was taken, each slot on its own, so that a key always holding some slots never has them all lapse at
 * once. A caller gives a slot back with the time it took it, so that a lapsed slot gives back nothing and
 * never frees a slot another request holds.
 */
public interface SlidingWindows {

    /** What {@link #reserve} did. */
    enum Reservation {
        /** A slot was taken; give it back with {@link #release} or {@link #settle}. */
        TAKEN,
        /** No slot: the key's sliding count and the slots it holds reach the limit. */
        FULL,
        /** No slot: the key is banned. */
        BANNED
    }

    /** Counts one event of the key; returns its sliding count including the event. */
    long add(String key, long nowMillis);

    /**
     * Counts one event of the key unless it is banned, in one step (one round trip on a shared store).
     *
     * @return the sliding count including the event, or -1 when the key is banned (nothing counted)
     */
    long addUnlessBanned(String key, long nowMillis);

    /**
     * Takes an in-flight slot for the key unless it is banned or its sliding count plus the slots it holds
     * reach {@code limit}, atomically against other reservations of the key: at most {@code limit} events
     * are counted or in flight at once.
     */
    Reservation reserve(String key, long nowMillis, long limit);

    /**
     * Gives back a slot taken with {@link #reserve} at {@code reservedAtMillis}; a slot that has lapsed, or a
     * key holding none, gives back nothing.
     */
    void release(String key, long reservedAtMillis, long nowMillis);

    /**
     * Counts one event of the key and gives back a slot it took at {@code reservedAtMillis} (as {@link
     * #release} does), in one step: the count is added before the slot is given back, so the two never
     * briefly count for less.
     *
     * @return the sliding count including the event
     */
    long settle(String key, long reservedAtMillis, long nowMillis);

    /** The key's sliding count now; 0 for a key with no events. */
    long count(String key, long nowMillis);

    /** Whether the key is banned now. */
    boolean isBanned(String key);

    /**
     * Whether the key is banned now and, only if it is not, {@code counters.get(countKey)}: a distinct rule's "is this
     * pair one it has seen?" with the ban of the rule's key, in one step where the store can (one round trip on a
     * shared store; it was two for each distinct rule of a request whose pair had failed before). {@code counters}
     * should come from the same store; the default makes the two calls.
     *
     * @return -1 when the key is banned, else the count under {@code countKey}
     */
    default long getUnlessBanned(String key, Counters counters, String countKey) {
        return isBanned(key) ? -1 : counters.get(countKey);
    }

    /**
     * How long the key's ban still lasts: {@link Duration#ZERO} when it has none. A ban set again with a
     * longer time to live (escalating bans) answers its own end, not the first ban's. The default, for a store
     * that cannot tell, answers {@code null}: a refusal then says the rule's ban time.
     */
    default @Nullable Duration banRemaining(String key) {
        return null;
    }

    /** See {@link Bans#liftsSeen}; the default, for a store in process, is 0. */
    default long liftsSeen() {
        return 0;
    }

    /**
     * Bans the key for {@code ttl}, replacing any ban it has; its counts and slots are kept.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive
     */
    void ban(String key, Duration ttl);

    /**
     * Bans the key for {@code ttl} as {@link #ban} does, and forgets its counts, in the way fail2ban's ban does: the
     * key's first event after the ban starts a new count, so a ban shorter than the window ends when it says (user66
     * F2: with the failures kept, a ban-time of one minute under a find-time of ten went on as refusals of requests
     * "in flight" until the failures slid out of the window). Slots in flight are kept. The default, for a store
     * written before this method, bans and keeps the counts.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive
     */
    default void banAfresh(String key, Duration ttl, long nowMillis) {
        ban(key, ttl);
    }

    /**
     * Lifts the key's ban as an operator does ({@link Bans#liftEverywhere}: on a shared store, also the copies
     * other instances keep of it) and forgets its counts, so that its next event starts a new count: a ban lifted
     * with the counts kept would be set again by the key's next event (probe52d F2). Slots in flight are kept.
     */
    void lift(String key, long nowMillis);

    /**
     * The keys banned now, soonest to end first, at most {@code limit}, as {@link Bans#active} lists them (on a shared
     * store, set by any instance, a key that names others listed by its digest): what an operator reads to find whom a
     * rule locked out.
     *
     * @throws IllegalArgumentException if {@code limit} is not between 1 and {@value Bans#MAX_LISTED}
     */
    java.util.List<BannedKey> active(int limit);
}
