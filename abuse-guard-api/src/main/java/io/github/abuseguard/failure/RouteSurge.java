package io.github.abuseguard.failure;

import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The surge detector of one rule's routes; see {@link UnderAttack}. Counts live in the store, so
 * instances share them and the under-attack mode (a ban of the rule's name) spreads to all of them;
 * the baseline is learned per instance and can be exported and imported.
 */
final class RouteSurge {
    /** How much a finished window moves the baseline: about the last 20 windows dominate. */
    static final double LEARNING_RATE = 0.1;

    private final String rule;
    private final UnderAttack settings;
    private final Counters counts;
    private final Bans modes;
    private final long windowMillis;
    private final AtomicLong lastEpoch = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong entered = new AtomicLong();
    private volatile Baseline baseline = Baseline.NONE;

    /** What a route's failures look like normally: failures per window and their share of requests. */
    record Baseline(double failures, double ratio, long windows) {
        static final Baseline NONE = new Baseline(0, 0, 0);

        Baseline learn(long windowFailures, long windowRequests) {
            double windowRatio = (double) windowFailures / windowRequests;
            if (windows == 0) {
                return new Baseline(windowFailures, windowRatio, 1);
            }
            return new Baseline(
                    failures + LEARNING_RATE * (windowFailures - failures),
                    ratio + LEARNING_RATE * (windowRatio - ratio),
                    windows + 1);
        }
    }

    RouteSurge(String rule, UnderAttack settings, StateStore store, Bans modes) {
        this.rule = rule;
        this.settings = settings;
        this.windowMillis = settings.window().toMillis();
        this.counts = store.counters("failure:surge:" + rule, Duration.ofMillis(2 * windowMillis));
        this.modes = modes;
    }

    boolean isUnderAttack() {
        return modes.isBanned(rule);
    }

    /** Hears one outcome of the route; may put the route under attack. */
    void record(boolean failure, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        learnUpTo(epoch);
        if (!failure) {
            counts.add("r@" + epoch, 1);
            return;
        }
        // Each count with its previous window's in one store step: two round trips on a shared store, not four.
        long[] requests = counts.addAndGet("r@" + epoch, 1, "r@" + (epoch - 1));
        long[] failures = counts.addAndGet("f@" + epoch, 1, "f@" + (epoch - 1));
        long remaining = windowMillis - Math.floorMod(nowMillis, windowMillis);
        long slidingFailures = failures[0] + failures[1] * remaining / windowMillis;
        long slidingRequests = requests[0] + requests[1] * remaining / windowMillis;
        if (slidingFailures >= failureThreshold()
                && (double) slidingFailures / Math.max(1, slidingRequests) >= ratioThreshold()
                && !isUnderAttack()) {
            modes.ban(rule, settings.duration());
            entered.incrementAndGet();
        }
    }

    /** Hears one request refused because the route is under attack; keeps the mode while they keep coming. */
    void refused(long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        long refused = counts.add("x@" + epoch, 1);
        if (refused % failureThreshold() == 0) {
            modes.ban(rule, settings.duration());
        }
    }

    long failureThreshold() {
        return Math.max(settings.minFailures(), (long) Math.ceil(settings.multiplier() * baseline.failures()));
    }

    double ratioThreshold() {
        Baseline current = baseline;
        double wanted = Math.max(settings.minRatio(), settings.multiplier() * current.ratio());
        return Math.min(wanted, (1.0 + current.ratio()) / 2.0);
    }

    /** Folds the last finished window into the baseline, once per window, never while under attack. */
    private void learnUpTo(long epoch) {
        long last = lastEpoch.get();
        if (epoch <= last || !lastEpoch.compareAndSet(last, epoch)) {
            return;
        }
        if (last == Long.MIN_VALUE || isUnderAttack()) {
            return;
        }
        // The last window this instance saw traffic in is over; only a window that ended just now is
        // complete and shared, an older one would be read after its counters may have expired.
        if (last == epoch - 1) {
            long[] requestsAndFailures = counts.get("r@" + last, "f@" + last);
            if (requestsAndFailures[0] > 0) {
                baseline = baseline.learn(requestsAndFailures[1], requestsAndFailures[0]);
            }
        }
    }

    Baseline baseline() {
        return baseline;
    }

    void baseline(Baseline imported) {
        this.baseline = imported;
    }

    long timesEntered() {
        return entered.get();
    }

    void lift() {
        modes.lift(rule);
    }
}
