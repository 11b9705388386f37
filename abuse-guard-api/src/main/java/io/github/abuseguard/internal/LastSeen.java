package io.github.abuseguard.internal;

import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The answers last given for a few strings, in a fixed number of slots chosen by a string's length,
 * middle and last character: a hit costs a string compare (length, then characters) where a hash
 * table would first hash every character of a string that is new on each request (a header, a path).
 * A slot holds one string; another string of the same slot replaces it when {@link #put put}, and one
 * time in {@value #REPLACE_ONE_IN} when {@link #offer offered}: traffic of more strings than slots (paths
 * with ids, a rotation of user agents) then allocates an entry on one miss in {@value #REPLACE_ONE_IN},
 * not on every request.
 *
 * <p>A hit is not told to the cache behind the table: the cache evicts only as new strings arrive, and
 * new strings pass through the slots, pushing the strings there back to the cache's (sampled) reads
 * now and then, which keeps their frequency known to its admission policy.
 *
 * <p>Only for answers that depend on the string alone (a user agent's verdict, a path's route): a slot
 * can then only answer what computing it again would. Written without a lock: an entry is immutable and
 * published through its final fields, and a race loses one entry, which the caller computes again.
 *
 * @param <V> the answer
 */
public final class LastSeen<V> {
    /** An occupied slot takes an offered string one time in this many; a power of two. */
    static final int REPLACE_ONE_IN = 8;

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

    /** Puts {@code value} as the answer for {@code key}, in place of what its slot held; {@link #offer} for callers. */
    void put(String key, V value) {
        slots[slot(key)] = new Entry<>(key, value);
    }

    /**
     * Puts {@code value} as the answer for {@code key} if its slot is empty, and otherwise one time in
     * {@value #REPLACE_ONE_IN}, in place of what the slot held.
     */
    public void offer(String key, V value) {
        int slot = slot(key);
        if (slots[slot] == null || (ThreadLocalRandom.current().nextInt() & (REPLACE_ONE_IN - 1)) == 0) {
            slots[slot] = new Entry<>(key, value);
        }
    }

    private int slot(String key) {
        int length = key.length();
        int mix = length == 0 ? 0 : (length * 31 + key.charAt(length >> 1)) * 31 + key.charAt(length - 1);
        return mix & (slots.length - 1);
    }
}
