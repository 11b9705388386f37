package io.github.abuseguard.failure;

import io.github.abuseguard.internal.ModeStarterSites;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>A site whose every recent failure was a typo redeemed ({@link Redemptions}: a failure on an account, then
 * from the same site a success on that account) is left out, but only when the mode's other sites listed, those
 * with a failure not redeemed, are as many as could have started it alone ({@link #unredeemedSitesNeeded}): then
 * the redeemed sites were not needed to start it, and an office's NAT or an IPv6 /48 whose customers mistyped
 * and signed in as the crowd started the mode is not locked out with the crowd (probe22 F4). Fewer, and every
 * listed site is remembered, as before: a crowd that fails on accounts of its own and then signs in to them
 * cannot start the mode again and again unremembered; each start still takes as many fresh sites.
 *
 * <p>The memory itself ({@link ModeStarterSites}) is shared with the volume guard's under-scrape mode.
 */
final class ModeStarters {
    /** How long a site is remembered the first time, in durations of the mode. */
    static final int REMEMBERED_DURATIONS = ModeStarterSites.REMEMBERED_DURATIONS;
    /** The most times a site's memory doubles. */
    static final int MAX_DOUBLINGS = ModeStarterSites.MAX_DOUBLINGS;
    /** The most contributors one listing reads; a remembering reads one, or two when the slow window surged. */
    static final int MAX_LISTED = ModeStarterSites.MAX_LISTED;

    /** The sites noted by the route's window; see {@link #contributed}. */
    private final ModeStarterSites.Notes contributors;
    /** The sites noted by the slow window; see {@link #contributedSlowly}. */
    private final ModeStarterSites.Notes slowContributors;

    private final ModeStarterSites remembered;

    /** The typos redeemed, where the rule names an account; {@code null} where it does not. */
    private final @Nullable Redemptions redemptions;

    ModeStarters(String rule, UnderAttack settings, StateStore store, Bans modes) {
        this(rule, settings, store, modes, null);
    }

    ModeStarters(String rule, UnderAttack settings, StateStore store, Bans modes, @Nullable Redemptions redemptions) {
        this.redemptions = redemptions;
        this.contributors = new ModeStarterSites.Notes(store, "failure:surge-contributors:" + rule, settings.window());
        // With the slow window off nothing is noted there; the namespace is only named.
        this.slowContributors = new ModeStarterSites.Notes(
                store,
                "failure:slow-surge-contributors:" + rule,
                settings.slowWindow().isZero() ? settings.window() : settings.slowWindow());
        this.remembered = new ModeStarterSites(
                store,
                "failure:mode-starters",
                rule,
                modes,
                settings.duration(),
                RouteSurge.SITE_MARKER_REFRESH_MILLIS);
    }

    /** How long a site's count of times remembered lasts from its first: twice its longest memory. */
    static Duration timesRememberedFor(Duration rememberedFor) {
        return ModeStarterSites.timesRememberedFor(rememberedFor);
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

    /** How long the site of {@code clientKey} is still remembered for a mode; zero when it is not. */
    Duration remaining(String clientKey, long nowMillis) {
        return remembered.remaining(clientKey, nowMillis);
    }

    /** Forgets {@code site} as a starter of the mode: an operator lifted what was held against it. */
    void forget(String site) {
        remembered.forget(site);
    }

    /**
     * Forgets every site: the operator ended the mode by hand, after a false alarm. The notes taken until now
     * are not listed either, so that a later mode does not remember the false alarm's sites.
     */
    void forget(long nowMillis) {
        remembered.forget();
        contributors.skipUntil(nowMillis);
        slowContributors.skipUntil(nowMillis);
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
        remembered.remember(withoutRedeemed(listed, slowly), nowMillis);
    }

    /**
     * The fewest sites with a failure not redeemed that let a remembering leave the redeemed sites out: as many as
     * the fewest that can start the mode alone, {@link RouteSurge#MIN_KEYS} within a window (six failing without
     * pause could, so ten is more than needed), and when the slow window surged, its {@link
     * SlowSurge#MIN_GUESSING_SITES}, the fewest guessing sites that start it within a slow window (half its {@link
     * SlowSurge#MIN_SITES} before failures past a site's share counted there: review51 F1).
     */
    static int unredeemedSitesNeeded(boolean slowly) {
        return slowly ? Math.max(RouteSurge.MIN_KEYS, SlowSurge.MIN_GUESSING_SITES) : RouteSurge.MIN_KEYS;
    }

    /**
     * {@code listed} without its redeemed sites when its other sites are at least {@link #unredeemedSitesNeeded}:
     * one store step to look them up (none for a rule without redemptions or an empty listing).
     */
    private Set<String> withoutRedeemed(Set<String> listed, boolean slowly) {
        if (redemptions == null || listed.isEmpty()) {
            return listed;
        }
        List<String> sites = new ArrayList<>(listed);
        boolean[] redeemed = redemptions.redeemedAll(sites);
        Set<String> unredeemed = new LinkedHashSet<>();
        for (int i = 0; i < redeemed.length; i++) {
            if (!redeemed[i]) {
                unredeemed.add(sites.get(i));
            }
        }
        return unredeemed.size() >= unredeemedSitesNeeded(slowly) ? unredeemed : listed;
    }
}
