package io.github.abuseguard.store;

import java.util.Objects;

/**
 * What stops {@link Trails#appendUnless}: an entry {@code operation|status|millis} (or
 * {@code operation#values|status|millis}) of the given operation, at or after {@code sinceMillis},
 * whose status is pending ({@code 0}) or of the status class ({@code 2} for 2xx; {@code 0} for any).
 *
 * @param operation the operation an entry must name exactly, whatever values follow it
 * @param statusClass the status class that counts, 0 for any; a pending entry always counts
 * @param sinceMillis the earliest entry time that counts
 */
public record TrailBlock(String operation, int statusClass, long sinceMillis) {

    /** @throws IllegalArgumentException if the status class is not 0 to 5 */
    public TrailBlock {
        Objects.requireNonNull(operation, "operation");
        if (statusClass < 0 || statusClass > 5) {
            throw new IllegalArgumentException("statusClass must be 0 to 5, was " + statusClass);
        }
    }

    /** Whether an entry of the trail is one this block looks for. */
    boolean matches(String entry) {
        int second = entry.lastIndexOf('|');
        int first = second < 1 ? -1 : entry.lastIndexOf('|', second - 1);
        int length = operation.length();
        if (first < length
                || !entry.startsWith(operation)
                || (first > length && entry.charAt(length) != Trails.VALUES)) {
            return false;
        }
        long status = digits(entry, first + 1, second, 9);
        long at = digits(entry, second + 1, entry.length(), 18);
        return status >= 0 && at >= sinceMillis && (status == 0 || statusClass == 0 || status / 100 == statusClass);
    }

    /**
     * Whether an entry names the operation and is still pending: {@code operation|0|millis}, or {@code
     * operation#~token|0|millis} ({@link Trails#uniqueReservation}).
     */
    static boolean pending(String entry, String operation) {
        int second = entry.lastIndexOf('|');
        int first = second < 1 ? -1 : entry.lastIndexOf('|', second - 1);
        int length = operation.length();
        return entry.startsWith(operation)
                && (first == length
                        || (first > length + 1
                                && entry.charAt(length) == Trails.VALUES
                                && entry.charAt(length + 1) == Trails.TOKEN))
                && second == first + 2
                && entry.charAt(first + 1) == '0'
                && digits(entry, second + 1, entry.length(), 18) >= 0;
    }

    /**
     * The number written in ASCII digits from {@code from} to {@code to}, at most {@code maxDigits} of
     * them; -1 otherwise. Stricter than {@code Long.parseLong} (no sign, no other scripts' digits), as
     * the Redis store's script reads entries.
     */
    private static long digits(String text, int from, int to, int maxDigits) {
        if (to <= from || to - from > maxDigits) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
