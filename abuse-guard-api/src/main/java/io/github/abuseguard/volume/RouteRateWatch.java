package io.github.abuseguard.volume;

import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.Tallies;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The per-client request rates of one route template of a rule, against the template's learned
 * distribution; see {@link RateBaseline}.
 *
 * <p>In the store: each client's count per window is a slot of the rule's {@link Tallies} (counted by the
 * guard's one record per request), and a log-bucket histogram of the clients' counts per window sits in
 * the rule's rate counters ({@code h<template id>@<epoch>#<bucket>}, {@value #BUCKETS} buckets, four per
 * doubling, so a quantile is known within 25%): a client moves from one bucket to the next when its count
 * crosses a bucket's bound, which after its first eight requests happens at most four times per doubling;
 * these moves are counted here and added to the store in batches of {@value #HISTOGRAM_BATCH}, at the first
 * request at least a second (or a tenth of the window, if shorter) after the last addition, before the
 * histogram is read, and for the window that ended at the first request of the next, so that they do not
 * cost a store operation each and a quiet route's counts still reach other instances within about a second.
 * Moves are held per window (two windows, by the parity of their number) and always added to the window they
 * were counted in: a flush after a window ended never moves the last requests of the finished window into the
 * next, which would lower the finished window's tail and lift the next one's.
 * A client over the bound is marked in its tally for the rest of the window and the next, and no longer
 * counted in the histogram. So a template costs {@value #BUCKETS} counters per window, two windows alive,
 * and a client eight bytes in its tally per template it requested in the window. The learned baseline lives in this instance, an exponentially
 * weighted mean of each finished window's quantiles (only of windows with at least {@value #MIN_CLIENTS}
 * clients, so that a lone client cannot make the population's baseline), and can be exported and imported.
 */
final class RouteRateWatch {
    /** How much a finished window moves the baseline: about the last 20 windows dominate. */
    static final double LEARNING_RATE = 0.1;
    /** Moves between buckets counted here before they are added to the store's histogram. */
    static final int HISTOGRAM_BATCH = 64;

    /** Buckets of the histogram; counts from 57,344 on share the last. */
    static final int BUCKETS = 64;
    /** The fewest clients a window needs to be learned: fewer say nothing about a population. */
    static final int MIN_CLIENTS = 10;

    /** What the template's per-client counts per window look like normally. */
    record Quantiles(double p50, double p90, double p99, double clients, long windows) {
        static final Quantiles NONE = new Quantiles(0, 0, 0, 0, 0);

        /** @param window p50, p90, p99 and the number of clients of a finished window */
        Quantiles learn(double[] window) {
            if (windows == 0) {
                return new Quantiles(window[0], window[1], window[2], window[3], 1);
            }
            return new Quantiles(
                    p50 + LEARNING_RATE * (window[0] - p50),
                    p90 + LEARNING_RATE * (window[1] - p90),
                    p99 + LEARNING_RATE * (window[2] - p99),
                    clients + LEARNING_RATE * (window[3] - clients),
                    windows + 1);
        }
    }

    /** The most a learned window's p90 and p99 may be, as a multiple of that window's median. */
    static final double TAIL_CAP = 8;

    /** The most a learned window's quantile may be, as a multiple of the baseline learned before it. */
    static final double GROWTH_CAP = 2;

    private final RateBaseline settings;
    private final Counters counts;
    private final long windowMillis;
    private final String histogram;
    /**
     * Moves between the histogram's buckets not yet added to the store, per bucket, for the windows of even
     * ({@code 0..BUCKETS-1}) and odd number ({@code BUCKETS..2*BUCKETS-1}).
     */
    private final AtomicLongArray pending = new AtomicLongArray(2 * BUCKETS);

    /** How many moves each of the two windows holds back. */
    private final AtomicIntegerArray pendingMoves = new AtomicIntegerArray(2);
    /** The longest this instance holds moves back: a second, or a tenth of the window if shorter. */
    private final long flushMillis;

    /** When the last flush for time happened (epoch ms). */
    private volatile long lastFlushAt;

    private final AtomicLong lastEpoch = new AtomicLong(Long.MIN_VALUE);
    private volatile Quantiles baseline = Quantiles.NONE;
    /** The bound before the population scale, max(floor, multiplier × p99); infinite while learning. */
    private volatile double plainBound = Double.POSITIVE_INFINITY;

    private volatile double lastWindowMedian;
    private volatile long scaleComputedAt = Long.MIN_VALUE;
    private volatile double scale = 1.0;

    /**
     * @param template the template's id, the same on every instance however the rule's paths are ordered
     * @param counts the rule's rate counters, shared by its templates, with a window of two rate windows
     */
    RouteRateWatch(int template, RateBaseline settings, Counters counts) {
        this.settings = settings;
        this.windowMillis = settings.window().toMillis();
        this.flushMillis = Math.max(1, Math.min(1000, windowMillis / 10));
        this.counts = counts;
        this.histogram = "h" + template + "@";
    }

    /** The window number of a time: the count window the guard records the client's request in. */
    long epoch(long nowMillis) {
        return Math.floorDiv(nowMillis, windowMillis);
    }

    /**
     * Judges one request of a client from its tally, which counted the request in this template's slot
     * for {@link #epoch(long) epoch}.
     *
     * @return true when the client is over the bound now, or was marked over within the last window; when
     *     the tally is not marked yet the caller marks it, to the end of the next window
     */
    boolean isOver(long tally, long epoch, long nowMillis) {
        if (Tallies.isMarked(tally)) {
            return true;
        }
        learnUpTo(epoch);
        long count = Tallies.count(tally);
        int bucket = bucket(count);
        if (bucket != bucket(count - 1)) {
            move(epoch, bucket, 1);
            if (count > 1) {
                move(epoch, bucket(count - 1), -1);
            }
        }
        if (nowMillis - lastFlushAt >= flushMillis && pendingMoves.get((int) (epoch & 1)) != 0) {
            lastFlushAt = nowMillis;
            flush(epoch);
        }
        if (count <= plainBound) {
            return false;
        }
        if (count <= settings.multiplier() * baseline.p99() * scale(epoch, nowMillis)) {
            return false;
        }
        // Out of the population: its bucket no longer counts, so a flooder does not lift the bound.
        move(epoch, bucket, -1);
        return true;
    }

    /** Counts a client entering (+1) or leaving (-1) a bucket; added to the store in batches. */
    private void move(long epoch, int bucket, long delta) {
        if (epoch < lastEpoch.get()) {
            // counted by a thread that read the clock before the window ended, after its moves were added
            counts.add(histogram + epoch + '#' + bucket, delta);
            return;
        }
        int half = (int) (epoch & 1);
        pending.addAndGet(half * BUCKETS + bucket, delta);
        if (pendingMoves.incrementAndGet(half) >= HISTOGRAM_BATCH) {
            flush(epoch);
        }
    }

    /** Adds the moves counted here in window {@code epoch} to that window's histogram in the store. */
    private void flush(long epoch) {
        int half = (int) (epoch & 1);
        if (pendingMoves.getAndSet(half, 0) == 0) {
            return;
        }
        for (int b = half * BUCKETS; b < (half + 1) * BUCKETS; b++) {
            long delta = pending.getAndSet(b, 0);
            if (delta != 0) {
                counts.add(histogram + epoch + '#' + (b - half * BUCKETS), delta);
            }
        }
    }

    /** The bound a client's count per window is held to now, for reports; infinite while learning. */
    double bound(long nowMillis) {
        double plain = plainBound;
        if (Double.isInfinite(plain)) {
            return plain;
        }
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        return Math.max(plain, settings.multiplier() * baseline.p99() * scale(epoch, nowMillis));
    }

    /**
     * The population's current level over its learned level, at least 1, recomputed at most twenty times a
     * window: only clients above the plain bound need it.
     */
    private double scale(long epoch, long nowMillis) {
        long computedAt = scaleComputedAt;
        if (computedAt != Long.MIN_VALUE && nowMillis >= computedAt && nowMillis - computedAt < windowMillis / 20) {
            return scale;
        }
        Quantiles learned = baseline;
        // The running window speaks for the population only once enough of it has arrived: a few
        // flooders alone at a window's start are not a surge.
        double current = quantiles(epoch, (int) Math.max(MIN_CLIENTS, Math.min(learned.clients() / 2, 1e6)))[0];
        double computed = learned.p50() <= 0 ? 1.0 : Math.max(1.0, Math.max(current, lastWindowMedian) / learned.p50());
        scale = computed;
        scaleComputedAt = nowMillis;
        return computed;
    }

    /**
     * The p50, p90 and p99 of the clients' counts in a window, as upper bounds of their buckets, and the
     * number of clients; quantiles 0 for none.
     */
    double[] quantiles(long epoch) {
        return quantiles(epoch, 1);
    }

    /** As {@link #quantiles(long)}, all 0 when fewer than {@code minClients} clients were counted. */
    double[] quantiles(long epoch, int minClients) {
        flush(epoch);
        long[] clients = new long[BUCKETS];
        long total = 0;
        String prefix = histogram + epoch + '#';
        for (int b = 0; b < BUCKETS; b++) {
            clients[b] = Math.max(0, counts.get(prefix + b));
            total += clients[b];
        }
        double[] result = new double[4];
        result[3] = total;
        if (total == 0 || total < minClients) {
            return result;
        }
        double[] ranks = {0.5, 0.9, 0.99};
        long seen = 0;
        int q = 0;
        for (int b = 0; b < BUCKETS && q < 3; b++) {
            seen += clients[b];
            while (q < 3 && seen >= Math.ceil(ranks[q] * total)) {
                result[q++] = upper(b);
            }
        }
        return result;
    }

    /** Folds the window that just ended into the baseline, once per window. */
    private void learnUpTo(long epoch) {
        long last = lastEpoch.get();
        if (epoch <= last || !lastEpoch.compareAndSet(last, epoch)) {
            return;
        }
        if (last != Long.MIN_VALUE) {
            flush(last); // the moves counted here belong to the window that ended
        }
        if (last != epoch - 1) {
            lastWindowMedian = 0; // no traffic in between: nothing to learn, no surge to carry over
            return;
        }
        // Only a window that ended just now is read: an older one's counters may have expired.
        double[] finished = quantiles(last, MIN_CLIENTS);
        lastWindowMedian = finished[0];
        if (finished[0] > 0) {
            baseline(baseline.learn(clipped(finished, baseline)));
        }
    }

    Quantiles baseline() {
        return baseline;
    }

    /**
     * A finished window's quantiles as they may be learned. With fewer than 100 clients the p99 is the
     * busiest client itself, and a client just under the bound still counts: left alone, a few flooders
     * during the learning period, or one riding just under the bound afterwards, would lift the bound they
     * are measured against. So a window's tail is learned at most {@value #TAIL_CAP} times its own median,
     * and at most {@value #GROWTH_CAP} times what was learned before (the population scale, not the
     * baseline, follows a real surge of everyone).
     */
    static double[] clipped(double[] window, Quantiles learned) {
        double[] clipped = window.clone();
        double tail = TAIL_CAP * window[0];
        clipped[1] = Math.min(clipped[1], tail);
        clipped[2] = Math.min(clipped[2], tail);
        if (learned.windows() > 0) {
            clipped[0] = Math.min(clipped[0], GROWTH_CAP * Math.max(learned.p50(), 1));
            clipped[1] = Math.min(clipped[1], GROWTH_CAP * Math.max(learned.p90(), 1));
            clipped[2] = Math.min(clipped[2], GROWTH_CAP * Math.max(learned.p99(), 1));
        }
        return clipped;
    }

    void baseline(Quantiles learned) {
        this.baseline = learned;
        this.plainBound = learned.windows() < settings.learningWindows()
                ? Double.POSITIVE_INFINITY
                : Math.max(settings.minRequests(), settings.multiplier() * learned.p99());
        this.scaleComputedAt = Long.MIN_VALUE;
    }

    /** The bucket of a count: four per doubling, linear within a doubling; -1 for 0. */
    static int bucket(long count) {
        if (count <= 0) {
            return -1;
        }
        int exponent = Math.min(15, 63 - Long.numberOfLeadingZeros(count));
        long top = exponent >= 2 ? count >>> (exponent - 2) : count << (2 - exponent);
        return exponent == 15 && count >= 1L << 16 ? BUCKETS - 1 : 4 * exponent + (int) (top & 3);
    }

    /** The exclusive upper bound of a bucket's counts. */
    static double upper(int bucket) {
        int exponent = bucket / 4;
        int sub = bucket % 4;
        return (5 + sub) * Math.pow(2, exponent) / 4.0;
    }
}
