package io.github.abuseguard.store;

import java.util.List;

/**
 * The token bucket of one key in {@link LocalStateStore}: per limit, the tokens it holds and the time
 * its refill has been counted up to. Every operation holds the bucket's own monitor, never a lock shared
 * between keys. The first limit lives in fields and the others in an array, so the usual one-limit
 * bucket is a single 40-byte object.
 *
 * <p>A greedy limit counts refill time only up to the last whole token it added, so the fraction of a
 * token earned so far is kept (at nanosecond precision) rather than lost to rounding.
 */
class LocalBucket {
    private BucketSpec spec;
    private long tokens;
    private long refilledAt;
    /** The {@link #ACCESS_SLICE_SHIFT} slice of time of the last use recorded as the cache entry's access. */
    private int recordedSlice;
    /** Uses since the last one recorded as an access. */
    private byte quietUses;

    /**
     * A use is recorded as an access at least once per slice of {@code 2^30} ns (1.07 s): the cache's
     * expiry after access, lengthened by one slice, then never comes before the bucket has refilled
     * since its true last use.
     */
    static final int ACCESS_SLICE_SHIFT = 30;

    /** The length of a slice of {@link #ACCESS_SLICE_SHIFT}, in nanoseconds. */
    static final long ACCESS_SLICE_NANOS = 1L << ACCESS_SLICE_SHIFT;

    /** One use in this many within a slice is recorded as an access too; a power of two. */
    static final int USES_PER_ACCESS = 8;

    LocalBucket(BucketSpec spec, long now) {
        this.spec = spec;
        this.tokens = spec.limits().get(0).capacity();
        this.refilledAt = now;
        // a bucket is created through the cache, which records that as its access
        this.recordedSlice = (int) (now >> ACCESS_SLICE_SHIFT);
    }

    static LocalBucket create(BucketSpec spec, long now) {
        return spec.limits().size() == 1 ? new LocalBucket(spec, now) : new Multi(spec, now);
    }

    BucketSpec spec() {
        return spec;
    }

    /**
     * Whether the use at {@code now} is to be recorded as the cache entry's access: the first in a new
     * slice of time (so the entry's expiry after access, lengthened by {@link #ACCESS_SLICE_NANOS}, never
     * comes before the bucket refilled since its last use), and one use in {@link #USES_PER_ACCESS}
     * within a slice (so a bucket in use keeps the recency and frequency that keep it through a flood of
     * new keys), and every use that leaves some limit under half its capacity: such a bucket is worth
     * keeping, and a client that empties its bucket without ever being refused would otherwise register
     * as used once or twice, so that a flood of made-up keys used three times each evicted it and gave
     * it a full bucket back (review13). The other uses read the entry quietly: a recorded read feeds the
     * eviction policy through a buffer drained on the request thread, which cost more than the token
     * arithmetic. Not synchronized: a race loses or repeats one count, the bucket's own monitor is taken
     * right before on the same line of memory, and the slice test alone keeps the expiry safe. A slice
     * number repeats after 2^32 slices (146 years), longer than any entry lives unrecorded.
     */
    boolean accessDue(long now) {
        int slice = (int) (now >> ACCESS_SLICE_SHIFT);
        if (slice != recordedSlice || ++quietUses >= USES_PER_ACCESS || underHalf()) {
            recordedSlice = slice;
            quietUses = 0;
            return true;
        }
        return false;
    }

    /** Whether some limit holds less than half its capacity, as of this bucket's last use. */
    private boolean underHalf() {
        List<BucketLimit> limits = spec.limits();
        for (int i = 0; i < limits.size(); i++) {
            if (tokens(i) < limits.get(i).capacity() - tokens(i)) {
                return true;
            }
        }
        return false;
    }

    /** Limit {@code i}'s tokens; {@code i > 0} only in {@link Multi}. */
    long tokens(int i) {
        return tokens;
    }

    long refilledAt(int i) {
        return refilledAt;
    }

    void set(int i, long tokens, long refilledAt) {
        this.tokens = tokens;
        this.refilledAt = refilledAt;
    }

    /**
     * Takes {@code amount} tokens if every limit holds them, after moving to {@code wanted} limits.
     *
     * @return the answer, or {@code null} if this bucket cannot take those limits (one limit against
     *     several) or was replaced: the caller replaces it with {@link #replacedBy} and asks again
     */
    Consumption tryConsume(BucketSpec wanted, long amount, long now) {
        ConsumptionProbe probe = new ConsumptionProbe();
        return tryConsume(wanted, amount, now, probe) ? probe.toConsumption() : null;
    }

    /**
     * Takes {@code amount} tokens as {@link #tryConsume(BucketSpec, long, long)} does, writing the answer
     * into {@code probe}.
     *
     * @return {@code false}, {@code probe} untouched, if this bucket must be replaced first
     */
    synchronized boolean tryConsume(BucketSpec wanted, long amount, long now, ConsumptionProbe probe) {
        if (!moveTo(wanted, now)) {
            return false;
        }
        List<BucketLimit> limits = spec.limits();
        boolean enough = true;
        for (int i = 0; i < limits.size(); i++) {
            refill(i, limits.get(i), now);
            enough &= tokens(i) >= amount;
        }
        long remaining = Long.MAX_VALUE;
        long refillWait = 0;
        long resetWait = 0;
        for (int i = 0; i < limits.size(); i++) {
            BucketLimit limit = limits.get(i);
            long held = tokens(i);
            if (enough) {
                held -= amount;
                set(i, held, refilledAt(i));
            } else {
                refillWait = Math.max(refillWait, nanosUntil(limit, i, amount, now));
            }
            remaining = Math.min(remaining, held);
            resetWait = Math.max(resetWait, nanosUntil(limit, i, limit.capacity(), now));
        }
        probe.set(enough, remaining, refillWait, resetWait);
        return true;
    }

    /**
     * Whether every limit holds {@code amount} tokens now, taking none. A bucket of other limits than {@code wanted}
     * (asked again after a restart with changed settings, or retired) is not read: it may hold them.
     */
    synchronized boolean holds(BucketSpec wanted, long amount, long now) {
        if (wanted != spec) {
            return true;
        }
        List<BucketLimit> limits = spec.limits();
        for (int i = 0; i < limits.size(); i++) {
            refill(i, limits.get(i), now);
            if (tokens(i) < amount) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gives back {@code amount} tokens to every limit, never beyond its capacity.
     *
     * @return {@code false} if this bucket must be replaced first, as for {@link #tryConsume}
     */
    synchronized boolean refund(BucketSpec wanted, long amount, long now) {
        if (!moveTo(wanted, now)) {
            return false;
        }
        List<BucketLimit> limits = spec.limits();
        for (int i = 0; i < limits.size(); i++) {
            BucketLimit limit = limits.get(i);
            refill(i, limit, now);
            long held = tokens(i);
            set(i, held >= limit.capacity() - amount ? limit.capacity() : held + amount, refilledAt(i));
        }
        return true;
    }

    /**
     * A bucket of the {@code wanted} limits holding this bucket's tokens carried over, which retires
     * this one: callers holding it ask the cache again. Called inside the cache's atomic compute.
     */
    synchronized LocalBucket replacedBy(BucketSpec wanted, long now) {
        if (spec != null && fits(wanted)) {
            return this;
        }
        LocalBucket next = create(wanted, now);
        if (spec != null) {
            long[] carried = carried(wanted, now);
            for (int i = 0; i < carried.length; i++) {
                next.set(i, carried[i], now);
            }
            spec = null;
        }
        return next;
    }

    private boolean fits(BucketSpec wanted) {
        return (wanted.limits().size() == 1) == !(this instanceof Multi);
    }

    /**
     * Moves the bucket to other limits, carrying its tokens over additively (see {@link BucketSpec}).
     *
     * @return {@code false} if the bucket was retired or cannot hold that many limits
     */
    private boolean moveTo(BucketSpec wanted, long now) {
        if (wanted == spec) {
            return true;
        }
        if (spec == null || !fits(wanted)) {
            return false;
        }
        if (wanted.equals(spec)) {
            spec = wanted; // the same limits: share one instance, so the next check is a reference compare
            return true;
        }
        long[] carried = carried(wanted, now);
        resize(carried.length);
        spec = wanted;
        for (int i = 0; i < carried.length; i++) {
            set(i, carried[i], now);
        }
        return true;
    }

    private long[] carried(BucketSpec wanted, long now) {
        List<BucketLimit> old = spec.limits();
        List<BucketLimit> limits = wanted.limits();
        long[] carried = new long[limits.size()];
        for (int i = 0; i < limits.size(); i++) {
            long capacity = limits.get(i).capacity();
            if (i < old.size()) {
                refill(i, old.get(i), now);
                long added = Math.max(0, capacity - old.get(i).capacity());
                carried[i] = tokens(i) >= capacity - added ? capacity : tokens(i) + added;
            } else {
                carried[i] = capacity;
            }
        }
        return carried;
    }

    /** Makes room for {@code count} limits, {@code count > 1}: only {@link Multi} holds more than one. */
    void resize(int count) {}

    private void refill(int i, BucketLimit limit, long now) {
        long since = refilledAt(i);
        long elapsed = now - since;
        if (elapsed <= 0) {
            return;
        }
        long held = tokens(i);
        long capacity = limit.capacity();
        if (held >= capacity) {
            set(i, capacity, now);
            return;
        }
        long period = limit.periodNanos();
        long missing = capacity - held;
        if (!limit.greedy()) {
            long periods = elapsed / period;
            if (periods == 0) {
                return;
            }
            if (periods >= (missing + limit.refillTokens() - 1) / limit.refillTokens()) {
                set(i, capacity, since + periods * period);
            } else {
                set(i, held + periods * limit.refillTokens(), since + periods * period);
            }
            return;
        }
        long added = mulDiv(elapsed, limit.refillTokens(), period);
        if (added >= missing) {
            set(i, capacity, now);
        } else if (added > 0) {
            // Count time only up to the last whole token, keeping the fraction of the next one.
            set(i, held + added, since + mulDiv(added, period, limit.refillTokens()));
        }
    }

    /** Nanoseconds from {@code now} until limit {@code i} holds {@code wanted} tokens. */
    private long nanosUntil(BucketLimit limit, int i, long wanted, long now) {
        if (wanted > limit.capacity()) {
            return Long.MAX_VALUE;
        }
        long missing = wanted - tokens(i);
        if (missing <= 0) {
            return 0;
        }
        long period = limit.periodNanos();
        long elapsed = Math.max(0, now - refilledAt(i));
        long needed;
        if (limit.greedy()) {
            needed = mulDivCeil(missing, period, limit.refillTokens());
        } else {
            long periods = (missing + limit.refillTokens() - 1) / limit.refillTokens();
            needed = periods > Long.MAX_VALUE / period ? Long.MAX_VALUE : periods * period;
        }
        return Math.max(1, needed - elapsed);
    }

    /** {@code a * b / c} rounded down, for non-negative operands, saturating instead of overflowing. */
    static long mulDiv(long a, long b, long c) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high == 0 && low >= 0) {
            return low / c;
        }
        double approximate = (double) a * b / c;
        return approximate >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) approximate;
    }

    private static long mulDivCeil(long a, long b, long c) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high == 0 && low >= 0) {
            return low / c + (low % c == 0 ? 0 : 1);
        }
        double approximate = Math.ceil((double) a * b / c);
        return approximate >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) approximate;
    }

    /** A bucket of several limits: limit 0 in the fields, the others in pairs of tokens and time. */
    static final class Multi extends LocalBucket {
        private long[] more;

        Multi(BucketSpec spec, long now) {
            super(spec, now);
            int count = spec.limits().size();
            more = new long[2 * (count - 1)];
            for (int i = 1; i < count; i++) {
                more[2 * (i - 1)] = spec.limits().get(i).capacity();
                more[2 * (i - 1) + 1] = now;
            }
        }

        @Override
        long tokens(int i) {
            return i == 0 ? super.tokens(0) : more[2 * (i - 1)];
        }

        @Override
        long refilledAt(int i) {
            return i == 0 ? super.refilledAt(0) : more[2 * (i - 1) + 1];
        }

        @Override
        void set(int i, long tokens, long refilledAt) {
            if (i == 0) {
                super.set(0, tokens, refilledAt);
            } else {
                more[2 * (i - 1)] = tokens;
                more[2 * (i - 1) + 1] = refilledAt;
            }
        }

        @Override
        void resize(int count) {
            if (more.length != 2 * (count - 1)) {
                more = new long[2 * Math.max(0, count - 1)];
            }
        }
    }
}
