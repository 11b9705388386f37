package io.github.abuseguard.failure;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import org.jspecify.annotations.Nullable;

/**
 * Which successes a route's surge detector ({@link RouteSurge}) counts in its failure ratio: each account at
 * most once per under-attack window, and each client site at most {@link #siteCap} accounts per window. An
 * attacker that signs in to a few accounts of its own, again and again from its many addresses, held the
 * ratio down with every sign-in (probe21: 4 accounts, 40 sign-ins a second from 250 addresses, kept 9 guesses a
 * second from starting the mode); now it takes as many accounts signing in each window as successes it needs.
 *
 * <p>The account is what the rule's key and {@code distinct} name besides the client's address (a user name,
 * an API key), or the client's key for a success that names none. A rule keyed by the address alone names no
 * account: one per address would be one success per window for an office's NAT, whose users' typos still add
 * up to their site's share of failures, and ten such offices failing in one window would start the mode; its
 * successes are capped per site only.
 *
 * <p>Counted in the store, so instances share them: one count per account and window, and one per site and
 * window for the first success of each account. On a shared store a repeated success costs one round trip
 * (where it cost the route's count before), a new account's success two more than before, and a success of a
 * rule keyed by the address alone one more.
 */
final class DistinctSuccesses {
    private final @Nullable KeyResolver account;
    private final Counters accounts;
    private final Counters sites;
    private final long windowMillis;
    private final long siteCap;

    /**
     * @param account what names the account a success signed in to, or {@code null} for a rule keyed by the
     *     client's address alone
     * @param failureShare the most failures one client site adds to the route's count per window ({@link
     *     RouteSurge#perKeyCap})
     */
    DistinctSuccesses(
            String rule, UnderAttack settings, StateStore store, @Nullable KeyResolver account, long failureShare) {
        this.account = account;
        this.accounts = store.counters("failure:surge-accounts:" + rule, settings.window());
        this.sites = store.counters("failure:surge-site-successes:" + rule, settings.window());
        this.windowMillis = settings.window().toMillis();
        this.siteCap = siteCap(failureShare, settings.minRatio());
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
     * Whether the success of {@code request} at {@code nowMillis} counts in the route's ratio: the first of
     * its account in the window, within its site's cap. Counts it if so.
     */
    boolean counts(GuardRequest request, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        String client = request.client().key();
        if (account != null) {
            String name = account.resolve(request);
            // A success naming no account is the client's own; the separator keeps it apart from a user name.
            String key = (name == null ? '\u0000' + client : name) + '@' + epoch;
            if (accounts.add(key, 1) > 1) {
                return false;
            }
        }
        return sites.add(IpAddresses.site(client) + '@' + epoch, 1) <= siteCap;
    }
}
