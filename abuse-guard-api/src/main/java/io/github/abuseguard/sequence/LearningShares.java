package io.github.abuseguard.sequence;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How much each client site (an IPv4 address, an IPv6 /48) has taught the Markov model within the hour: a site
 * teaches at most {@value #FLOOR} transitions an hour, or 1% of what the model learned in the last hour if that is
 * more. Without it the counts were one client's to shape (probe50a F2: ten addresses' 6,000 sessions of one fresh read
 * each made that read the usual first step, and every new visitor's first step strange, so model-deny refused them).
 * A crowd of many sites still teaches what it does, so an ordinary flow the model refused at first is learned.
 *
 * <p>Bounded: at most {@value #SITES_KEPT} sites are followed, those seen within two hours; a site evicted under a
 * flood of new ones starts its hour again, which only a crowd of that many addresses can make use of.
 */
final class LearningShares {

    /** The transitions any site may teach in an hour, however little the model learned. */
    static final int FLOOR = 200;

    /** The share of the model's hourly learning above which a site teaches nothing more that hour: 1%. */
    private static final int SHARE_DIVISOR = 100;

    static final int SITES_KEPT = 10_000;

    private static final long HOUR = Duration.ofHours(1).toNanos();

    private final LongSupplier nanoTime;
    private final Cache<String, long[]> sites;
    private final AtomicLong learnedThisHour = new AtomicLong();
    private volatile long learnedLastHour;
    private volatile long hourStarted;

    LearningShares(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.sites = Caffeine.newBuilder()
                .maximumSize(SITES_KEPT)
                .expireAfterAccess(Duration.ofHours(2))
                .ticker(nanoTime::getAsLong)
                .build();
        this.hourStarted = nanoTime.getAsLong();
    }

    /**
     * Whether {@code site} may teach the model one more transition now; if so, it is counted.
     *
     * @param site the client's site, as {@code IpAddresses.site} gives it
     */
    boolean teach(String site) {
        long now = nanoTime.getAsLong();
        if (now - hourStarted >= HOUR) {
            nextHour(now);
        }
        long allowed = Math.max(FLOOR, Math.max(learnedThisHour.get(), learnedLastHour) / SHARE_DIVISOR);
        long[] taught = sites.get(site, key -> new long[] {now, 0});
        synchronized (taught) {
            if (now - taught[0] >= HOUR) {
                taught[0] = now;
                taught[1] = 0;
            }
            if (taught[1] >= allowed) {
                return false;
            }
            taught[1]++;
        }
        learnedThisHour.incrementAndGet();
        return true;
    }

    private synchronized void nextHour(long now) {
        if (now - hourStarted < HOUR) {
            return; // another thread started it
        }
        // the share is also of the last full hour's learning, so it does not fall to the floor as an hour starts
        learnedLastHour = now - hourStarted >= 2 * HOUR ? 0 : learnedThisHour.get();
        learnedThisHour.set(0);
        hourStarted = now;
    }
}
