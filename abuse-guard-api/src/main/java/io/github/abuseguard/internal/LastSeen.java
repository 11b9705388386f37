package io.github.abuseguard.internal;

import org.jspecify.annotations.Nullable;

/**
 * The answers last given for a few strings, in a fixed number of slots chosen by a string's length,
 * middle and last character: a hit costs a string compare (length, then characters) where a hash
 * table would first hash every character of a string that is new on each request (a header, a path).
 * A slot holds one string; another string of the same slot replaces it.
 *
 * <p>Only for answers that depend on the string alone (a user agent's verdict, a path's route): a slot
 * can then only answer what computing it again would. Written without a lock: an entry is immutable and
 * published through its final fields, and a race loses one entry, which the caller computes again.
 *
 * @param <V> the answer
 */
public final class LastSeen<V> {
    private final Entry<V>[] slots;

    private record Entry<V>(String key, V value) {}

    /**
     * A table of {@code slots} slots, a power of two: it holds at most that many strings.
     *
     * @throws IllegalArgumentException if {@code slots} is not a positive power of two
     */
    @SuppressWarnings("unchecked")
    public LastSeen(int slots) {
        if (slots < 1 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a positive power of two, was " + slots);
        }
        this.slots = (Entry<V>[]) new Entry<?>[slots];
    }

    /** The answer last put for {@code key}, or {@code null} if its slot holds another string or none. */
    public @Nullable V get(String key) {
        Entry<V> entry = slots[slot(key)];
        return entry != null && entry.key().equals(key) ? entry.value() : null;
    }

    /** Puts {@code value} as the answer for {@code key}, in place of what its slot held. */
    public void put(String key, V value) {
        slots[slot(key)] = new Entry<>(key, value);
    }

    private int slot(String key) {
        int length = key.length();
        int mix = length == 0 ? 0 : (length * 31 + key.charAt(length >> 1)) * 31 + key.charAt(length - 1);
        return mix & (slots.length - 1);
    }
}
