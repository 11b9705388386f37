package io.github.abuseguard.store;

import io.github.abuseguard.internal.Durations;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One limit of a token bucket: at most {@code capacity} tokens, refilled by {@code refillTokens} every
 * {@code period}, either gradually (greedy: token by token, spread evenly over the period) or all at
 * once when each period ends (intervally: a fixed window). A bucket starts full.
 *
 * <p>Built by {@link #greedy} or {@link #intervally}, which name the refill at the call site; a value:
 * two limits are equal when capacity, refill tokens, period and refill are.
 */
public final class BucketLimit {
    private final long capacity;
    private final long refillTokens;
    private final Duration period;
    private final boolean greedy;

    private BucketLimit(long capacity, long refillTokens, Duration period, boolean greedy) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        if (refillTokens < 1) {
            throw new IllegalArgumentException("refill tokens must be positive, was " + refillTokens);
        }
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, was " + Durations.written(period));
        }
        long nanos;
        try {
            nanos = period.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("period must be at most 292 years, was " + Durations.written(period), e);
        }
        if (refillTokens > nanos) {
            throw new IllegalArgumentException(
                    refillTokens + " tokens per " + period + " is more than one token a nanosecond");
        }
        this.capacity = capacity;
        this.refillTokens = refillTokens;
        this.period = period;
        this.greedy = greedy;
    }

    /**
     * A limit whose tokens come back one by one, spread evenly over the period.
     *
     * @param capacity the most tokens the limit holds, at least 1
     * @param refillTokens how many tokens come back per period, at least 1
     * @param period the refill period, positive and at most a {@code long} of nanoseconds (about 292 years)
     * @throws IllegalArgumentException if capacity or refill tokens is not positive, the period is not
     *     positive or does not fit a {@code long} of nanoseconds, or more than one token comes back a
     *     nanosecond
     */
    public static BucketLimit greedy(long capacity, long refillTokens, Duration period) {
        return new BucketLimit(capacity, refillTokens, period, true);
    }

    /**
     * A limit whose tokens come back all at once at the end of each period (a fixed window).
     *
     * @throws IllegalArgumentException as {@link #greedy} does
     */
    public static BucketLimit intervally(long capacity, long refillTokens, Duration period) {
        return new BucketLimit(capacity, refillTokens, period, false);
    }

    /** The most tokens the limit holds, at least 1. */
    public long capacity() {
        return capacity;
    }

    /** How many tokens come back per period, at least 1. */
    public long refillTokens() {
        return refillTokens;
    }

    /** The refill period, positive. */
    public Duration period() {
        return period;
    }

    /** {@code true} when tokens come back gradually ({@link #greedy}), {@code false} when all at once per period. */
    public boolean greedy() {
        return greedy;
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

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof BucketLimit that
                && capacity == that.capacity
                && refillTokens == that.refillTokens
                && greedy == that.greedy
                && period.equals(that.period);
    }

    @Override
    public int hashCode() {
        return Objects.hash(capacity, refillTokens, period, greedy);
    }

    @Override
    public String toString() {
        return "BucketLimit[capacity=" + capacity + ", refillTokens=" + refillTokens + ", period=" + period
                + ", greedy=" + greedy + "]";
    }
}
