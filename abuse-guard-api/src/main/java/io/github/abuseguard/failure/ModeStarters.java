package io.github.abuseguard.failure;

import io.github.abuseguard.internal.SiteModes;
import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client sites (an IPv4 address, an IPv6 /48) whose failures started or extended a route's under-attack
 * mode, remembered after it ends: their failures are no evidence of a surge, and the mode's refusal holds for
 * them on their own on the rule's routes, so that a small crowd cannot start the mode again as soon as it
 * ends (probe20 F2: 14 addresses restarted the gift-card mode at each end, 364 of 365 new customers were
 * refused over 13 minutes). Starting it again takes sites that did not start or extend it, as many as
 * {@link RouteSurge#MIN_KEYS} and more, each time.
 *
 * <p>A site is noted as a contributor at its first counted failure of a window, before that failure is
 * counted: whichever instance heard it, the instance whose count then starts or extends the mode lists it
 * from the shared store. A note lasts two windows, the span of the sliding count. On entering the mode,
 * and on each surge while it is on (at most once per window and instance), the sites noted since this
 * instance last listed them are remembered: for {@value #REMEMBERED_DURATIONS} durations the first time,
 * twice as long each time the site is remembered again within {@link #timesRememberedFor}, at most
 * {@code 2^}{@value #MAX_DOUBLINGS} times as long, so that a crowd that waits out its memory to start the
 * mode again gets it less and less often. A customer who mistyped as the mode started is among them: a
 * request the mode would refuse (a fresh client, a resource it never looked up) is refused to it, on that
 * route only, for three durations; what it looked up before is not.
 *
 * <p>A mode the slow window starts or extends ({@link SlowSurge}: a paced crowd, a few failures per site
 * over ten minutes) remembers, besides, the sites its count holds: a site is noted there at its first counted
 * failure of a slow window, the note lasting two slow windows. Otherwise the crowd's sites that failed before
 * the last twenty seconds go on guessing once the mode ends. A customer who mistyped within those twenty
 * minutes is among them, as a site that failed once in the slow window is counted there; requiring a site's
 * whole share of it (two failures) would let a crowd of sites failing once each start the mode again as soon
 * as it ends, at only twice the sites.
 *
 * <p>Bounded: one listing reads at most {@value #MAX_LISTED} sites, soonest noted first among those noted
 * since the last listing; a remembering reads one listing, or two when the slow window surged, and then looks
 * them up, counts them and remembers them in one store step each, whatever their number (review12 M2). A
 * crowd larger than that between two listings leaves its latest sites unremembered; it could start the mode
 * with them anyway, and hiding ten sites behind a flood costs that many fresh sites per start.
 */
final class ModeStarters {
    /** How long a site is remembered the first time, in durations of the mode. */
    static final int REMEMBERED_DURATIONS = 3;
    /** The most times a site's memory doubles. */
    static final int MAX_DOUBLINGS = 5;
    /** The most contributors one listing reads; a remembering reads one, or two when the slow window surged. */
    static final int MAX_LISTED = 1_000;
    /** How far back a listing reads before the last one: the instances' clocks and a note racing a listing. */
    private static final long OVERLAP_MILLIS = 1_000;

    /** The sites noted by the route's window; see {@link #contributed}. */
    private final Contributors contributors;
    /** The sites noted by the slow window; see {@link #contributedSlowly}. */
    private final Contributors slowContributors;

    private final SiteModes remembered;
    /** Per site, the times it was remembered since its first, within {@link #timesRememberedFor}. */
    private final Counters timesRemembered;

    private final Duration rememberedFor;

    /**
     * The sites noted as contributors to one window's count, each note lasting two of its windows (the span of
     * its sliding count), and when this instance last listed them.
     */
    private static final class Contributors {
        private final Bans notes;
        private final Duration noteFor;
        private final long noteMillis;
        private final AtomicLong listedAt = new AtomicLong(Long.MIN_VALUE);

        Contributors(StateStore store, String namespace, Duration window) {
            this.notes = store.bans(namespace);
            this.noteFor = window.multipliedBy(2);
            this.noteMillis = noteFor.toMillis();
        }

        void note(String site) {
            notes.ban(site, noteFor);
        }

        /**
         * Adds to {@code listed} the sites noted since this instance last listed them, soonest noted first, at
         * most {@value ModeStarters#MAX_LISTED}: one store step. The listing starts at the notes taken since, so
         * that the notes listed before, which last as long, do not take the places of new ones (a slow window's
         * notes last twenty minutes).
         */
        void listSince(long nowMillis, Set<String> listed) {
            long last = listedAt.getAndSet(nowMillis);
            long since = last == Long.MIN_VALUE ? Long.MIN_VALUE : last - OVERLAP_MILLIS;
            // a note taken at `since` ends noteMillis later; one ms earlier, as the listing starts past its end
            Duration endingAfter =
                    since == Long.MIN_VALUE ? Duration.ZERO : Duration.ofMillis(since + noteMillis - nowMillis - 1);
            for (BannedKey contributor : notes.active(MAX_LISTED, endingAfter)) {
                long notedAt = nowMillis + contributor.remaining().toMillis() - noteMillis;
                if (notedAt >= since) {
                    listed.add(contributor.key());
                }
            }
        }
    }

    ModeStarters(String rule, UnderAttack settings, StateStore store, Bans modes) {
        this.contributors = new Contributors(store, "failure:surge-contributors:" + rule, settings.window());
        // With the slow window off nothing is noted there; the namespace is only named.
        this.slowContributors = new Contributors(
                store,
                "failure:slow-surge-contributors:" + rule,
                settings.slowWindow().isZero() ? settings.window() : settings.slowWindow());
        this.rememberedFor = settings.duration().multipliedBy(REMEMBERED_DURATIONS);
        this.remembered = new SiteModes(
                store,
                "failure:mode-starters:" + rule,
                modes,
                rule + "#starters",
                rememberedFor,
                RouteSurge.SITE_MARKER_REFRESH_MILLIS);
        this.timesRemembered = store.counters("failure:mode-starters-times:" + rule, timesRememberedFor(rememberedFor));
    }

    /** How long a site's count of times remembered lasts from its first: twice its longest memory. */
    static Duration timesRememberedFor(Duration rememberedFor) {
        return rememberedFor.multipliedBy(2L << MAX_DOUBLINGS);
    }

    /** Notes {@code site} as a contributor, at its first counted failure of a window, before it is counted. */
    void contributed(String site) {
        contributors.note(site);
    }

    /**
     * Notes {@code site} as a contributor to the slow window's count, at its first counted failure of a slow
     * window, before it is counted: one store write per site and slow window.
     */
    void contributedSlowly(String site) {
        slowContributors.note(site);
    }

    /** Whether the site of {@code clientKey} started or extended a mode and is remembered. */
    boolean contains(String clientKey, long nowMillis) {
        return remembered.contains(clientKey, nowMillis);
    }

    /**
     * Forgets every site: the operator ended the mode by hand, after a false alarm. The notes taken until now
     * are not listed either, so that a later mode does not remember the false alarm's sites.
     */
    void forget(long nowMillis) {
        remembered.exitAll();
        contributors.listedAt.set(nowMillis + OVERLAP_MILLIS);
        slowContributors.listedAt.set(nowMillis + OVERLAP_MILLIS);
    }

    /**
     * Remembers the contributors noted since this instance last listed them; called on entering the mode and
     * on each surge while it is on, with {@code slowly} when the slow window's count surged: then the sites noted
     * by the slow window too. A site already remembered is left as it is. A bounded number of store steps,
     * whatever the number of sites (review12 M2: up to three per site, 3,000 round trips for a listing's 1,000
     * sites, on the one request that started or extended the mode): a listing per window judged, then one look-up
     * (only while some site is remembered), one count and one write for all the sites listed, and the marker's
     * read and write.
     */
    void remember(long nowMillis, boolean slowly) {
        Set<String> listed = new LinkedHashSet<>();
        contributors.listSince(nowMillis, listed);
        if (slowly) {
            slowContributors.listSince(nowMillis, listed);
        }
        List<String> sites = new ArrayList<>(listed);
        boolean[] already = remembered.containsAll(sites, nowMillis);
        List<String> entering = new ArrayList<>(sites.size());
        for (int i = 0; i < already.length; i++) {
            if (!already[i]) {
                entering.add(sites.get(i));
            }
        }
        if (entering.isEmpty()) {
            return;
        }
        long[] times = timesRemembered.addAll(entering, 1);
        Map<String, Duration> durations = new LinkedHashMap<>();
        for (int i = 0; i < times.length; i++) {
            durations.put(
                    entering.get(i),
                    rememberedFor.multipliedBy(1L << Math.min(Math.max(0, times[i] - 1), MAX_DOUBLINGS)));
        }
        remembered.enterAll(durations, nowMillis);
    }
}
