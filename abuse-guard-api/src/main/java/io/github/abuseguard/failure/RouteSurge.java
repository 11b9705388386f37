package io.github.abuseguard.failure;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.internal.BaselineGrowth;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.internal.SiteModes;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The surge detector of one rule's routes; see {@link UnderAttack}. Counts live in the store, so
 * instances share them and the under-attack mode (a ban of the rule's name) spreads to all of them;
 * the baseline is learned per instance and can be exported and imported.
 */
final class RouteSurge {
    private static final Logger LOG = LoggerFactory.getLogger(RouteSurge.class);

    /** How much a finished window moves the baseline: about the last 20 windows dominate. */
    static final double LEARNING_RATE = 0.1;
    /**
     * The fewest client sites whose failures can make a surge: one site (an IPv4 address, an IPv6 /48)
     * adds at most {@code minFailures / MIN_KEYS} (at least one) failures per window to the route's
     * count, and so at most twice that to a sliding count, so no single client can start or keep the
     * mode: it takes {@value #MIN_KEYS} sites failing within one window, or about six failing without
     * pause, to start it on purpose. Per window, never per find-time: a crowd of addresses each failing
     * a few user names a minute (probe12: 381 addresses, 19 user names each, 98% failing) is counted as
     * it fails.
     */
    static final int MIN_KEYS = 10;
    /** Normal windows learned before a count far above the baseline may start the mode at a lower ratio. */
    static final int LEARNED_WINDOWS = 6;
    /** The longest a mode lasts, extensions included, in multiples of its duration; then fresh evidence must re-enter it. */
    static final int MAX_DURATIONS = 6;

    private final String rule;
    private final UnderAttack settings;
    private final Counters counts;
    /** Failures per client site, for the share one site may add; apart from the route's counts, which a flood of sites must not evict. */
    private final Counters siteFailures;

    private final Bans modes;
    /**
     * Client sites under attack on their own: a site (an IPv4 address, an IPv6 /48) that alone failed
     * {@code min-failures} times in a window, which its share cap keeps from moving the route's count.
     */
    private final SiteModes sites;
    /**
     * The IPv6 clients (/64s) a history does not vouch for at their site under attack: those that failed
     * while their site failed past its share or was under attack on its own, and those that earned their
     * history while it was, each for {@code history-ttl}. The site's other clients with a proven history go on.
     */
    private final Bans distrustedClients;
    /**
     * The clients (of every key kind) that earned their history while the route was under attack: for the
     * longest a mode lasts ({@value #MAX_DURATIONS} durations), that history does not vouch for them on the
     * route's mode. Written only during a mode, one mark per new history.
     */
    private final Bans newcomers;

    private final Duration newcomerFor;

    /**
     * The newcomers that earned their history with the browser proof: each may send {@code newcomer-attempts}
     * requests to the route per {@code duration} ({@link #newcomerAttempts}) while the mode is on, unless its site
     * started the mode. Written with their {@link #newcomers} mark, and looked up only for a newcomer.
     */
    private final Bans provedNewcomers;

    private final Counters newcomerAttempts;

    private final int newcomerBudget;

    /** The client sites whose failures started or extended the mode, remembered after it. */
    private final ModeStarters starters;

    /** The typos redeemed by a success on their account, where the rule names one; see {@link Redemptions}. */
    private final @Nullable Redemptions redemptions;

    private final long windowMillis;
    private final AtomicLong lastEpoch = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong entered = new AtomicLong();
    /** The last window in which this instance extended the mode: at most one store write per window. */
    private final AtomicLong extendedEpoch = new AtomicLong(Long.MIN_VALUE);
    /** The key of the ban that bounds the mode's total length: set on entering, never extended. */
    private final String limitKey;

    private final Duration extensibleFor;
    private volatile Baseline baseline = Baseline.NONE;
    /** The counter keys of the last window heard: built once per window, not per request. */
    private volatile WindowKeys keys = new WindowKeys(Long.MIN_VALUE);

    /** The request, failure and forgiven-retry counter keys of one window and of the window before it. */
    private record WindowKeys(
            long epoch,
            String requests,
            String failures,
            String retries,
            String previousRequests,
            String previousFailures,
            String previousRetries) {
        WindowKeys(long epoch) {
            this(
                    epoch,
                    "r@" + epoch,
                    "f@" + epoch,
                    "t@" + epoch,
                    "r@" + (epoch - 1),
                    "f@" + (epoch - 1),
                    "t@" + (epoch - 1));
        }
    }

    private WindowKeys keys(long epoch) {
        WindowKeys current = keys;
        if (current.epoch() != epoch) {
            current = new WindowKeys(epoch);
            keys = current; // a racing caller of another window may replace it: only a rebuild follows
        }
        return current;
    }

    private final BaselineGrowth growth;

    /** The slow judgement: a crowd paced under {@code min-failures} per window, over {@code slow-window}. */
    private final SlowSurge slow;

    /** What a route's failures look like normally: failures per window and their share of requests. */
    record Baseline(double failures, double ratio, long windows) {
        static final Baseline NONE = new Baseline(0, 0, 0);
    }

    RouteSurge(String rule, UnderAttack settings, StateStore store, Bans modes) {
        this(rule, settings, store, modes, null);
    }

    /**
     * @param account what names the account of a failure or success besides the client's address (a user name),
     *     or {@code null} where the rule names none: then no typo is redeemed ({@link Redemptions})
     */
    RouteSurge(String rule, UnderAttack settings, StateStore store, Bans modes, @Nullable KeyResolver account) {
        this.rule = rule;
        this.settings = settings;
        this.windowMillis = settings.window().toMillis();
        this.counts = store.counters("failure:surge:" + rule, Duration.ofMillis(2 * windowMillis));
        this.siteFailures = store.counters("failure:surge-sites:" + rule, settings.window());
        this.modes = modes;
        this.sites = new SiteModes(
                store,
                "failure:under-attack-sites:" + rule,
                modes,
                rule,
                settings.duration(),
                SITE_MARKER_REFRESH_MILLIS);
        this.distrustedClients = store.bans("failure:under-attack-clients:" + rule);
        this.newcomers = store.bans("failure:under-attack-newcomers:" + rule);
        this.newcomerFor = settings.duration().multipliedBy(MAX_DURATIONS);
        this.provedNewcomers = store.bans("failure:under-attack-proved:" + rule);
        this.newcomerAttempts = store.counters("failure:under-attack-attempts:" + rule, settings.duration());
        this.newcomerBudget = settings.newcomerAttempts();
        this.redemptions = account == null ? null : new Redemptions(rule, settings, store, account);
        this.starters = new ModeStarters(rule, settings, store, modes, redemptions);
        this.limitKey = rule + "#extensible";
        this.extensibleFor = settings.duration().multipliedBy(MAX_DURATIONS - 1);
        this.growth = new BaselineGrowth(settings.window(), LEARNING_RATE);
        this.slow = new SlowSurge(rule, settings, store, this::isUnderAttack, starters);
    }

    /**
     * The baseline after a finished window, clipped as {@link BaselineGrowth} states: the count and the
     * ratio each grow at most {@code 2^(window / 1 h)} per window above their floors, {@code min-failures /
     * multiplier} and {@code min-ratio / multiplier}, under which the thresholds stay at their minimums.
     */
    Baseline learn(Baseline current, long windowFailures, long windowRequests) {
        boolean first = current.windows() == 0;
        double multiplier = settings.multiplier();
        return new Baseline(
                growth.learn(current.failures(), first, windowFailures, settings.minFailures() / multiplier),
                growth.learn(
                        current.ratio(),
                        first,
                        (double) windowFailures / windowRequests,
                        settings.minRatio() / multiplier),
                current.windows() + 1);
    }

    /**
     * Counts one failure of a client site in the current window (the route's, aligned with its counts);
     * answers the site's failures in it, this one included.
     */
    long siteFailures(String site, long nowMillis) {
        return siteFailures.add(site + '@' + Math.floorDiv(nowMillis, windowMillis), 1);
    }

    /** The methods this instance has heard fail on the rule's routes, one bit each; see {@link #failedWith}. */
    private final java.util.concurrent.atomic.AtomicInteger failingMethods =
            new java.util.concurrent.atomic.AtomicInteger();

    /** Notes that a request of {@code method} failed: its method's successes make the ratio from now on. */
    void failedWith(String method) {
        int bit = methodBit(method);
        if ((failingMethods.get() & bit) == 0) {
            failingMethods.accumulateAndGet(bit, (bits, added) -> bits | added);
        }
    }

    /**
     * Whether a success of {@code method} is evidence of normal use: only for a method the rule's routes
     * have been heard failing with. A rule for every method (the default) sees the login page's GET and the
     * preflight's OPTIONS answered 200, which an attacker sends for free to hold the ratio down.
     */
    boolean countsSuccessesOf(String method) {
        return (failingMethods.get() & methodBit(method)) != 0;
    }

    private static int methodBit(String method) {
        return switch (method) {
            case "GET" -> 1;
            case "HEAD" -> 1 << 1;
            case "POST" -> 1 << 2;
            case "PUT" -> 1 << 3;
            case "PATCH" -> 1 << 4;
            case "DELETE" -> 1 << 5;
            case "OPTIONS" -> 1 << 6;
            default -> 1 << 7;
        };
    }

    /** The most failures one client site adds to the route's count per window; see {@link #MIN_KEYS}. */
    long perKeyCap() {
        return Math.max(1, settings.minFailures() / MIN_KEYS);
    }

    boolean isUnderAttack() {
        long version = modeVersion;
        boolean on = modes.isBanned(rule);
        if (on != modeSeen) {
            seen(on, version);
        }
        return on;
    }

    /**
     * Records a read of the mode that differs from the last: written on a change only, as every request of the rule's
     * routes asks. A read begun before this instance started the mode ({@code version} older) is stale and changes
     * nothing (review126 F2: it wrote "off" over the start and logged the end right after it). Another instance's
     * start, or the mode's end, is one INFO line (user71 F4).
     */
    private synchronized void seen(boolean on, long version) {
        if (version != modeVersion || on == modeSeen) {
            return;
        }
        modeSeen = on;
        if (on) {
            LOG.info("abuse-guard: failure rule '{}' has its routes under attack (started elsewhere)", rule);
        } else {
            LOG.info("abuse-guard: failure rule '{}' has its routes no longer under attack", rule);
        }
    }

    /** How many times this instance started the mode: a read begun before the latest start is stale. */
    private volatile long modeVersion;

    /** This instance's own start of the mode, logged by its caller. */
    private synchronized void started() {
        modeVersion++;
        modeSeen = true;
    }

    /**
     * Whether the route was under attack when this instance last asked ({@link #isUnderAttack}): a request's own
     * check asked just before its outcome is heard, so {@link #noting} needs no store step of its own.
     */
    private volatile boolean modeSeen;

    /** Whether the mode was on when a request of the route last asked ({@link #isUnderAttack}): no store step. */
    boolean modeSeen() {
        return modeSeen;
    }

    /**
     * Hears that client site {@code site} failed {@code siteFailures} times (in this window, or in find-time
     * where the rule's key is the site): from {@code min-failures} on, the site is under attack on its own
     * for the mode's duration, renewed while it goes on failing, whatever the route's count. One site cannot start the
     * route's mode, which would refuse everyone's fresh clients, but its own many prefixes or user names
     * must not fail unseen either.
     */
    void heardSite(String site, long siteFailures, long nowMillis) {
        if (siteFailures < settings.minFailures()) {
            return;
        }
        // A count read past a request (counting: requests) may step over the threshold's multiples, so any
        // failure past it renews the mode; the site entered last is renewed at most every half duration.
        long durationMillis = settings.duration().toMillis();
        SiteEntered last = lastSiteEntered;
        if (last.site().equals(site) && nowMillis >= last.at() && nowMillis - last.at() < durationMillis / 2) {
            return;
        }
        sites.enter(site, nowMillis);
        lastSiteEntered = new SiteEntered(site, nowMillis);
    }

    /**
     * Notes that client {@code clientKey} (an IPv6 /64) failed while its site failed past its share or was
     * under attack on its own, or earned its history while the site was: at the site under attack, its history
     * does not vouch for it for {@code historyTtl}. Written only then, so a site failing within its share
     * costs nothing more.
     */
    void distrust(String clientKey, Duration historyTtl) {
        distrustedClients.ban(clientKey, historyTtl);
    }

    /**
     * Forgets what the route's modes hold against {@code clientKey}, on every instance: an operator's unban. It is no
     * longer distrusted ({@link #distrust}); a client that is its own site (an IPv4 address) is taken out of its site's
     * mode and is no longer remembered for starting the route's mode. An IPv6 /64 is not: its site (the /48) holds
     * other clients, which the operator did not name.
     */
    void trust(String clientKey, long nowMillis) {
        distrustedClients.liftEverywhere(clientKey);
        if (IpAddresses.site(clientKey).equals(clientKey)) {
            sites.exit(clientKey);
            starters.forget(clientKey);
            // and its failures of the window forgotten: the next one heard by an instance that did not put the site in
            // its mode (and so does not remember doing it) read them and put it there again, on every instance
            // (probe69b F1: one wrong password after an unban, 15 minutes of site-under-attack again)
            String window = clientKey + '@' + Math.floorDiv(nowMillis, windowMillis);
            long counted = siteFailures.get(window);
            if (counted > 0) {
                long left = siteFailures.add(window, -counted);
                if (left < 0) {
                    // another unban forgot them between this one's read and its add (review117 F3): forgotten, not
                    // owed, or the site would fail that many more times unseen in the window; each gives back only its
                    // own overshoot, or three at once gave back the failures twice (review118 F3)
                    siteFailures.add(window, Math.min(-left, counted));
                }
            }
        }
    }

    /** Whether the history of {@code clientKey} does not vouch for it at its site; see {@link #distrust}. */
    boolean distrusted(String clientKey) {
        return distrustedClients.isBanned(clientKey);
    }

    /**
     * Notes that client {@code clientKey} earned its history (a proof, a first success) while the route is
     * under attack, or while its site is remembered for starting the route's mode ({@code starterFor} left of
     * that memory): that history does not vouch for it on the route's mode, for the longest a mode lasts or
     * the rest of the site's memory, whichever is longer, so that fresh addresses cannot buy themselves into
     * the mode one proof or page load each, nor a crowd into its next mode (review132 F6: a site remembered 12
     * durations for its third start earned a history whose mark ran out after 6).
     */
    void distrustNewcomer(String clientKey, boolean proved, Duration starterFor) {
        Duration markFor = starterFor.compareTo(newcomerFor) > 0 ? starterFor : newcomerFor;
        newcomers.ban(clientKey, markFor);
        if (proved && newcomerBudget > 0) {
            provedNewcomers.ban(clientKey, markFor);
        }
    }

    /**
     * Notes that {@code clientKey} solved the browser proof while the route is under attack, on a rule whose own
     * history vouches per resource: a client without one for the resource it asks for tries its {@code
     * newcomer-attempts} ({@link #admitsNewcomer}).
     */
    void provedDuringMode(String clientKey) {
        if (newcomerBudget > 0) {
            provedNewcomers.ban(clientKey, newcomerFor);
        }
    }

    /**
     * Whether newcomer {@code clientKey} ({@link #isNewcomer}) is let through the mode once more: it solved the
     * browser proof during the mode, its site did not start the mode, and this is one of its first {@code
     * newcomer-attempts} requests to the route in the current {@code duration} (counted here, atomically, so
     * racing requests cannot outnumber it). A new user signs in while the mode refuses everyone it does not know
     * (probe45b F1: ten addresses every five minutes kept it on and every new user out); an attacker's fresh
     * address buys that many guesses per proof and duration, where the address's own limits would have given it
     * their {@code max-retry}.
     */
    boolean admitsNewcomer(String clientKey, long nowMillis) {
        return provedNewcomers.isBanned(clientKey)
                && !starters.contains(clientKey, nowMillis)
                && newcomerAttempts.add(clientKey, 1) <= newcomerBudget;
    }

    /**
     * Whether a /64 of a site under attack on its own, proved before the mode, is let through once more with a request
     * its history does not vouch for (a gift card it never looked up): one of its first {@code newcomer-attempts} in
     * the current {@code duration}, counted as a newcomer's are (probe85e F1: a neighbour on the attacker's /48 was
     * refused every card it had not looked up before, for as long as the attacker kept the mode on).
     */
    boolean admitsNeighbour(String clientKey) {
        return newcomerAttempts.add(clientKey, 1) <= newcomerBudget;
    }

    /** Whether {@code clientKey} earned its history during the route's mode; see {@link #distrustNewcomer}. */
    boolean isNewcomer(String clientKey) {
        return newcomers.isBanned(clientKey);
    }

    /**
     * Notes a failure of client site {@code site}, its {@code share}-th of the window, as evidence of a surge: not
     * while the site is remembered for having started or extended a mode ({@link ModeStarters}), in which case
     * {@code null}. A failure that {@link Noting notes} its site does so before it is counted, so that a mode this
     * count starts or extends remembers it.
     *
     * @return how the failure noted its site, or {@code null} when it is no evidence
     */
    private @Nullable Noting evidence(String clientKey, String site, long share, long nowMillis) {
        if (starters.contains(site, nowMillis)) {
            return null;
        }
        Noting noting = noting(clientKey, site);
        if (noting.notes(share)) {
            starters.contributed(site);
        }
        return noting;
    }

    /**
     * How a failure within its site's share notes the site among the contributors a mode remembers ({@link
     * ModeStarters}), per window of the route and of the slow window: at the site's first failure there, as a
     * rule.
     */
    enum Noting {
        /** At the site's first failure of the window: no mode on, or an IPv4 address, which is its own site. */
        FIRST,
        /**
         * At each failure within the share: an IPv6 client during the mode, whose site's first failure may have
         * been a newcomer's, not noted; a newcomer's failures past its first attempt.
         */
        EACH,
        /**
         * Never: a newcomer's failure on its first attempt during the mode (probe49b F2: a new user's typo, the first
         * failure of a window while the crowd's count surged, extended the mode, and its address was remembered with
         * the crowd and refused its right password). It still counts.
         */
        NONE;

        boolean notes(long share) {
            return this == EACH || (this == FIRST && share == 1);
        }
    }

    /**
     * How a failure of {@code clientKey}, of client site {@code site}, notes the site ({@link Noting}), the mode as
     * its request's check saw it: a look-up only during the mode.
     */
    Noting noting(String clientKey, String site) {
        if (!modeSeen) {
            return Noting.FIRST;
        }
        if (newcomerBudget > 0 && provedNewcomers.isBanned(clientKey)) {
            // only its first attempt's failure, a new user's typo: a newcomer failing again is noted at that failure
            // (review51 F3: ten fresh addresses that proved during the mode extended it, went unremembered, and put
            // 47 of 50 guesses through once it ended)
            // (review52 F4: a newcomer let through without its attempt counted, by its history of the resource, has
            // none: noted at each failure, not at none)
            return newcomerAttempts.get(clientKey) == 1 ? Noting.NONE : Noting.EACH;
        }
        return site.equals(clientKey) ? Noting.FIRST : Noting.EACH;
    }

    /**
     * Whether the site of {@code clientKey} started or extended a mode of the route and is remembered for it:
     * the mode's refusal holds for it on its own ({@link ModeStarters}).
     */
    boolean startedMode(String clientKey, long nowMillis) {
        return starters.contains(clientKey, nowMillis);
    }

    /** How long the site of {@code clientKey} is still remembered for starting or extending a mode; zero if not. */
    Duration startedModeFor(String clientKey, long nowMillis) {
        return starters.remaining(clientKey, nowMillis);
    }

    /**
     * Hears a failure that names an account, or might: before it is counted, so that a mode it starts finds its
     * site unredeemed ({@link Redemptions#failed}).
     */
    void failedOnAccount(GuardRequest request, long nowMillis) {
        if (redemptions != null) {
            redemptions.failed(request, nowMillis);
        }
    }

    /**
     * Hears a success on an account, which may redeem its site's typos on it ({@link Redemptions#succeeded}).
     *
     * @return how many failures it redeemed
     */
    long succeededOnAccount(GuardRequest request, long nowMillis) {
        return redemptions == null ? 0 : redemptions.succeeded(request, nowMillis);
    }

    /** The site this instance last put under attack on its own, and when. */
    private record SiteEntered(String site, long at) {}

    private volatile SiteEntered lastSiteEntered = new SiteEntered("", Long.MIN_VALUE);

    /**
     * Whether the client site of {@code clientKey} is under attack on its own; see {@link #heardSite}. A site
     * is looked up only while some site is: one this instance put there, or, read from the store at most
     * every {@value #SITE_MARKER_REFRESH_MILLIS} ms, one another instance (or this one before a restart) did.
     */
    boolean isSiteUnderAttack(String clientKey, long nowMillis) {
        return sites.contains(clientKey, nowMillis);
    }

    /** The client sites under attack on their own now, at most {@code limit}, each with the time it has left. */
    java.util.List<io.github.abuseguard.store.BannedKey> sitesUnderAttack(int limit) {
        return sites.active(limit);
    }

    /** How long this instance trusts what it last read of the store's marker of sites under attack. */
    static final long SITE_MARKER_REFRESH_MILLIS = 1000;

    /**
     * Hears an outcome that is no evidence either way (a failure past its key's share):
     * it counts neither as a failure nor as a request, and only moves the learning on.
     */
    void pass(long nowMillis) {
        learnUpTo(Math.floorDiv(nowMillis, windowMillis));
        slow.pass(nowMillis);
    }

    /**
     * Hears a success that counts in the route's ratio, and in the slow window's when {@code inSlowWindow}
     * (the first of its account there, within its site's share: {@link DistinctSuccesses}).
     */
    void recordSuccess(long nowMillis, boolean inSlowWindow) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        learnUpTo(epoch);
        counts.add(keys(epoch).requests(), 1);
        if (inSlowWindow) {
            slow.succeeded(nowMillis);
        } else {
            slow.pass(nowMillis);
        }
    }

    /** The most failures one client site adds to the slow window's count. */
    long slowSiteShare() {
        return slow.siteShare();
    }

    /**
     * Counts a failure in the route's window; may put the route under attack, or extend the mode while the
     * surge goes on. A failure past its key's share is to be {@linkplain #pass passed}.
     */
    private void countFailure(long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        learnUpTo(epoch);
        WindowKeys window = keys(epoch);
        // Each count with its previous window's in one store step: two round trips on a shared store, not four.
        long[] requests = counts.addAndGet(window.requests(), 1, window.previousRequests());
        long[] failures = counts.addAndGet(window.failures(), 1, window.previousFailures());
        long remaining = windowMillis - Math.floorMod(nowMillis, windowMillis);
        long slidingFailures = sliding(failures, remaining);
        long slidingRequests = sliding(requests, remaining);
        // Far above the learned count, failures mean an attack at a lower share: an attacker's own
        // successful requests must not dilute the ratio below the trigger. The share must still rise over
        // its baseline, so a crowd failing at the usual rate (everyone logged out at once) is no attack.
        double ratio = (double) slidingFailures / Math.max(1, slidingRequests);
        long threshold = failureThreshold();
        if (slidingFailures < threshold) {
            // Short of the count on its own: the forgiven retries make it up where the ratio would start the
            // mode. As this instance last read them (no round trip): a retry reads them fresh and checks too.
            if (ratio >= ratioThreshold() && slidingFailures + retriesRead(epoch, remaining) >= threshold) {
                surged(epoch, nowMillis, false);
            }
            return;
        }
        // The lower ratio of a count far above the baseline only once there is a baseline: right after a
        // start, a crowd signing in again at its usual typo rate (10-12%) is not an attack.
        boolean surging = ratio >= ratioThreshold()
                || (baseline.windows() >= LEARNED_WINDOWS
                        && slidingFailures >= absoluteThreshold()
                        && ratio >= absoluteRatioThreshold());
        if (surging) {
            surged(epoch, nowMillis, false);
        }
    }

    /**
     * Hears a retry a distinct rule forgave as a typo (a pair's second or third failure), within its site's
     * share: a failure of the count, never of the ratio. A crowd signing in again, its users retrying their
     * mistyped passwords, fails more often but at its usual share, which the ratio keeps from starting the
     * mode; a crowd of addresses guessing a few times each at accounts, one address or a few per account,
     * fails at a share near one, and its guesses past each pair's first make up the count. Two round trips on
     * a shared store (the window's retries, then its failures), a third only once the count is reached. The
     * retries read are kept, so that a failure short of the count on its own adds them without a round trip.
     */
    void recordRetry(long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        learnUpTo(epoch);
        WindowKeys window = keys(epoch);
        long remaining = windowMillis - Math.floorMod(nowMillis, windowMillis);
        long[] retries = counts.addAndGet(window.retries(), 1, window.previousRetries());
        lastRetries = new RetriesRead(epoch, retries[0], retries[1]);
        long slidingRetries = sliding(retries, remaining);
        long slidingFailures = sliding(counts.get(window.failures(), window.previousFailures()), remaining);
        if (slidingFailures + slidingRetries < failureThreshold()) {
            return;
        }
        long slidingRequests = sliding(counts.get(window.requests(), window.previousRequests()), remaining);
        if ((double) slidingFailures / Math.max(1, slidingRequests) >= ratioThreshold()) {
            surged(epoch, nowMillis, false);
        }
    }

    /**
     * Hears a failure of client {@code clientKey} of site {@code site}, the site's {@code share}-th of the window
     * ({@link #siteFailures}): within the site's share ({@link #perKeyCap}) {@linkplain #countFailure counted} in the
     * route's window, and in any case judged by the slow window, whose own share per site bounds it (review51 F1: a
     * crowd sending each address's 19 names within 10 s reached it with 2 failures an address, and 5,605 of 5,605
     * guesses an hour got through), which may start the mode or extend it (at most once per window, as a surge of
     * the window does) while a crowd too slow for the window goes on failing. A site remembered for a mode adds
     * nothing. {@code guess} says what the failure tells of its site's guessing ({@link SlowSurge.Guess}).
     */
    void recordFailure(String clientKey, String site, long share, long nowMillis, SlowSurge.Guess guess) {
        Noting noting = evidence(clientKey, site, share, nowMillis);
        if (noting == null) {
            pass(nowMillis);
            return;
        }
        if (share <= perKeyCap()) {
            countFailure(nowMillis);
        } else {
            learnUpTo(Math.floorDiv(nowMillis, windowMillis));
        }
        surgedSlowly(slow.failed(site, nowMillis, noting, guess), nowMillis);
    }

    /**
     * As {@link #recordFailure}, for a retry forgiven as a typo: within the site's share, {@link #recordRetry(long)},
     * then the slow window; past it, nothing.
     */
    void recordRetry(String clientKey, String site, long share, long nowMillis) {
        Noting noting = share <= perKeyCap() ? evidence(clientKey, site, share, nowMillis) : null;
        if (noting == null) {
            pass(nowMillis);
            return;
        }
        recordRetry(nowMillis);
        surgedSlowly(slow.retried(site, nowMillis, noting), nowMillis);
    }

    /** Enters or extends the mode on the slow window's surge, unless this window already did. */
    private void surgedSlowly(boolean surging, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        if (surging && extendedEpoch.get() < epoch) {
            surged(epoch, nowMillis, true);
        }
    }

    /** The forgiven retries of a window and of the one before it, as this instance last counted them. */
    private record RetriesRead(long epoch, long current, long previous) {}

    private volatile RetriesRead lastRetries = new RetriesRead(Long.MIN_VALUE, 0, 0);

    /** The sliding count of forgiven retries in window {@code epoch}, from what this instance last read. */
    private long retriesRead(long epoch, long remaining) {
        RetriesRead read = lastRetries;
        if (read.epoch() == epoch) {
            return read.current() + read.previous() * remaining / windowMillis;
        }
        return read.epoch() == epoch - 1 ? read.current() * remaining / windowMillis : 0;
    }

    /** A count of this window and of the previous one weighted by the part of it still in the sliding window. */
    private long sliding(long[] currentAndPrevious, long remaining) {
        return currentAndPrevious[0] + currentAndPrevious[1] * remaining / windowMillis;
    }

    /**
     * Enters the mode, or extends it while the surge goes on; either way the sites whose failures made the
     * surge are remembered ({@link ModeStarters}): those of the route's window, and when the slow window
     * surged ({@code slowly}), those of its count too, as the paced crowd that made it is far more than the
     * sites of the last two windows.
     */
    private void surged(long epoch, long nowMillis, boolean slowly) {
        if (!isUnderAttack()) {
            if (forgiven(epoch)) {
                return; // the window's sliding count still holds a false alarm's failures
            }
            modes.ban(rule, settings.duration());
            modes.ban(limitKey, extensibleFor);
            started(); // this instance's own start, logged here
            entered.incrementAndGet();
            LOG.warn(
                    "abuse-guard: failure rule '{}' put its routes under attack for {} ({}): clients without a history"
                            + " are refused ({})",
                    rule,
                    Durations.written(settings.duration()),
                    slowly ? "failures of many client sites over the slow window" : "a surge of failures in a window",
                    settings.action().name().toLowerCase(java.util.Locale.ROOT));
            extendedEpoch.set(epoch);
            starters.remember(nowMillis, slowly);
            slow.spend();
            return;
        }
        long last = extendedEpoch.get();
        // The surge goes on: extended at most once per window, and only within the longest total length.
        if (last < epoch && extendedEpoch.compareAndSet(last, epoch)) {
            if (modes.isBanned(limitKey)) {
                modes.ban(rule, settings.duration());
            }
            starters.remember(nowMillis, slowly);
            slow.spend();
        }
    }

    /**
     * The failures per window that start the mode at a ratio of {@link #absoluteRatioThreshold()}: the
     * multiplier times the count threshold.
     */
    long absoluteThreshold() {
        return (long) Math.ceil(settings.multiplier() * failureThreshold());
    }

    /**
     * The failure ratio the absolute count also needs: half of min-ratio or twice the baseline ratio,
     * whichever is higher, never above the ratio threshold itself.
     */
    double absoluteRatioThreshold() {
        double wanted = Math.max(settings.minRatio() / 2.0, 2.0 * baseline.ratio());
        return Math.min(wanted, ratioThreshold());
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
            // A window that reached the count is never normal, even if the ratio kept the mode off: an
            // attacker padding its failures with its own successes must not teach the route its count.
            // Below it, learning is clipped, so that a ramp kept just under the count is learned slowly.
            if (requestsAndFailures[0] > 0 && requestsAndFailures[1] < failureThreshold()) {
                baseline = learn(baseline, requestsAndFailures[1], requestsAndFailures[0]);
            }
        }
    }

    Baseline baseline() {
        return baseline;
    }

    /** The slow window's judgement, for reports. */
    SlowSurge slow() {
        return slow;
    }

    void baseline(Baseline imported) {
        this.baseline = imported;
    }

    long timesEntered() {
        return entered.get();
    }

    /**
     * Ends the mode by hand, and forgets the sites that started it: a false alarm. The slow window forgives
     * what it counted so far (review12 M3: its sliding count still held the false alarm's failures, and the
     * next typo started the mode again), and so does the route's window, on every instance.
     */
    void lift(long nowMillis) {
        modes.liftEverywhere(rule); // an operator's: no instance's copy may bring the mode back after a loss
        modes.liftEverywhere(limitKey);
        starters.forget(nowMillis);
        slow.forgive(nowMillis);
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        forgivenThrough = epoch;
        counts.add(FORGIVEN + epoch, 1);
    }

    /** The key prefix of the count of an operator's ends of the mode in a window, beside the window's counts. */
    private static final String FORGIVEN = "x@";

    /** The last window an operator's end of the mode forgave, as this instance knows it; see {@link #forgiven}. */
    private volatile long forgivenThrough = Long.MIN_VALUE + 1;

    /**
     * Whether an operator ended the mode, through any instance, in window {@code epoch} or the one before it, whose
     * failures the sliding count still holds (the slow window forgives its own: {@link SlowSurge#forgive}): then a
     * surge of them starts no mode (an ended false alarm restarted at the next typo within 20 s). Read from the store
     * only when a surge would start the mode.
     */
    private boolean forgiven(long epoch) {
        if (epoch <= forgivenThrough + 1) {
            return true;
        }
        long[] ends = counts.get(FORGIVEN + epoch, FORGIVEN + (epoch - 1));
        if (ends[0] > 0 || ends[1] > 0) {
            forgivenThrough = Math.max(forgivenThrough, ends[0] > 0 ? epoch : epoch - 1);
            return true;
        }
        return false;
    }
}
