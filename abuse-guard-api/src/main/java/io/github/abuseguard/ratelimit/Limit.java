package io.github.abuseguard.ratelimit;

import io.github.abuseguard.store.BucketLimit;
import java.time.Duration;
import java.util.Objects;

/**
 * One token-bucket limit: at most {@code capacity} tokens, refilled by {@code refillTokens} every
 * {@code period}, either gradually ({@link Refill#GREEDY}) or all at once at the end of each period
 * ({@link Refill#INTERVALLY}). A bucket starts full.
 *
 * @param capacity the most tokens the bucket holds: the burst a client may send at once
 * @param refillTokens how many tokens come back per period
 * @param period the refill period
 * @param refill how the tokens come back
 */
public record Limit(long capacity, long refillTokens, Duration period, Refill refill) {

    /** How tokens come back. */
    public enum Refill {
        /** Token by token, spread evenly over the period: 100 per minute is one every 600 ms. */
        GREEDY,
        /** All at once when each period ends: a fixed window. */
        INTERVALLY
    }

    /**
     * @throws IllegalArgumentException as {@link BucketLimit} does: if capacity, refill tokens or period
     *     is not positive, the period is longer than about 292 years, or more than one token comes back a
     *     nanosecond
     */
    public Limit {
        Objects.requireNonNull(refill, "refill");
        bucketLimit(capacity, refillTokens, period, refill); // the store's limit checks the values once
    }

    /** {@code capacity} requests per {@code period}, refilled gradually. */
    public static Limit of(long capacity, Duration period) {
        return new Limit(capacity, capacity, period, Refill.GREEDY);
    }

    /** This limit as the state store takes it. */
    BucketLimit toBucketLimit() {
        return bucketLimit(capacity, refillTokens, period, refill);
    }

    private static BucketLimit bucketLimit(long capacity, long refillTokens, Duration period, Refill refill) {
        return refill == Refill.GREEDY
                ? BucketLimit.greedy(capacity, refillTokens, period)
                : BucketLimit.intervally(capacity, refillTokens, period);
    }

    /** The window of the {@code RateLimit-Policy} field: the time to refill the whole capacity, in seconds. */
    long windowSeconds() {
        double periods = (double) capacity / refillTokens;
        return Math.max(1, (long) Math.ceil(periods * period.toNanos() / 1e9));
    }
}
