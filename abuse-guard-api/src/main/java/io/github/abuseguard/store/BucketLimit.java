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
 * @param period the refill period, positive and at most a {@code long} of nanoseconds (about 292 years)
 * @param greedy {@code true} when tokens come back gradually, {@code false} when all at once per period
 */
public record BucketLimit(long capacity, long refillTokens, Duration period, boolean greedy) {

    /**
     * @throws IllegalArgumentException if capacity or refill tokens is not positive, the period is not
     *     positive or does not fit a {@code long} of nanoseconds, or more than one token comes back a
     *     nanosecond
     */
    public BucketLimit {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        if (refillTokens < 1) {
            throw new IllegalArgumentException("refill tokens must be positive, was " + refillTokens);
        }
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
        long nanos;
        try {
            nanos = period.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("period must be at most 292 years, was " + period, e);
        }
        if (refillTokens > nanos) {
            throw new IllegalArgumentException(
                    refillTokens + " tokens per " + period + " is more than one token a nanosecond");
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
