package io.github.abuseguard.internal;

import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client sites (an IPv4 address, an IPv6 /48) in a route's mode on their own, shared through the store: a
 * site that alone did what would put the route in its mode, which the per-site share keeps it from doing
 * for everyone. A site is looked up only while some site is in the mode: one this instance entered, or,
 * read from the store at most every {@code refreshMillis}, one another instance (or this one before a
 * restart) entered, so that no request pays for the look-up otherwise.
 */
public final class SiteModes {
    private final Bans sites;
    private final Bans modes;
    /** The key, among the route modes, of the ban that says some site is in its own mode. */
    private final String markerKey;

    private final Duration duration;
    private final long refreshMillis;
    /** The latest end of a site mode this instance entered. */
    private final AtomicLong enteredUntil = new AtomicLong(Long.MIN_VALUE);
    /** What this instance last read of the marker, and when: one object, so the two are never torn apart. */
    private record MarkerRead(boolean on, long at) {}

    private volatile MarkerRead marker = new MarkerRead(false, Long.MIN_VALUE);

    /**
     * @param namespace the store namespace of the sites' bans
     * @param modes the route modes' bans, where the marker {@code rule#sites} is kept
     */
    public SiteModes(
            StateStore store, String namespace, Bans modes, String rule, Duration duration, long refreshMillis) {
        this.sites = store.bans(namespace);
        this.modes = modes;
        this.markerKey = rule + "#sites";
        this.duration = duration;
        this.refreshMillis = refreshMillis;
    }

    /** Puts {@code site} in the mode for the duration, and tells the other instances to look sites up. */
    public void enter(String site, long nowMillis) {
        sites.ban(site, duration);
        modes.ban(markerKey, duration);
        enteredUntil.accumulateAndGet(nowMillis + duration.toMillis(), Math::max);
    }

    /**
     * Puts each site in the mode for its own duration, and tells the other instances to look sites up for the
     * longest of them, unless the store's marker already lasts longer: one write for the sites, one read and at
     * most one write for the marker, whatever the number of sites. No write at all for none.
     */
    public void enterAll(Map<String, Duration> durations, long nowMillis) {
        Duration longest = Duration.ZERO;
        for (Duration duration : durations.values()) {
            if (duration.compareTo(longest) > 0) {
                longest = duration;
            }
        }
        if (longest.isZero()) {
            return;
        }
        sites.banAll(durations); // one store step for every site: a crowd of many sites makes no request slow
        enteredUntil.accumulateAndGet(nowMillis + longest.toMillis(), Math::max);
        if (modes.remaining(markerKey).compareTo(longest) < 0) {
            modes.ban(markerKey, longest);
        }
    }

    /**
     * Takes every site out of the mode (as many as {@link Bans#active} lists), on every instance: an operator
     * ended the route's mode after a false alarm.
     */
    public void exitAll() {
        for (BannedKey site : sites.active(Bans.MAX_LISTED)) {
            sites.liftEverywhere(site.key()); // an operator's: no instance's copy may bring it back after a loss
        }
        modes.liftEverywhere(markerKey);
        enteredUntil.set(Long.MIN_VALUE);
        marker = new MarkerRead(false, Long.MIN_VALUE);
    }

    /**
     * Takes {@code site} out of the mode, on every instance: an operator lifted what was held against it. The marker is
     * left to end by itself: other sites may be in the mode.
     */
    public void exit(String site) {
        sites.liftEverywhere(site);
    }

    /**
     * Whether each of {@code sites} (sites already, not client keys) is in the mode: one store step for them
     * all, always. The marker is not trusted here: read up to a second ago, it may miss sites another instance
     * put in the mode since, which would then be entered again as new (review13: two instances starting a mode
     * in the same second gave a site remembered for the first time two memories' worth, 30 minutes for 15).
     *
     * @return one answer per site, in the order of {@code sites}
     */
    public boolean[] containsAll(List<String> sites, long nowMillis) {
        boolean[] contained = new boolean[sites.size()];
        if (sites.isEmpty()) {
            return contained;
        }
        List<Duration> remaining = this.sites.remainingAll(sites);
        for (int i = 0; i < contained.length; i++) {
            contained[i] = !remaining.get(i).isZero() && !remaining.get(i).isNegative();
        }
        return contained;
    }

    /** The sites in the mode now, at most {@code limit} of them, with the time each has left: one store read. */
    public List<BannedKey> active(int limit) {
        return sites.active(limit);
    }

    /** Whether the site of the client key {@code clientKey} is in the mode. */
    public boolean contains(String clientKey, long nowMillis) {
        if (nowMillis >= enteredUntil.get() && !anySite(nowMillis)) {
            return false;
        }
        return sites.isBanned(IpAddresses.site(clientKey));
    }

    /** How long the site of the client key {@code clientKey} stays in the mode; zero when it is not in it. */
    public Duration remaining(String clientKey, long nowMillis) {
        if (nowMillis >= enteredUntil.get() && !anySite(nowMillis)) {
            return Duration.ZERO;
        }
        Duration left = sites.remaining(IpAddresses.site(clientKey));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private boolean anySite(long nowMillis) {
        MarkerRead read = marker;
        if (read.at() != Long.MIN_VALUE && nowMillis >= read.at() && nowMillis - read.at() < refreshMillis) {
            return read.on();
        }
        boolean on = modes.isBanned(markerKey);
        marker = new MarkerRead(on, nowMillis);
        return on;
    }
}
