package io.github.abuseguard.failure;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Which successes a route's surge detector ({@link RouteSurge}) counts in its failure ratio: each account at
 * most once per under-attack window, and each client site at most {@link #siteCap} accounts per window. An
 * attacker that signs in to a few accounts of its own, again and again from its many addresses, held the
 * ratio down with every sign-in (probe21: 4 accounts, 40 sign-ins a second from 250 addresses, kept 9 guesses a
 * second from starting the mode); now it takes as many accounts signing in each window as successes it needs.
 *
 * <p>The account is what the rule's key and {@code distinct} name besides the client's address (a user name,
 * an API key), or the client's key for a success that names none; under {@code history: resource}, the resource
 * the success was about (its path with those values): one valid gift card looked up from 250 addresses, 60
 * times a second, was a success of each address and held 6 guesses a second under the trigger (probe22 F6); it
 * is one success per window now. A rule keyed by the address alone, without {@code history: resource}, names no
 * account: one per address would be one success per window for an office's NAT, whose users' typos still add
 * up to their site's share of failures, and ten such offices failing in one window would start the mode; its
 * successes are capped per site only.
 *
 * <p>The slow window ({@link SlowSurge}) hears a success counted here once per account per slow window too
 * (an account signing in once every window would otherwise add sixty successes to each 10-minute judgement,
 * review12 H1), and at most {@link #slowSiteCap} per site per slow window, a few times the site's failure share
 * there (probe22 F1). An account is its name as the rule's key reads it (case-folded).
 *
 * <p>Counted in the store, so instances share them: one count per account and window, and one per site and
 * window for the first success of each account. On a shared store a repeated success costs one round trip
 * (where it cost the route's count before), a new account's success two more than before, and a success of a
 * rule keyed by the address alone one more; under {@code history: resource} a resource's first success in a
 * window costs its two counts (window and slow window) more, a repeat one round trip.
 */
final class DistinctSuccesses {
    private final @Nullable KeyResolver account;
    private final Counters accounts;
    private final Counters sites;
    private final long windowMillis;
    private final long siteCap;
    private final @Nullable Counters slowAccounts;
    private final @Nullable Counters slowSites;
    private final long slowWindowMillis;
    private final long slowSiteCap;

    /** {@link #counts}: the success counts in neither window. */
    static final int NOWHERE = 0;
    /** {@link #counts}: the success counts in the route's window. */
    static final int IN_WINDOW = 1;
    /** {@link #counts}: the success counts in the slow window as well. */
    static final int IN_SLOW_WINDOW = 2;

    /**
     * @param account what names the account a success signed in to (or the resource it was about), or {@code
     *     null} for a rule keyed by the client's address alone
     * @param failureShare the most failures one client site adds to the route's count per window ({@link
     *     RouteSurge#perKeyCap})
     * @param slowFailureShare the most failures one client site adds to the slow window's count ({@link
     *     SlowSurge#siteShare})
     */
    DistinctSuccesses(
            String rule,
            UnderAttack settings,
            StateStore store,
            @Nullable KeyResolver account,
            long failureShare,
            long slowFailureShare) {
        this.account = account;
        this.accounts = store.counters("failure:surge-accounts:" + rule, settings.window());
        this.sites = store.counters("failure:surge-site-successes:" + rule, settings.window());
        this.windowMillis = settings.window().toMillis();
        this.siteCap = siteCap(failureShare, settings.minRatio());
        Duration slowWindow = settings.slowWindow();
        boolean slow = !slowWindow.isZero();
        this.slowAccounts = slow ? store.counters("failure:slow-surge-accounts:" + rule, slowWindow) : null;
        this.slowSites = slow ? slowSiteSuccesses(rule, slowWindow, store) : null;
        this.slowWindowMillis = slow ? slowWindow.toMillis() : 1;
        this.slowSiteCap = slowSiteCap(slowFailureShare, settings.minRatio());
    }

    /**
     * The successes of each client site per slow window, keyed {@code site@epoch} (the slow window's epoch): each
     * the first of its account in the slow window, counted past {@link #slowSiteCap} too. Shared with {@link
     * SlowSurge}, which reads a site's.
     */
    static Counters slowSiteSuccesses(String rule, Duration slowWindow, StateStore store) {
        return store.counters("failure:slow-surge-site-successes:" + rule, slowWindow);
    }

    /**
     * The most successes one client site adds to the route's ratio per window: enough that a site at both its
     * shares (its failures capped, and its successes) fails at a quarter of {@code min-ratio}, half the lowest
     * ratio that can start the mode ({@code min-ratio / 2} far above the learned count). So a NAT whose many
     * users mistype as usual cannot raise the route's ratio past its own (38 at min-failures 20 and min-ratio
     * 0.2), while one address signing in to many accounts of its own dilutes no more than that.
     */
    static long siteCap(long failureShare, double minRatio) {
        return (long) Math.ceil(failureShare * (4.0 / minRatio - 1.0));
    }

    /**
     * The most successes one client site adds to the slow window per slow window: {@code slowFailureShare /
     * min-ratio} (10 at the defaults), so that a site at both its slow shares fails at {@code min-ratio / (1 +
     * min-ratio)} (0.17), under {@code min-ratio}, the lowest ratio at which the slow window's count starts the
     * mode: a shared address whose many users mistype as usual (an office, a carrier's NAT) is no attack however
     * its users outnumber the others. Far fewer than the window's {@link #siteCap} (38): a slow window's few
     * successes per site are what an attacker's own sign-ins pad it with, and at 38 a site, 11 addresses
     * signing in to 396 accounts of its own held the ratio of 150 guessing addresses per 10 minutes under the
     * bar of a route without a baseline (probe22 F1: 2,565 of 2,565 guesses through); at 10 it takes one
     * padding site per five guessing sites there, one per four or so on a route that learned a 12% typo rate.
     */
    static long slowSiteCap(long slowFailureShare, double minRatio) {
        return (long) Math.ceil(slowFailureShare / minRatio);
    }

    /**
     * Where the success of {@code request} at {@code nowMillis} counts, and counts it there: in the route's
     * ratio ({@link #IN_WINDOW}) when it is the first of its account in the window, within its site's cap;
     * in the slow window's too ({@link #IN_SLOW_WINDOW}) when it is also the first of its account in the slow
     * window, within its site's cap there. An account counted in the window is not asked about again in the
     * slow window: a repeat costs one store step, as before.
     *
     * @return {@link #NOWHERE}, or {@link #IN_WINDOW} with or without {@link #IN_SLOW_WINDOW}
     */
    int counts(GuardRequest request, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        String client = request.client().key();
        String site = IpAddresses.site(client);
        String name = null;
        if (account != null) {
            String read = account.resolve(request);
            // A success naming no account is the client's own; the separator keeps it apart from a user name.
            name = read == null ? '\u0000' + client : read;
            if (accounts.add(name + '@' + epoch, 1) > 1) {
                return NOWHERE;
            }
        }
        if (sites.add(site + '@' + epoch, 1) > siteCap) {
            return NOWHERE;
        }
        if (slowAccounts == null || slowSites == null) {
            return IN_WINDOW;
        }
        long slowEpoch = Math.floorDiv(nowMillis, slowWindowMillis);
        if (name != null && slowAccounts.add(name + '@' + slowEpoch, 1) > 1) {
            return IN_WINDOW;
        }
        return slowSites.add(site + '@' + slowEpoch, 1) <= slowSiteCap ? IN_WINDOW | IN_SLOW_WINDOW : IN_WINDOW;
    }
}
