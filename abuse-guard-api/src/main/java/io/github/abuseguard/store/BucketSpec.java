package io.github.abuseguard.store;

import java.util.List;
import java.util.Objects;

/**
 * The limits of every bucket of a {@link TokenBuckets} namespace: one or more {@link BucketLimit}s,
 * all of which must hold the tokens a request takes.
 *
 * <p>Its {@link #identity()} names the limits: two specifications with the same limits in the same
 * order have the same identity, others differ. A store that finds a bucket made under another identity
 * moves it to these limits on its next use, carrying its tokens over additively, limit by limit in
 * order: a lowered capacity caps them at once, a raised capacity adds the difference, and a limit with
 * no counterpart starts full.
 *
 * @param limits the limits, at least one and at most {@value #MAX_LIMITS}
 * @param sharedByOthers whether other clients' requests spend a key's bucket: a key a client may send for another
 *     (a user name, a mailbox: probe45b F3) or one many clients share (a site-wide cap, a network, an allocation:
 *     probe75b F1). A store that remembers a key's refusal to save round trips then remembers it only briefly, as
 *     another client's refunded requests may have filled the bucket again meanwhile
 */
public record BucketSpec(List<BucketLimit> limits, boolean sharedByOthers) {

    /** The most limits one bucket may have. */
    public static final int MAX_LIMITS = 16;

    /** @throws IllegalArgumentException if there is no limit or more than {@value #MAX_LIMITS} */
    public BucketSpec {
        limits = List.copyOf(Objects.requireNonNull(limits, "limits"));
        if (limits.isEmpty() || limits.size() > MAX_LIMITS) {
            throw new IllegalArgumentException(
                    "a bucket needs 1 to " + MAX_LIMITS + " limits, was given " + limits.size());
        }
    }

    /** Buckets of the given limits, each key the client's own. */
    public BucketSpec(List<BucketLimit> limits) {
        this(limits, false);
    }

    /** A bucket of the given limits. */
    public static BucketSpec of(BucketLimit... limits) {
        return new BucketSpec(List.of(limits));
    }

    /**
     * A stable name of the limits, such as {@code 100/100/60000000000/g}: capacity, refill tokens,
     * period in nanoseconds and {@code g} (greedy) or {@code i} (intervally), joined by commas.
     */
    public String identity() {
        StringBuilder identity = new StringBuilder();
        for (BucketLimit limit : limits) {
            if (identity.length() > 0) {
                identity.append(',');
            }
            identity.append(limit.capacity())
                    .append('/')
                    .append(limit.refillTokens())
                    .append('/')
                    .append(limit.periodNanos())
                    .append('/')
                    .append(limit.greedy() ? 'g' : 'i');
        }
        return identity.toString();
    }

    /** The longest any limit takes to refill from empty to full, in nanoseconds: how long state must be kept. */
    public long nanosToFill() {
        long longest = 1;
        for (BucketLimit limit : limits) {
            longest = Math.max(longest, limit.nanosToFill());
        }
        return longest;
    }
}
