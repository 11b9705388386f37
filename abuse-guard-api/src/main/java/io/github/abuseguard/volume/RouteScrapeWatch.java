package io.github.abuseguard.volume;

import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The population-level distinct-resource count of one rule's routes; see {@link UnderScrape}. */
final class RouteScrapeWatch {
    /** Paths whose hash has these top bits clear are counted: one in sixteen. */
    private static final int SAMPLE_SHIFT = 60;

    private static final int SAMPLE_FACTOR = 16;
    private static final int REGISTERS = 4096;
    private static final double LEARNING_RATE = 0.1;

    private final String rule;
    private final UnderScrape settings;
    private final Counters counts;
    private final Bans modes;
    private final long windowMillis;
    private final AtomicLong lastEpoch = new AtomicLong(Long.MIN_VALUE);
    private volatile double baseline;
    private volatile long windowsLearned;

    RouteScrapeWatch(String rule, UnderScrape settings, StateStore store, Bans modes) {
        this.rule = rule;
        this.settings = settings;
        this.windowMillis = settings.window().toMillis();
        this.counts = store.counters("volume:route:" + rule, Duration.ofMillis(2 * windowMillis));
        this.modes = modes;
    }

    boolean isUnderScrape() {
        return modes.isBanned(rule);
    }

    /** Hears one resource of the route; may put the route under scrape. */
    void record(long hash, long nowMillis) {
        if (hash >>> SAMPLE_SHIFT != 0) {
            return;
        }
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        learnUpTo(epoch);
        int register = (int) (hash & (REGISTERS - 1));
        if (counts.add("d@" + epoch + '#' + register, 1) != 1) {
            return;
        }
        double distinct = estimate(counts.add("d@" + epoch, 1));
        if (distinct >= threshold() && !isUnderScrape()) {
            modes.ban(rule, settings.duration());
        }
    }

    /** Hears one refused request; keeps the mode while they keep coming. */
    void refused(long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        if (counts.add("x@" + epoch, 1) % settings.minDistinct() == 0) {
            modes.ban(rule, settings.duration());
        }
    }

    double threshold() {
        return Math.max(settings.minDistinct(), settings.multiplier() * baseline);
    }

    private static double estimate(long filled) {
        double registers = REGISTERS;
        double sampled =
                filled >= REGISTERS ? registers * Math.log(registers) : -registers * Math.log1p(-filled / registers);
        return sampled * SAMPLE_FACTOR;
    }

    private void learnUpTo(long epoch) {
        long last = lastEpoch.get();
        if (epoch <= last || !lastEpoch.compareAndSet(last, epoch)) {
            return;
        }
        if (last == epoch - 1 && !isUnderScrape()) {
            double finished = estimate(counts.get("d@" + last));
            baseline = windowsLearned == 0 ? finished : baseline + LEARNING_RATE * (finished - baseline);
            windowsLearned++;
        }
    }

    double baseline() {
        return baseline;
    }
}
