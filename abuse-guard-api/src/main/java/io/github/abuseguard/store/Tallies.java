package io.github.abuseguard.store;

import io.github.abuseguard.internal.Durations;

/**
 * Per-key tallies of one namespace; see {@link StateStore#tallies}. What one client did on one rule,
 * kept as one entry so that a request costs one store operation (one round trip on a shared store).
 *
 * <p>Each key holds, in windows the caller numbers (an epoch, such as {@code now / window length}):
 *
 * <ul>
 *   <li>a set of {@code bits} bits, a linear-counting sketch of distinct items: how many bits the
 *       current set window holds, and how many the window just before it held that the current one has not set;
 *   <li>up to {@code slots} counters, all counting in one count window, each named by its slot: an id the
 *       caller chooses, 0 or more. Ids are not positions: callers that number what they count differently
 *       (two instances of an application with a rule's paths in another order) agree when each names a
 *       counter by what it counts (a stable hash of a path template, say);
 *   <li>a mark per slot, lasting up to a count window the caller names.
 * </ul>
 *
 * <p>A key's state is sized by its use, not by the namespace's bounds: counters and marks exist only for
 * the slots the key used, and the set only as large as the bits it holds need (at most {@code bits / 8}
 * bytes in process, and as much again for the window before while the key moves on from it).
 *
 * A window number older than the one a key holds is treated as the one it holds, so racing callers
 * never send a key back in time. The answer of {@link #record} is packed in a {@code long}, read with
 * the static methods of this interface, so that recording allocates nothing.
 */
public interface Tallies {

    /** The most bits a key's set may have. */
    int MAX_BITS = 8192;

    /** The fewest bits a key's set may have. */
    int MIN_BITS = 64;

    /** The most counters (and marks) per key. */
    int MAX_SLOTS = 64;

    /** The highest count a slot reports; it stays there. */
    long MAX_COUNT = (1L << 33) - 1;

    /**
     * Records one event of the key: sets bit {@code bit} of its set in window {@code bitWindow}, and,
     * unless {@code slot} is -1, adds one to the counter of slot {@code slot} in window {@code countWindow}.
     * A set or counters of an older window start again empty; a set that moves on by exactly one window
     * remembers which bits it held, and answers how many of them the new window has not set. A key counts at most {@code slots} slots per count window: the
     * record of a further slot counts nothing and answers a count of 0. One atomic step for the key.
     *
     * @param bit 0 to bits - 1
     * @param slot the counter's id, 0 or more, or -1 to count nothing
     * @return the tally after the event, read with {@link #bits}, {@link #previousBits}, {@link #isNewBit},
     *     {@link #count} and {@link #isMarked}
     * @throws IllegalArgumentException if the bit is out of range, the slot below -1, or a slot given in a
     *     namespace of no counters
     */
    long record(String key, int bit, long bitWindow, int slot, long countWindow);

    /**
     * Marks the key's slot until count window {@code untilWindow}, inclusive, replacing an earlier mark of
     * the slot. A key holds at most {@code slots} marks: marks that ended make room, and a further mark is
     * not kept.
     *
     * @throws IllegalArgumentException if the slot is below -1, or given in a namespace of no counters
     */
    void mark(String key, int slot, long untilWindow);

    /** How many bits the key's set holds in the recorded window. */
    static int bits(long tally) {
        return (int) (tally & 0x3fff);
    }

    /**
     * How many bits the key's set held in the window just before the recorded one that the recorded window has not set
     * again; 0 if it had none. A bit set in both windows is counted once, by {@link #bits} (probe73c F1, stop 69: a
     * reader of the same twenty resources every minute counted as forty after each window's start).
     */
    static int previousBits(long tally) {
        return (int) ((tally >>> 14) & 0x3fff);
    }

    /** Whether the recorded bit was not set before in its window. */
    static boolean isNewBit(long tally) {
        return (tally & (1L << 28)) != 0;
    }

    /** Whether the recorded slot's mark lasts to the recorded count window or beyond. */
    static boolean isMarked(long tally) {
        return (tally & (1L << 29)) != 0;
    }

    /** The recorded slot's count in its window, at most {@link #MAX_COUNT}; 0 when no slot was recorded. */
    static long count(long tally) {
        return tally >>> 30;
    }

    /** A flag of {@link #tally}: the recorded bit was not set before in its window ({@link #isNewBit}). */
    int NEW_BIT = 1;

    /** A flag of {@link #tally}: the recorded slot's mark lasts to the recorded count window ({@link #isMarked}). */
    int MARKED = 2;

    /** A flag of {@link #tally}: none of them, for an old bit of an unmarked slot. */
    int NO_FLAGS = 0;

    /**
     * Packs a tally; for implementations. Values out of range are clipped to their field.
     *
     * @param flags {@link #NEW_BIT} and {@link #MARKED}, or'ed, or {@link #NO_FLAGS}
     * @throws IllegalArgumentException if flags holds any other bit
     */
    static long tally(int bits, int previousBits, int flags, long count) {
        if ((flags & ~(NEW_BIT | MARKED)) != 0) {
            throw new IllegalArgumentException("flags must be NEW_BIT and MARKED or'ed, was " + flags);
        }
        return Math.min(bits, 0x3fff)
                | (long) Math.min(previousBits, 0x3fff) << 14
                | (long) flags << 28
                | Math.min(Math.max(count, 0), MAX_COUNT) << 30;
    }

    /** Checks the bit and slot arguments of {@link #record} and {@link #mark}; for implementations. */
    static void requireInRange(int bit, int bits, int slot, int slots) {
        if (bit < 0 || bit >= bits) {
            throw new IllegalArgumentException("bit must be 0 to " + (bits - 1) + ", was " + bit);
        }
        if (slot < -1) {
            throw new IllegalArgumentException("slot must be -1 or more, was " + slot);
        }
        if (slot >= 0 && slots == 0) {
            throw new IllegalArgumentException("slot must be -1 in tallies without counters, was " + slot);
        }
    }

    /**
     * Checks the arguments of {@link StateStore#tallies}; for implementations.
     *
     * @throws IllegalArgumentException if bits is not a power of two from {@value #MIN_BITS} to
     *     {@value #MAX_BITS}, slots is outside 0 to {@value #MAX_SLOTS}, or the time to live not positive
     */
    static void requireSpec(int bits, int slots, java.time.Duration ttl) {
        if (bits < MIN_BITS || bits > MAX_BITS || Integer.bitCount(bits) != 1) {
            throw new IllegalArgumentException(
                    "bits must be a power of two from " + MIN_BITS + " to " + MAX_BITS + ", was " + bits);
        }
        if (slots < 0 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("slots must be 0 to " + MAX_SLOTS + ", was " + slots);
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + Durations.written(ttl));
        }
    }
}
