package io.github.abuseguard.failure;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.internal.HttpMethods;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.List;

/**
 * Typos that were redeemed: a failure on an account followed, from the same client site (an IPv4 address, an
 * IPv6 /48), by a success on that same account, as a person who mistyped and then signed in. A site all of
 * whose recent failures were redeemed is <em>redeemed</em>, and a mode it contributed to need not remember it
 * ({@link ModeStarters#remember}): an office's NAT, a carrier's address or an IPv6 /48 whose customers mistype
 * and then sign in is not locked out with the crowd that started the mode (probe22 F4: 10 of 10 fresh /64s of a
 * typo's /48 refused the right password after the mode).
 *
 * <p>A success redeems the failures of its own method only (a login page's {@code GET} redeems no {@code POST}).
 * Only a rule that names an account besides the address (its {@code key} or {@code distinct}: a user name)
 * redeems; a rule keyed by the address alone (the gift cards: a mistyped code is another code) does not. A
 * guess at a victim's account is redeemed only by the victim's right password, a compromise; a site that failed
 * on any account it did not then sign in to (another victim, a forgotten password) is not redeemed at all, so an
 * attacker that signs in to an account of its own after guessing at others hides nothing. A redeemed failure
 * still counts as evidence of a surge, as before (removing the customers' typos from the route's failures would
 * lower the ratio of a crowd among them under a {@code min-ratio} that did not move); what keeps an attacker
 * from starting the mode again and again with failures it redeems on its own accounts is that redeemed sites
 * are left out only when the mode's unredeemed sites alone could have started it ({@link ModeStarters}).
 *
 * <p>Counted per span (the slow window, or the window where the slow window is off) in the store, so that
 * instances share them: per site and account its failures not yet redeemed, per site its failures not yet
 * redeemed, each key lasting two spans; and per redeemed site a mark lasting two spans, lifted by the site's
 * next failure. A failure costs two store writes (and a third at the site's first failure of a span, to lift
 * its mark), a success one read (the account's failures of this span and the last), a redemption up to seven
 * steps. Bounded as the store bounds its namespaces; the sites' count is kept apart from the pairs' so that a
 * flood of user names cannot evict it. A count that was evicted makes its site unredeemed, never redeemed.
 */
final class Redemptions {
    /**
     * What a success subtracts from a pair's count to take its failures: far more than any count, so that of two
     * successes racing, only the first takes them (the second finds the count already below zero).
     */
    private static final long TAKEN = 1L << 40;

    private final KeyResolver account;
    /** Per site and account and span, the failures not yet redeemed. */
    private final Counters pairs;
    /** Per site and span, the failures not yet redeemed. */
    private final Counters sites;
    /** The sites whose every failure of this span and the last was redeemed. */
    private final Bans redeemed;

    private final long spanMillis;
    private final Duration markFor;

    /**
     * @param account what names the account of a failure and of a success: the parts of the rule's key and
     *     {@code distinct} that are not the client's address
     */
    Redemptions(String rule, UnderAttack settings, StateStore store, KeyResolver account) {
        this.account = account;
        Duration span = settings.slowWindow().isZero() ? settings.window() : settings.slowWindow();
        this.spanMillis = span.toMillis();
        this.markFor = span.multipliedBy(2);
        this.pairs = store.counters("failure:unredeemed-pairs:" + rule, markFor);
        this.sites = store.counters("failure:unredeemed-sites:" + rule, markFor);
        this.redeemed = store.bans("failure:redeemed-sites:" + rule);
    }

    /**
     * Hears a failure of the request's client on the account it names (one it names none of can never be
     * redeemed): the site's count first, so that a success racing it cannot leave the site marked redeemed.
     */
    void failed(GuardRequest request, long nowMillis) {
        String site = IpAddresses.site(request.client().key());
        long span = Math.floorDiv(nowMillis, spanMillis);
        if (sites.add(site + '@' + span, 1) == 1) {
            // the site's first failure of the span, or its first since its failures were redeemed
            redeemed.lift(site);
        }
        String name = account.resolve(request);
        if (name != null) {
            pairs.add(pair(site, name, request.method(), span), 1);
        }
    }

    /**
     * Hears a success of the request's client on the account it names: the failures of that site on that account
     * in this span and the last are redeemed, and once none of the site's failures there is left, the site is.
     *
     * @return how many failures it redeemed
     */
    long succeeded(GuardRequest request, long nowMillis) {
        String name = account.resolve(request);
        if (name == null) {
            return 0;
        }
        String site = IpAddresses.site(request.client().key());
        long span = Math.floorDiv(nowMillis, spanMillis);
        String current = pair(site, name, request.method(), span);
        String previous = pair(site, name, request.method(), span - 1);
        long[] pending = pairs.get(current, previous);
        if (pending[0] <= 0 && pending[1] <= 0) {
            return 0; // the usual success: nothing to redeem, one read
        }
        String siteNow = site + '@' + span;
        String siteBefore = site + '@' + (span - 1);
        long taken = pending[0] > 0 ? take(current, siteNow) : 0;
        taken += pending[1] > 0 ? take(previous, siteBefore) : 0;
        if (taken == 0 || !unredeemedNone(siteNow, siteBefore)) {
            return taken;
        }
        redeemed.ban(site, markFor);
        // A failure counted between the read and the mark lifted a mark not yet there: read again.
        if (!unredeemedNone(siteNow, siteBefore)) {
            redeemed.lift(site);
        }
        return taken;
    }

    /**
     * Takes a pair's failures, unless a racing success took them first; subtracts them from its site's.
     *
     * @return the failures taken, 0 when none
     */
    private long take(String pair, String site) {
        long failures = pairs.add(pair, -TAKEN) + TAKEN;
        if (failures <= 0) {
            return 0;
        }
        sites.add(site, -failures);
        return failures;
    }

    /**
     * Whether none of the site's failures of the two spans is left unredeemed. A count below zero is one that was
     * evicted (in process) and counted again: the failures it held are unknown, so the site is not redeemed.
     */
    private boolean unredeemedNone(String siteNow, String siteBefore) {
        long[] left = sites.get(siteNow, siteBefore);
        return left[0] == 0 && left[1] == 0;
    }

    /** Which of {@code listed} (client sites) are redeemed now: one store step. */
    boolean[] redeemedAll(List<String> listed) {
        List<Duration> remaining = redeemed.remainingAll(listed);
        boolean[] marked = new boolean[listed.size()];
        for (int i = 0; i < marked.length; i++) {
            Duration left = remaining.get(i);
            marked[i] = !left.isZero() && !left.isNegative();
        }
        return marked;
    }

    /**
     * The key of a site's failures on an account with a method: a success redeems only those of its own method, so
     * that a page a rule also watches (its {@code GET}, answered 200 whatever account its query names) redeems no
     * guess sent with the form's {@code POST}.
     */
    private static String pair(String site, String account, String method, long span) {
        return site + '\u0000' + account + '\u0000' + HttpMethods.recorded(method) + '@' + span;
    }
}
