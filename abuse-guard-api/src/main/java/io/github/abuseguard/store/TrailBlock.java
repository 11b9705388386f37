package io.github.abuseguard.store;

import java.util.Objects;

/**
 * What stops {@link Trails#appendUnless}: an entry {@code operation|status|millis} of the given
 * operation, at or after {@code sinceMillis}, whose status is pending ({@code 0}) or of the status
 * class ({@code 2} for 2xx; {@code 0} for any).
 *
 * @param operation the operation an entry must name exactly
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
        int first = second < 0 ? -1 : entry.lastIndexOf('|', second - 1);
        if (first < 0 || !entry.regionMatches(0, operation, 0, first) || first != operation.length()) {
            return false;
        }
        try {
            int status = Integer.parseInt(entry, first + 1, second, 10);
            long at = Long.parseLong(entry, second + 1, entry.length(), 10);
            return at >= sinceMillis && (status == 0 || statusClass == 0 || status / 100 == statusClass);
        } catch (NumberFormatException notAnEntryOfThisForm) {
            return false;
        }
    }

    /** Whether an entry names the operation and is still pending. */
    static boolean pending(String entry, String operation) {
        return entry.length() > operation.length() + 3
                && entry.startsWith(operation)
                && entry.startsWith("|0|", operation.length())
                && entry.indexOf('|', operation.length() + 3) < 0;
    }
}
