package io.github.abuseguard.volume;

import io.github.abuseguard.internal.BaselineGrowth;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.internal.ModeStarterSites;
import io.github.abuseguard.internal.SiteModes;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The population-level distinct-resource count of one rule's routes; see {@link UnderScrape}.
 *
 * <p>Each window is cut into {@value #SLICES} slices. The distinct resources are counted per window; the
 * fresh ones (new to the window, absent from the previous one) and the requests also per slice, so that
 * the decision slides: it does not wait for a window boundary, and the share of fresh resources is taken
 * over the last {@value #RECENT_SLICES} slices, where a burst of returning readers long past does not
 * hide a scrape that goes on now.
 *
 * <p>All its state is in the store, shared by instances; what this instance keeps is only there to save
 * store operations on the request path: requests are counted here and added to the store's count of the
 * slice in batches of {@value #REQUEST_BATCH}, at least every quarter slice, at the end of a slice and
 * before the count is read; a register this instance already saw filled in the window is not sent again
 * (the store's register only grows within a window); the fresh count of the finished window is read once
 * per window; the recent slices are read at most every tenth of a slice or every
 * {@value #EVALUATE_EVERY} fresh resources this instance found, and only once the count can reach the
 * threshold; and whether the routes are under scrape is read from the store at most every
 * {@value #MODE_REFRESH_MILLIS} ms (or a tenth of the window, if shorter), at once when this instance
 * starts or extends the mode.
 */
final class RouteScrapeWatch {
    private static final Logger LOG = LoggerFactory.getLogger(RouteScrapeWatch.class);

    private static final int REGISTERS = 4096;
    /** The most new resources one fresh register is taken to stand for, however full the last window's sketch. */
    static final double MAX_FRESH_WEIGHT = 64;
    /**
     * One client's distinct resources reach the count only up to {@code minDistinct / MIN_CLIENTS} (and
     * its own bound) per window, so no single client makes a scrape.
     */
    static final int MIN_CLIENTS = 4;
    /**
     * The fewest clients that must have found fresh resources in this window and the last together before
     * the routes are put under scrape or kept there: the mode refuses third parties (every API-only reader
     * without a history), so it takes evidence from about ten clients; at four, four addresses of 26
     * requests each started it at a cold start. Counted as filled registers (placed by the secret seed) of a small sketch of client
     * keys, so at least {@code MIN_CONTRIBUTORS} different clients (a few more when two share a register). Not per network: a real scrape from
     * one /24 still starts it. Over the two windows together, not the larger of the two (probe22 F3: nine
     * addresses per 10 s window, each reading its max-distinct and moving on, passed 1,000 of 1,000 new
     * games at 25 a second; counted together they are eighteen).
     */
    static final int MIN_CONTRIBUTORS = 10;

    /**
     * The most contributors one client site (an IPv6 /48 of many client keys) counts as, however many client shares of
     * fresh resources its keys find: a third of {@link #MIN_CONTRIBUTORS}, so that no one subscriber, nor two, puts the
     * route under scrape for everyone (probe78a F1: one /48 whose /64s had proved beforehand read on within its budget
     * and counted as 12 contributors, and every reader was held to the mode's bound). Four heavy /48s still start it.
     */
    static final int MAX_SITE_CONTRIBUTIONS = 3;
    /**
     * Windows per long window: {@code MIN_CONTRIBUTORS} clients that each found half a client's share of fresh
     * resources ({@code min-distinct / MIN_CLIENTS / 2}) within one window, in this long window and the last together, also make
     * enough (probe70c F1: four fresh addresses per 10 s window, each reading its bound and moving on, were never ten
     * in two windows, and read 720 new games a minute, none refused; in six windows they are twenty-four). Only such
     * heavy readers: counting every client that found one fresh resource let four addresses and six ordinary readers
     * spread over two minutes start the mode (review71 F1). A crowd that stays under ten heavy readers in two long
     * windows adds about four clients' bounds per long window.
     */
    static final int LONG_WINDOWS = 6;
    /** Registers of the sketch of contributing clients per pair of windows. */
    private static final int CONTRIBUTOR_REGISTERS = 256;
    /** The longest a mode lasts, extensions included, in multiples of its duration; then fresh evidence must re-enter it. */
    static final int MAX_DURATIONS = 6;
    /** Requests counted here before they are added to the store's count. */
    static final int REQUEST_BATCH = 64;
    /** How long this instance trusts what it last read of the mode. */
    static final long MODE_REFRESH_MILLIS = 1000;
    /** Slices per window. */
    static final int SLICES = 10;
    /** The slices (the current one and those just before) over which the share of fresh resources is taken. */
    static final int RECENT_SLICES = 3;
    /** Fresh resources this instance finds before it reads the recent slices again, whatever the clock. */
    static final int EVALUATE_EVERY = 8;
    /**
     * Key prefixes in the rule's counters: requests per slice, registers (and their filled count) per window,
     * fresh ones per window and per slice.
     */
    private static final String REQUESTS = "q@";

    private static final String REGISTERS_FILLED = "d@";
    private static final String FRESH = "f@";
    private static final String FRESH_IN_SLICE = "s@";
    private static final String CONTRIBUTORS = "k@";
    /** The sketch of contributing clients of a long window and the last, in {@link #longCounts}. */
    private static final String LONG_CONTRIBUTORS = "m@";
    /** Fresh resources one client site found in a window, keyed by window and site. */
    private static final String SITE_FRESH = "t@";

    private static final double LEARNING_RATE = 0.1;
    /** Windows learned before the baseline counts; until then only the floor applies. */
    static final int LEARNING_WINDOWS = 30;
    /** The fewest sampled resources the floor must stand for, so that noise cannot reach it. */
    private static final int SAMPLED_AT_FLOOR = 64;

    private final String rule;
    private final UnderScrape settings;
    private final Counters counts;
    private final Bans modes;
    /**
     * Client sites under scrape on their own: a site (an IPv4 address, an IPv6 /48) that alone found
     * {@code min-distinct} fresh resources in a window. It is one contributor to the route's mode, so it
     * cannot start that mode, whatever its many prefixes read.
     */
    private final SiteModes sites;
    /**
     * The IPv6 sites whose /64s spent their shared budget of fresh resources while the route or the site was under
     * scrape ({@link #spend}): every /64 of such a site is refused for the mode's duration, as one without a history.
     */
    private final SiteModes spentSites;
    /** The resources each IPv6 site read while the route or the site was under scrape, over the mode's duration. */
    private final Counters siteBudgets;
    /** Which resources each IPv6 site read while the route or the site was under scrape: a key per site and resource. */
    private final Counters siteResources;
    /**
     * The IPv6 clients (/64s) that earned their history while their site was under scrape on its own, each for
     * {@code history-ttl}: at that site, their history does not vouch for them, while the site's readers
     * with a history from before go on within their bound.
     */
    private final Bans distrusted;
    /** The key of the ban that bounds the mode's total length: set on entering, never extended. */
    private final String limitKey;
    /**
     * The sites whose fresh resources started or extended the mode, remembered after it ({@link
     * ModeStarterSites}): the guard does not count their resources, and holds the mode's refusal for them
     * on their own (probe22 F2: twelve addresses started the mode, the same kind of crowd kept it on).
     */
    private final ModeStarterSites starters;
    /** The sites that found fresh resources, noted at their first of a window; see {@link #starters}. */
    private final ModeStarterSites.Notes contributors;
    /**
     * The sites that found half a client's share in a window, noted for two long windows: they count toward the mode over
     * the long windows, so they are remembered with its starters over them too (review71 F2).
     */
    private final ModeStarterSites.Notes heavyContributors;
    /** The last window in which this instance extended the mode. */
    private final AtomicLong extendedEpoch = new AtomicLong(Long.MIN_VALUE);

    private final long windowMillis;
    private final BaselineGrowth growth;
    private final int sampleBits;
    /** The volume guard's hash seed, the same on every instance of a shared store. */
    private final long seed;
    /** The last slice this instance heard a request in. */
    private final AtomicLong lastSlice = new AtomicLong(Long.MIN_VALUE);
    /** Requests of the slice {@link #lastSlice} not yet added to the store. */
    private final AtomicLong pendingRequests = new AtomicLong();
    /** The longest this instance holds requests back: a quarter slice. */
    private final long flushMillis;

    private volatile long lastFlushAt;
    /** When this instance last read the recent slices, and the fresh resources it found since. */
    private volatile long lastEvaluatedAt = Long.MIN_VALUE;

    private final AtomicLong freshSinceEvaluated = new AtomicLong();
    private final long evaluateMillis;
    /** The fresh count of a finished window, as read. */
    private record FreshRead(long epoch, long fresh) {}

    private volatile FreshRead previousFresh = new FreshRead(Long.MIN_VALUE, 0);
    /** The filled registers of a finished window, as read. */
    private record FilledRead(long epoch, long filled) {}

    private volatile FilledRead previousFilled = new FilledRead(Long.MIN_VALUE, 0);
    /** Per register, the low bits of the last window this instance saw it filled in. */
    private final int[] seenFilled = new int[REGISTERS];
    /** Per contributor register, the low bits of the last window this instance saw it filled in. */
    private final int[] seenContributor = new int[CONTRIBUTOR_REGISTERS];
    /** Per contributor register, the low bits of the last long window this instance saw it filled in. */
    private final int[] seenLongContributor = new int[CONTRIBUTOR_REGISTERS];
    /** The long windows' sketches, each kept two long windows. */
    private final Counters longCounts;

    private final long modeRefreshMillis;
    /** What this instance last knew of the mode, and when: one object, so the two are never torn apart. */
    private record ModeRead(boolean under, long at) {}

    private static final ModeRead NEVER_READ = new ModeRead(false, Long.MIN_VALUE);

    private final java.util.concurrent.atomic.AtomicReference<ModeRead> mode =
            new java.util.concurrent.atomic.AtomicReference<>(NEVER_READ);
    private volatile double baseline;
    private volatile double baselineRatio;
    private volatile long windowsLearned;

    RouteScrapeWatch(String rule, UnderScrape settings, StateStore store, Bans modes, long seed) {
        this.rule = rule;
        this.seed = seed;
        this.settings = settings;
        this.windowMillis = settings.window().toMillis();
        long sliceMillis = Math.max(1, windowMillis / SLICES);
        this.flushMillis = Math.max(1, sliceMillis / 4);
        this.evaluateMillis = Math.max(1, sliceMillis / 10);
        this.counts = store.counters("volume:route:" + rule, Duration.ofMillis(2 * windowMillis));
        this.longCounts =
                store.counters("volume:route-contributors:" + rule, Duration.ofMillis(2 * LONG_WINDOWS * windowMillis));
        this.modes = modes;
        this.limitKey = rule + "#extensible";
        this.growth = new BaselineGrowth(settings.window(), LEARNING_RATE);
        // Only paths whose hash has the top sampleBits clear are counted: as few as keep the floor at
        // SAMPLED_AT_FLOOR sampled resources, so that most requests pay nothing for the count.
        int factor = Math.max(1, settings.minDistinct() / SAMPLED_AT_FLOOR);
        this.sampleBits = 31 - Integer.numberOfLeadingZeros(factor);
        this.modeRefreshMillis = Math.max(1, Math.min(MODE_REFRESH_MILLIS, windowMillis / 10));
        this.sites = new SiteModes(
                store, "volume:under-scrape-sites:" + rule, modes, rule, settings.duration(), modeRefreshMillis);
        this.distrusted = store.bans("volume:under-scrape-clients:" + rule);
        this.spentSites = new SiteModes(
                store, "volume:spent-sites:" + rule, modes, rule + "#spent", settings.duration(), modeRefreshMillis);
        this.siteBudgets = store.counters("volume:site-budgets:" + rule, settings.duration());
        this.siteResources = store.counters("volume:site-resources:" + rule, settings.duration());
        this.starters = new ModeStarterSites(
                store, "volume:scrape-starters", rule, modes, settings.duration(), modeRefreshMillis);
        this.contributors = new ModeStarterSites.Notes(store, "volume:scrape-contributors:" + rule, settings.window());
        this.heavyContributors = new ModeStarterSites.Notes(
                store,
                "volume:scrape-heavy-contributors:" + rule,
                settings.window().multipliedBy(LONG_WINDOWS));
        java.util.Arrays.fill(seenFilled, Integer.MIN_VALUE);
        java.util.Arrays.fill(seenContributor, Integer.MIN_VALUE);
        java.util.Arrays.fill(seenLongContributor, Integer.MIN_VALUE);
    }

    /** Whether the routes are under scrape now, read from the store: for reports. */
    boolean isUnderScrape() {
        return modes.isBanned(rule);
    }

    /** Whether the routes are under scrape, as last read from the store; see the class description. */
    boolean isUnderScrape(long nowMillis) {
        ModeRead read = mode.get();
        long readAt = read.at();
        if (readAt != Long.MIN_VALUE && nowMillis >= readAt && nowMillis - readAt < modeRefreshMillis) {
            return read.under();
        }
        boolean under = modes.isBanned(rule);
        // kept only if nothing newer was learnt meanwhile: a read from before this instance started the
        // mode must not undo it
        if (mode.compareAndSet(read, new ModeRead(under, nowMillis)) && under != read.under()) {
            // another instance started it (or this one before a restart), or its duration ran out: the operator
            // learns both from the log, once per instance (user71 F4)
            if (under) {
                LOG.info("abuse-guard: volume rule '{}' has its routes under scrape (started elsewhere)", rule);
            } else {
                LOG.info("abuse-guard: volume rule '{}' has its routes no longer under scrape", rule);
            }
        }
        return under;
    }

    /**
     * Whether the client site of {@code clientKey} is under scrape on its own; see {@link #sites}. A site
     * is looked up only while some site is: one this instance put there, or, read from the store at most
     * as often as the route's mode, one another instance (or this one before a restart) did.
     */
    boolean isSiteUnderScrape(String clientKey, long nowMillis) {
        return sites.contains(clientKey, nowMillis);
    }

    /**
     * Whether the site of {@code clientKey} started or extended the mode and is remembered for it ({@link
     * #starters}): its resources are no evidence, and the mode's refusal holds for it on its own. Looked up
     * in the store only while some site is remembered, as {@link #isSiteUnderScrape}.
     */
    boolean startedMode(String clientKey, long nowMillis) {
        return starters.contains(clientKey, nowMillis);
    }

    /** Notes that {@code clientKey} earned its history while its site was under scrape; see {@link #distrusted}. */
    void distrust(String clientKey, Duration historyTtl) {
        distrusted.ban(clientKey, historyTtl);
    }

    /** Whether the history of {@code clientKey} does not vouch for it at its site; see {@link #distrust}. */
    boolean distrusted(String clientKey) {
        return distrusted.isBanned(clientKey);
    }

    /**
     * Whether the IPv6 site of {@code clientKey} spent its budget of fresh resources under scrape ({@link #spend}):
     * no history of its /64s vouches for them until the mode's duration has passed.
     */
    boolean siteSpent(String clientKey, long nowMillis) {
        return spentSites.contains(clientKey, nowMillis);
    }

    /**
     * Whether the site of {@code clientKey} found half a client's share of fresh resources within one window of the
     * last long windows ({@link #heavyContributors}): a reader of many, not a carrier whose subscribers read a game
     * each before a mode (review75 F1).
     */
    boolean heavyReader(String clientKey) {
        return heavyContributors.noted(IpAddresses.site(clientKey));
    }

    /**
     * Counts a resource a client of an IPv6 site with a history read while the route or the site is under scrape, if
     * none of the site's /64s read it before in the mode's duration. Each of the site's /64s with a proof from
     * before reads on within its bound, and a /48 holds 65,536 of them, each a few milliseconds of a core away
     * (probe73a F2: 1,000 proved /64s of one /48 read 10,000 of 10,000 fresh games under scrape); so they share
     * twice {@code min-distinct} resources over the mode's duration, after which every /64 of the site is refused as
     * one without a history ({@link #siteSpent}). Two store steps, and only for such a client during a mode.
     */
    void spend(String clientKey, long resourceHash, long nowMillis) {
        String site = IpAddresses.site(clientKey);
        if (siteResources.add(site + '#' + Long.toHexString(resourceHash), 1) != 1) {
            return; // read by the site's /64s before: one resource, however many of them read it
        }
        if (siteBudgets.add(site, 1) == 2L * settings.minDistinct()) {
            spentSites.enter(site, nowMillis);
        }
    }

    /**
     * Counts a fresh resource a client site found; at {@code min-distinct} (sampled) and each multiple of it
     * in a window, the site is under scrape on its own for the mode's duration. A site {@code ofManyKeys} (an IPv6
     * /48 of /64 client keys) is another contributor at each client share it finds.
     */
    private void siteFound(long epoch, String site, boolean ofManyKeys, long nowMillis) {
        long found = counts.add(SITE_FRESH + epoch + '#' + site, 1);
        if (found == 1) {
            // its first of the window, before it is counted: whichever instance starts or extends the mode
            // with it lists it from the store; one write per site and window
            contributors.note(site);
        }
        long share = Math.max(1, (settings.minDistinct() / MIN_CLIENTS) >> sampleBits);
        long heavy = Math.max(1, share / 2);
        if (found == heavy) {
            // half a client's share within one window (its count is an estimate, and two resources may share a
            // register): a heavy reader, counted over the long windows too
            heavyContributors.note(site);
            contributedLong(epoch, site);
        }
        if (ofManyKeys && found > share && (found - 1) % share == 0 && (found - 1) / share < MAX_SITE_CONTRIBUTIONS) {
            // A site of many client keys that found more than one client's share is as many contributors as
            // shares: an IPv6 /48 whose /64s each read their bound (probe47b F1: nine /48s found 890 fresh games a
            // window, ~81 a second, as nine contributors, one short of a mode). An address is one client. At most
            // MAX_SITE_CONTRIBUTIONS: one /48 is never the crowd a mode needs (probe78a F1).
            contributed(epoch, site + '#' + (found - 1) / share);
        }
        if (ofManyKeys
                && found > share
                && (found - heavy) % share == 0
                && (found - heavy) / share < MAX_SITE_CONTRIBUTIONS) {
            // over the long windows, each further share counts once half of it is found, as the first does
            // (review72 F2: one game past a share made a /48 two heavy readers)
            contributedLong(epoch, site + '#' + (found - heavy) / share);
        }
        long threshold = Math.max(1, settings.minDistinct() >> sampleBits);
        if (found < threshold || found % threshold != 0) {
            return;
        }
        sites.enter(site, nowMillis);
    }

    private void enter(long nowMillis, boolean byLongWindows) {
        ModeRead read = mode.get();
        if (read.under()) {
            return; // another thread of this instance started it a moment ago: one start, one WARN (probe78a F2)
        }
        // the store first, then this instance's read: a request reading the store meanwhile finds the mode on
        // (review138 F5: read between the two, it undid the start and logged "no longer under scrape")
        modes.ban(rule, settings.duration());
        modes.ban(limitKey, settings.duration().multipliedBy(MAX_DURATIONS - 1));
        if (!mode.compareAndSet(read, new ModeRead(true, nowMillis))) {
            if (mode.get().under()) {
                return; // another thread started it meanwhile, and told it
            }
            mode.set(new ModeRead(true, nowMillis)); // a read from before the ban: the start stands
        }
        LOG.warn(
                "abuse-guard: volume rule '{}' put its routes under scrape for {} ({}): clients without another"
                        + " activity are refused ({}), and so are those past {} distinct resources",
                rule,
                Durations.written(settings.duration()),
                byLongWindows
                        ? "fresh resources found by many client sites over the long windows"
                        : "fresh resources found by many client sites within a window",
                settings.action().name().toLowerCase(java.util.Locale.ROOT),
                settings.maxDistinct());
        rememberStarters(nowMillis, byLongWindows);
    }

    /**
     * Remembers the sites noted since this instance last listed them: on entering the mode and at each
     * extension, a listing and a bounded number of store steps whatever the number of sites. The heavy readers of
     * the long windows only when they, not the window pair, made enough clients (review72 F1: a reader of a dozen
     * new games a minute before a mode the window pair started was remembered as its starter).
     */
    private void rememberStarters(long nowMillis, boolean byLongWindows) {
        Set<String> listed = new LinkedHashSet<>();
        contributors.listSince(nowMillis, listed);
        if (byLongWindows) {
            heavyContributors.listSince(nowMillis, listed);
        }
        starters.remember(listed, nowMillis);
    }

    /** Extends the mode while the scrape goes on: at most once per window, and only within the longest total length. */
    private void extend(long epoch, long nowMillis, boolean byLongWindows) {
        long last = extendedEpoch.get();
        if (last < epoch && extendedEpoch.compareAndSet(last, epoch)) {
            if (modes.isBanned(limitKey)) {
                modes.ban(rule, settings.duration());
                mode.set(new ModeRead(true, nowMillis));
            }
            // past the longest length too: the crowd that would have extended it made the scrape
            rememberStarters(nowMillis, byLongWindows);
        }
    }

    /** The slice of the clock a moment falls in: {@value #SLICES} per window, nested in the windows. */
    private long slice(long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        return epoch * SLICES + (nowMillis - epoch * windowMillis) * SLICES / windowMillis;
    }

    /**
     * Hears one request of the route; may put the route under scrape. Every request is counted; only the
     * sampled paths go on to the sketch, and only a resource new to the window and absent from the previous
     * one (fresh) can start the mode.
     */
    void record(long hash, String client, long nowMillis) {
        long slice = slice(nowMillis);
        long last = lastSlice.get();
        if (slice > last && lastSlice.compareAndSet(last, slice)) {
            if (last != Long.MIN_VALUE) {
                // the requests held back belong to the slice they came in
                flushRequests(last);
                if (Math.floorDiv(last, SLICES) < Math.floorDiv(slice, SLICES)) {
                    learn(Math.floorDiv(last, SLICES), Math.floorDiv(slice, SLICES));
                }
            }
        }
        // at most a quarter of a slice late, so that the share of fresh resources is taken over nearly all
        // requests even where each instance sees too few to fill a batch
        if (pendingRequests.incrementAndGet() >= REQUEST_BATCH || nowMillis - lastFlushAt >= flushMillis) {
            lastFlushAt = nowMillis;
            flushRequests(slice);
        }
        if (sampleBits > 0 && hash >>> (64 - sampleBits) != 0) {
            return;
        }
        long epoch = Math.floorDiv(slice, SLICES);
        int register = (int) (hash & (REGISTERS - 1));
        if (seenFilled[register] == (int) epoch) {
            return; // filled in this window already: the store's register only grows
        }
        seenFilled[register] = (int) epoch;
        if (counts.add(REGISTERS_FILLED + epoch + '#' + register, 1) != 1) {
            return;
        }
        long filled = counts.add(REGISTERS_FILLED + epoch, 1);
        if (counts.get(REGISTERS_FILLED + (epoch - 1) + '#' + register) != 0) {
            return; // asked for in the previous window too: readers come back, scrapers move on
        }
        long fresh = counts.add(FRESH + epoch, 1);
        counts.add(FRESH_IN_SLICE + slice, 1);
        String site = IpAddresses.site(client);
        contributed(epoch, site);
        siteFound(epoch, site, !site.equals(client), nowMillis);
        decide(epoch, slice, filled, fresh, nowMillis);
    }

    /**
     * Puts the route under scrape when the distinct resources of the window, or the fresh ones of the
     * last window's length (sliding over the window boundary), reach the threshold, and the fresh
     * resources are at least the least share of the requests of the recent slices.
     */
    private void decide(long epoch, long slice, long filled, long fresh, long nowMillis) {
        double threshold = threshold();
        boolean counted = estimate(filled) >= threshold;
        double weight = freshWeight(epoch, fresh);
        // fresh in one window means absent from the one before, so no resource is fresh in both: the fresh
        // resources of this window and the last, all of them, bound those of the last window's length
        if (!counted && (fresh * weight + freshIn(epoch - 1)) * (1L << sampleBits) < threshold) {
            return;
        }
        long found = freshSinceEvaluated.incrementAndGet();
        long evaluated = lastEvaluatedAt;
        if (found < EVALUATE_EVERY
                && evaluated != Long.MIN_VALUE
                && nowMillis >= evaluated
                && nowMillis - evaluated < evaluateMillis) {
            return;
        }
        lastEvaluatedAt = nowMillis;
        freshSinceEvaluated.set(0);
        flushRequests(slice);
        if (!counted) {
            // the fresh resources of the last window's length, to the slice
            long sliding = 0;
            for (long s = slice - SLICES + 1; s < slice; s += 2) { // SLICES is even
                long[] pair = counts.get(FRESH_IN_SLICE + s, FRESH_IN_SLICE + (s + 1));
                sliding += pair[0] + pair[1];
            }
            if (sliding * weight * (1L << sampleBits) < threshold) {
                return;
            }
        }
        long recentFresh = 0;
        long recentRequests = 0;
        for (long s = slice - RECENT_SLICES + 1; s <= slice; s++) {
            long[] pair = counts.get(FRESH_IN_SLICE + s, REQUESTS + s);
            recentFresh += pair[0];
            recentRequests += pair[1];
        }
        double recentNew = recentFresh * weight;
        // the recent slices must hold at least two slices' worth of fresh resources at the threshold's pace
        if (recentNew * (1L << sampleBits) < threshold * (RECENT_SLICES - 1) / SLICES) {
            return;
        }
        if (share(recentNew, recentRequests) < ratioThreshold()) {
            return;
        }
        boolean byWindowPair = counts.get(CONTRIBUTORS + epoch) >= MIN_CONTRIBUTORS;
        if (byWindowPair
                || longCounts.get(LONG_CONTRIBUTORS + Math.floorDiv(epoch, LONG_WINDOWS)) >= MIN_CONTRIBUTORS) {
            if (isUnderScrape(nowMillis)) {
                extend(epoch, nowMillis, !byWindowPair);
            } else if (modes.isBanned(rule)) {
                // another instance started it since this one last read it (probe78a F2: each instance, and racing
                // threads, logged a start of one mode): told once, as found, and extended as by a crowd
                ModeRead read = mode.get();
                if (!read.under() && mode.compareAndSet(read, new ModeRead(true, nowMillis))) {
                    LOG.info("abuse-guard: volume rule '{}' has its routes under scrape (started elsewhere)", rule);
                }
                extend(epoch, nowMillis, !byWindowPair);
            } else {
                extendedEpoch.set(epoch);
                enter(nowMillis, !byWindowPair);
            }
        }
    }

    /**
     * Notes that a client site found a fresh resource in the window: a register of the sketch of clients of
     * this window and the last ({@code k@epoch}) and of this window and the next ({@code k@epoch+1}), so that
     * each sketch is the union of two windows' clients. By site: the /64s of one IPv6 subscriber are one
     * contributor, not 256 or 65,536. At most two writes and two counts per register, window and instance.
     */
    private void contributed(long epoch, String site) {
        fill(counts, CONTRIBUTORS, seenContributor, epoch, site);
    }

    /**
     * Notes that a client site found half a client's share of fresh resources in a window ({@link #LONG_WINDOWS}): a
     * register of the sketch of this long window and the last, and of this one and the next.
     */
    private void contributedLong(long epoch, String site) {
        fill(longCounts, LONG_CONTRIBUTORS, seenLongContributor, Math.floorDiv(epoch, LONG_WINDOWS), site);
    }

    /**
     * Fills the site's register of the sketches {@code prefix + period} and {@code prefix + (period + 1)}, each the
     * union of two periods' sites, and counts it in each where it is new; nothing when this instance filled it in
     * the period already ({@code seen}, the period's low bits per register).
     */
    private void fill(Counters sketches, String prefix, int[] seen, long period, String site) {
        // the volume guard's secret seed: with String.hashCode anyone could pick addresses of nine registers and
        // never count as more than nine clients (probe47b F7: 180 such addresses read 90 new games a second)
        int register = (int) (VolumeGuard.hash(seed, site) & (CONTRIBUTOR_REGISTERS - 1));
        if (seen[register] == (int) period) {
            return;
        }
        seen[register] = (int) period;
        for (long pair = period; pair <= period + 1; pair++) {
            if (sketches.add(prefix + pair + '#' + register, 1) == 1) {
                sketches.add(prefix + pair, 1);
            }
        }
    }

    /**
     * How many new resources each of the window's {@code fresh} registers (at least one) stands for. A resource new to the
     * window is counted only if its register is empty in the last window's sketch and not yet filled in this
     * one: with {@code P} of the {@code R} registers filled last window, {@code F} fresh registers stand for
     * about {@code -R ln(1 - F / (R - P))} new resources (linear counting over the registers the last window
     * left open, of which a new resource finds one with odds {@code (R - P) / R}). Without it, a window
     * whose sketch is well filled (a padded burst of resources) vouches for a large share of the next
     * window's new resources, and the share of fresh resources falls under the bar. At most
     * {@value #MAX_FRESH_WEIGHT}. The last window's fill is read once per window per instance.
     */
    private double freshWeight(long epoch, long fresh) {
        FilledRead read = previousFilled;
        if (read.epoch() != epoch - 1) {
            read = new FilledRead(epoch - 1, counts.get(REGISTERS_FILLED + (epoch - 1)));
            previousFilled = read;
        }
        double open = REGISTERS - Math.min(read.filled(), REGISTERS - 1);
        if (fresh >= open) {
            return MAX_FRESH_WEIGHT;
        }
        double weight = -REGISTERS * Math.log1p(-fresh / open) / fresh;
        return Math.min(MAX_FRESH_WEIGHT, weight);
    }

    /** The fresh resources counted in a finished window, read once per window per instance. */
    private long freshIn(long epoch) {
        FreshRead read = previousFresh;
        if (read.epoch() == epoch) {
            return read.fresh();
        }
        long fresh = counts.get(FRESH + epoch);
        previousFresh = new FreshRead(epoch, fresh);
        return fresh;
    }

    /** Adds the requests counted here to the store's count of the slice. */
    private void flushRequests(long slice) {
        long pending = pendingRequests.getAndSet(0);
        if (pending != 0) {
            counts.add(REQUESTS + slice, pending);
        }
    }

    /** The share of fresh resources among the requests, from the sampled count of fresh registers. */
    private double share(double freshSampled, long requests) {
        return requests == 0 ? 0 : Math.min(1.0, (double) freshSampled * (1L << sampleBits) / requests);
    }

    /** The least share of distinct resources among the requests: like the count, relative to what was learned. */
    double ratioThreshold() {
        if (windowsLearned < LEARNING_WINDOWS) {
            return settings.minRatio();
        }
        double learned = baselineRatio;
        return Math.min(Math.max(settings.minRatio(), settings.multiplier() * learned), (1.0 + learned) / 2.0);
    }

    double threshold() {
        if (windowsLearned < LEARNING_WINDOWS) {
            return settings.minDistinct();
        }
        return Math.max(settings.minDistinct(), settings.multiplier() * baseline);
    }

    private double estimate(long filled) {
        double registers = REGISTERS;
        double sampled =
                filled >= REGISTERS ? registers * Math.log(registers) : -registers * Math.log1p(-filled / registers);
        return sampled * (1L << sampleBits);
    }

    /** Learns the window {@code last} if it is the one just before {@code epoch}, as the class describes. */
    private void learn(long last, long epoch) {
        if (last != epoch - 1 || isUnderScrape()) {
            return;
        }
        double finished = estimate(counts.get(REGISTERS_FILLED + last));
        if (finished >= threshold()) {
            // A window that reached the count is never normal, even if the mode did not start: a scraper
            // padding its fresh resources with repeats (a low share) must not teach the route that its
            // count is ordinary. Below it, learning is clipped (see BaselineGrowth).
            return;
        }
        long requests = 0;
        for (long s = last * SLICES; s < (last + 1) * SLICES; s += 2) {
            long[] pair = counts.get(REQUESTS + s, REQUESTS + (s + 1));
            requests += pair[0] + pair[1];
        }
        double ratio = share(counts.get(FRESH + last), requests);
        boolean first = windowsLearned == 0;
        baseline = growth.learn(baseline, first, finished, settings.minDistinct() / settings.multiplier());
        baselineRatio = growth.learn(baselineRatio, first, ratio, settings.minRatio() / settings.multiplier());
        windowsLearned++;
    }

    double baseline() {
        return baseline;
    }

    long windowsLearned() {
        return windowsLearned;
    }

    double baselineRatio() {
        return baselineRatio;
    }

    /** Starts from an exported baseline. */
    void baseline(double distinct, double ratio, long windows) {
        this.baseline = distinct;
        this.baselineRatio = ratio;
        this.windowsLearned = windows;
    }
}
