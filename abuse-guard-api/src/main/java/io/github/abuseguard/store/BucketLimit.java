package io.github.abuseguard.store;

import java.time.Duration;
import java.util.Objects;

/**
 * One limit of a token bucket: at most {@code capacity} tokens, refilled by {@code refillTokens} every
 * {@code period}, either gradually (greedy: token by token, spread evenly over the period) or all at
 * once when each period ends (intervally: a fixed window). A bucket starts full.
 *
 * @param capacity the most tokens the limit holds, at least 1
 * @param refillTokens how many tokens come back per period, at least 1
 * @param period the refill period, positive and at most 10 years
 * @param greedy {@code true} when tokens come back gradually, {@code false} when all at once per period
 */
public record BucketLimit(long capacity, long refillTokens, Duration period, boolean greedy) {

    /** The longest refill period accepted: ten years, so nanosecond arithmetic cannot overflow. */
    public static final Duration MAX_PERIOD = Duration.ofDays(3653);

    /**
     * @throws IllegalArgumentException if capacity or refill tokens is not positive, or the period is
     *     not positive or longer than {@link #MAX_PERIOD}
     */
    public BucketLimit {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        if (refillTokens < 1) {
            throw new IllegalArgumentException("refill tokens must be positive, was " + refillTokens);
        }
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero() || period.compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("period must be positive and at most " + MAX_PERIOD + ", was " + period);
        }
    }

    /** A limit whose tokens come back one by one, spread evenly over the period. */
    public static BucketLimit greedy(long capacity, long refillTokens, Duration period) {
        return new BucketLimit(capacity, refillTokens, period, true);
    }

    /** A limit whose tokens come back all at once at the end of each period. */
    public static BucketLimit intervally(long capacity, long refillTokens, Duration period) {
        return new BucketLimit(capacity, refillTokens, period, false);
    }

    /** The refill period in nanoseconds. */
    public long periodNanos() {
        return period.toNanos();
    }

    /** The longest this limit takes to refill from empty to full, in nanoseconds. */
    public long nanosToFill() {
        long periods = (capacity + refillTokens - 1) / refillTokens;
        double nanos = (double) periods * periodNanos();
        return nanos >= Long.MAX_VALUE / 2.0 ? Long.MAX_VALUE / 2 : (long) nanos;
    }
}
