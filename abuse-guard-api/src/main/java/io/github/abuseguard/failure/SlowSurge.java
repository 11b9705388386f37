package io.github.abuseguard.failure;

import io.github.abuseguard.internal.BaselineGrowth;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.Trails;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The slow judgement of a {@link RouteSurge}: the route's failures, forgiven retries and successes counted
 * per {@link UnderAttack#slowWindow() slow window} (10 minutes), so that a crowd paced under
 * {@code min-failures} per window (hundreds of addresses, a failure every few seconds between them) is seen.
 * It has a baseline of its own, learned per slow window as the route's is, and a share per client site of its
 * own: each site adds at most {@link #siteShare()} failures per slow window (up to {@link #valueShare()} while it
 * fails at {@code min-ratio} or more of its own sign-ins), so that it takes many sites, not one address failing within its
 * per-window share for ten minutes. Counts live in the store, as the route's
 * do; what it costs a shared store per outcome: a success one step, a failure or a retry within its share of
 * the window two (its site's slow share, then the slow count; past the site's share, a failure one more to read the
 * site's successes), a third only when the counts this instance
 * last read would start the mode (the successes read fresh, which only ever lower the ratio), two more then at most once
 * a second (what other instances spent on a mode, and the guessing sites since: {@link #readShared}), one more,
 * once per site and slow window, to note the site among the slow window's contributors ({@link
 * ModeStarters#contributedSlowly}), which a mode this window starts or extends remembers, and one when a site reaches a
 * guesser's share ({@link #guessing}); a mode started or extended costs two ({@link #spend}). The route
 * decides what the judgement starts: {@link #failed} and {@link #retried} only answer whether it surges.
 */
final class SlowSurge {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SlowSurge.class);

    /** The slow window's least failures, in multiples of {@code min-failures}: 100 by default. */
    static final int MIN_FAILURES_TIMES = 5;
    /**
     * The fewest client sites whose failures within one slow window can make a surge: one site adds at most
     * the least failures over this (at least one) to a slow window's count, so at most twice that to its
     * sliding count. By default two per site: 50 sites within one slow window, or 25 failing without pause.
     */
    static final int MIN_SITES = 50;
    /**
     * The fewest client sites that make a surge within one slow window when each fails as often as its share allows:
     * a failure that is no forgiven typo counts up to the least failures over this (by default ten per site) while
     * the site fails at {@code min-ratio} or more of its own sign-ins there ({@link #withinValueShare}), its other
     * failures up to {@link #siteShare}. A stuffing crowd paced under the per-address bans (probe49b F1: 49
     * addresses every ten minutes, 19 user names each, 5,400 guesses an hour; probe51 F2: 2 names, 9 passwords each)
     * is seen from about its twelfth address in a slow window (a site's third failure never counts, so ten count 90:
     * review53 F5); a shared address's users mistype at the usual rate and then sign in, and 200
     * carrier addresses at a 13% typo rate started the mode without that condition.
     */
    static final int MIN_GUESSING_SITES = 10;

    /**
     * The failures of a site in a slow window that one user makes on its own: past its {@link #siteShare}, a site's
     * failures count from the next one (review51 F2: users trying three spellings of their name, and everyone
     * retrying once through a 5-minute outage of the password check, started the mode on a small route).
     */
    static final int TRIES_OF_ONE_USER = 3;
    /**
     * How far above its baseline the slow window's count and ratio must go (the {@code multiplier} where that
     * is lower): a crowd over ten minutes is far steadier than one over ten seconds, so that doubling the
     * failures and their share of the requests is a surge, while a crowd of everyone at the usual ratio is not.
     */
    static final double MULTIPLIER = 2.0;
    /** The least ratio that starts the mode before the slow window has learned a baseline. */
    static final double COLD_MIN_RATIO = 0.5;

    /** The ratio, over the baseline's, that a count far above the baseline still needs. */
    static final double ABSOLUTE_RATIO_TIMES = 1.5;

    private final UnderAttack settings;
    /** Whether the slow window is switched off ({@code slow-window: 0s}): then it counts and judges nothing. */
    private final boolean off;

    private final long windowMillis;
    private final long minFailures;
    private final double multiplier;
    /** The failures ({@code f@}), forgiven retries ({@code t@}) and successes ({@code s@}) of each slow window. */
    private final Counters counts;
    /** Failures per client site and slow window; apart from the counts, which a flood of sites must not evict. */
    private final Counters siteFailures;

    /** Successes per client site and slow window ({@link DistinctSuccesses#slowSiteSuccesses}). */
    private final Counters siteSuccesses;

    private final BooleanSupplier underAttack;
    private final BaselineGrowth growth;
    private final AtomicLong lastEpoch = new AtomicLong(Long.MIN_VALUE);
    private volatile RouteSurge.Baseline baseline = RouteSurge.Baseline.NONE;

    /** A count of one slow window and of the one before it, as this instance last read it from the store. */
    private record Read(long epoch, long current, long previous) {
        static final Read NONE = new Read(Long.MIN_VALUE, 0, 0);

        /**
         * The sliding count at {@code remaining} ms before the end of slow window {@code epoch}, as read: never
         * more than the store holds, counts only growing within a window.
         */
        long sliding(long epoch, long remaining, long windowMillis) {
            if (this.epoch == epoch) {
                return current + previous * remaining / windowMillis;
            }
            return this.epoch == epoch - 1 ? current * remaining / windowMillis : 0;
        }
    }

    private volatile Read failures = Read.NONE;
    private volatile Read retries = Read.NONE;

    /** The value of slow window {@code e} as {@code read} holds it: 0 for a window that began after the read. */
    private static long at(Read read, long e) {
        if (read.epoch() == e) {
            return read.current();
        }
        return read.epoch() == e + 1 ? read.previous() : 0;
    }

    /**
     * What a mode started or was extended on: the counts it spent and the guessing sites counted by then ({@link
     * #guessing}), each of one slow window and the one before. That evidence is spent, and the sliding count no
     * longer holds it (probe59e F2: the slow window, twice as long as the mode, still held the starters' failures when
     * the mode ended, and a fresh site's ninth miss started it again, and again every five minutes, refusing nearly
     * every new customer), until {@link #MIN_GUESSING_SITES} sites have guessed since.
     */
    private record Spent(Read failures, Read retries, Read guessing) {
        static final Spent NONE = new Spent(Read.NONE, Read.NONE, Read.NONE);

        /** The three reads as of slow window {@code epoch}, the latest any of them was read in. */
        static Spent of(Read failures, Read retries, Read guessing) {
            long epoch = Math.max(failures.epoch(), Math.max(retries.epoch(), guessing.epoch()));
            return new Spent(as(failures, epoch), as(retries, epoch), as(guessing, epoch));
        }

        private static Read as(Read read, long epoch) {
            return epoch == Long.MIN_VALUE ? read : new Read(epoch, at(read, epoch), at(read, epoch - 1));
        }

        /** The entry of the store's trail of spends: {@code epoch:f:f':t:t':g:g'}. */
        String entry() {
            return failures.epoch() + ":" + failures.current() + ":" + failures.previous() + ":" + retries.current()
                    + ":" + retries.previous() + ":" + guessing.current() + ":" + guessing.previous();
        }

        /** The spend an entry of the trail holds, or {@code null} for one this version did not write. */
        static @Nullable Spent parse(String entry) {
            String[] parts = entry.split(":", -1);
            if (parts.length != 7) {
                return null;
            }
            try {
                long epoch = Long.parseLong(parts[0]);
                long[] values = new long[6];
                for (int k = 0; k < 6; k++) {
                    values[k] = Math.max(0, Long.parseLong(parts[k + 1]));
                }
                return new Spent(
                        new Read(epoch, values[0], values[1]),
                        new Read(epoch, values[2], values[3]),
                        new Read(epoch, values[4], values[5]));
            } catch (NumberFormatException e) {
                LOG.debug("A spend of the store's trail this version cannot read is left out: {}", entry);
                return null;
            }
        }
    }

    /** What the last mode this instance knows of was started or extended on; see {@link Spent}. */
    private volatile Spent spent = Spent.NONE;

    /**
     * The sites that guessed in each slow window, as this instance last read them from the store ({@code g@}, beside
     * the counts): a site is counted when its failures in a slow window reach {@link #valueShare()}, a guesser's share,
     * not a customer's typo (review78 F2: ten customers' typos made the spent counts weigh again and restarted the mode
     * with no attack on). Once {@link #MIN_GUESSING_SITES} have since a spend, the spent counts weigh again, so a crowd
     * that goes on with new sites after its mode ended starts it again as soon as before, and two or three sites cannot
     * (probe59e F2). Counted in the store, so that a crowd spread over instances is counted whole.
     */
    private volatile Read guessing = Read.NONE;

    /**
     * Every spend, in the store, for every instance to read before its own reading starts or extends the mode (review78
     * F1: kept per instance, another instance of a shared store read the starters' failures as new evidence, and a
     * fresh site's first miss there started the mode again). A trail, not a count: each instance appends what it
     * spent and a reader takes the largest, so two instances spending at once never add up (review79 F1: a count
     * raised by a read and an add held 181 spent failures where 102 were counted, and hid a continuing crowd).
     */
    private final Trails spentTrail;

    private static final String SPENT_KEY = "spent";

    /** The spends the trail keeps: the latest, which hold the most, several instances' worth. */
    static final int SPENT_ENTRIES = 16;

    /** The least time between two reads of the spends other instances made, by one instance. */
    static final long SHARED_READ_MILLIS = 1_000;

    /** When this instance last applied what other instances spent; see {@link #readShared}. */
    private final AtomicLong sharedReadAt = new AtomicLong(Long.MIN_VALUE);

    /** Whether a request of this instance is reading what other instances spent now. */
    private final AtomicBoolean readingShared = new AtomicBoolean();

    /** {@link #readShared}: what this instance applied less than {@link #SHARED_READ_MILLIS} ago holds. */
    private static final int APPLIED = 0;

    /** {@link #readShared}: read and applied now. */
    private static final int READ = 1;

    /** {@link #readShared}: another request of this instance is reading it; this one may start nothing. */
    private static final int BEING_READ = -1;

    /**
     * The counts read so far were spent on a mode that started or was extended now; see {@link Spent}. Two store steps
     * per mode started or extended: the guessing sites read fresh, and the spend appended to the store's trail.
     */
    void spend() {
        Read failed = failures;
        long epoch = Math.max(failed.epoch(), retries.epoch());
        Read sites = epoch == Long.MIN_VALUE ? guessing : read(epoch, counts.get("g@" + epoch, "g@" + (epoch - 1)));
        guessing = sites;
        Spent now = Spent.of(failed, retries, sites);
        spent = now;
        if (epoch != Long.MIN_VALUE) {
            spentTrail.append(SPENT_KEY, now.entry());
        }
    }

    /**
     * Takes on what other instances spent and the sites counted since, unless this instance applied them less than
     * {@link #SHARED_READ_MILLIS} ago: the largest spend of the store's trail where it is more than this instance knew
     * of, and the guessing sites read fresh. Two store steps, only when this instance's own reading would start or
     * extend the mode. The time is noted once they are applied, and while one request reads them another may start
     * nothing on its own reading (review81 F1: a request that came during the read went on with what this instance
     * knew before, and two concurrent misses started the mode again on the starters' failures).
     *
     * @return {@link #APPLIED}, {@link #READ} or {@link #BEING_READ}
     */
    private int readShared(long epoch, long remaining, long nowMillis) {
        long last = sharedReadAt.get();
        if (last != Long.MIN_VALUE && nowMillis >= last && nowMillis - last < SHARED_READ_MILLIS) {
            return APPLIED;
        }
        if (!readingShared.compareAndSet(false, true)) {
            return BEING_READ;
        }
        try {
            Spent best = spent;
            for (String entry : spentTrail.get(SPENT_KEY)) {
                Spent other = Spent.parse(entry);
                if (other != null && weighs(other, epoch, remaining) > weighs(best, epoch, remaining)) {
                    best = other;
                }
            }
            spent = best;
            guessing = read(epoch, counts.get("g@" + epoch, "g@" + (epoch - 1)));
            sharedReadAt.set(nowMillis);
        } finally {
            readingShared.set(false);
        }
        return READ;
    }

    /** How much of the sliding slow window a spend holds. */
    private long weighs(Spent spend, long epoch, long remaining) {
        return spend.failures().sliding(epoch, remaining, windowMillis)
                + spend.retries().sliding(epoch, remaining, windowMillis);
    }

    /** The sites that guessed since {@link #spent}, in slow window {@code epoch} and the one before. */
    private long sitesSinceSpent(long epoch) {
        Read now = guessing;
        Read then = spent.guessing();
        return Math.max(0, at(now, epoch) - at(then, epoch)) + Math.max(0, at(now, epoch - 1) - at(then, epoch - 1));
    }

    private volatile Read successes = Read.NONE;

    /** Where each site that adds to a slow window's count is noted, for a mode this window starts to remember. */
    private final ModeStarters starters;

    /**
     * @param underAttack whether the route is under attack now: a slow window that ends then is not learned
     * @param starters where the sites that add to the count are noted
     */
    SlowSurge(String rule, UnderAttack settings, StateStore store, BooleanSupplier underAttack, ModeStarters starters) {
        this.starters = starters;
        this.settings = settings;
        this.off = settings.slowWindow().isZero();
        Duration window = off ? settings.window().multipliedBy(2) : settings.slowWindow();
        this.windowMillis = window.toMillis();
        this.minFailures = (long) MIN_FAILURES_TIMES * settings.minFailures();
        this.multiplier = Math.min(MULTIPLIER, settings.multiplier());
        this.counts = store.counters("failure:slow-surge:" + rule, window.multipliedBy(2));
        this.spentTrail = store.trails("failure:slow-surge-spent:" + rule, SPENT_ENTRIES, window.multipliedBy(2));
        this.siteFailures = store.counters("failure:slow-surge-sites:" + rule, window);
        this.siteSuccesses = DistinctSuccesses.slowSiteSuccesses(rule, window, store);
        this.underAttack = underAttack;
        this.growth = new BaselineGrowth(window, RouteSurge.LEARNING_RATE);
    }

    /** The most failures one client site adds to a slow window's count; see {@link #MIN_SITES}. */
    long siteShare() {
        return Math.max(1, minFailures / MIN_SITES);
    }

    /**
     * The most failures one client site adds to a slow window's count while it fails at {@code min-ratio} or more of
     * its own sign-ins there; see {@link #MIN_GUESSING_SITES}.
     */
    long valueShare() {
        return Math.max(siteShare(), minFailures / MIN_GUESSING_SITES);
    }

    /**
     * Whether the {@code share}-th failure of {@code site} in slow window {@code epoch}, past its {@link
     * #siteShare}, a failure that is no forgiven typo, still counts: within the share its {@link Guess} allows (for a
     * new account {@link #valueShare}), while the site's
     * own failures are at least {@code min-ratio} of its sign-ins there. A shared address's users mistype their own
     * names at the usual rate, and most of them then sign in (200 carrier addresses, 50 sign-ins each per 10 minutes
     * at 13%, would otherwise start the mode); a stuffing crowd's guesses mostly fail, and hiding them takes four
     * accounts of its own signing in per guess (probe51 F2: with "fewer successes than failures", ten own sign-ins
     * per address hid 19 guesses each, about 5,300 an hour). One store read, only past the site's share.
     */
    private boolean withinValueShare(String site, long epoch, long share, Guess guess) {
        long limit = switch (guess) {
            case NEW_ACCOUNT, PERSISTING -> valueShare();
            case EXHAUSTED_ACCOUNT -> EXHAUSTED_SHARE_TIMES * valueShare();
            case RETRYING -> 0;
        };
        if (share <= TRIES_OF_ONE_USER || share > limit) {
            return false;
        }
        long successes = siteSuccesses.get(site + '@' + epoch);
        return (double) share / (share + successes) >= settings.minRatio();
    }

    /**
     * What a failure says of its client site's guessing, as far as the slow window's share per site goes: a site's
     * failures past its {@link #siteShare} count only while it fails at {@code min-ratio} or more of its own sign-ins,
     * and then only the failures no single user makes retrying its own password.
     */
    enum Guess {
        /**
         * An account's first failure from its key (or one whose account cannot be told): within the site's {@link
         * #valueShare}.
         */
        NEW_ACCOUNT,
        /**
         * An account's first failure from its key past the forgiven typos: a password tried a fourth time. Within
         * {@value #EXHAUSTED_SHARE_TIMES} × the site's {@link #valueShare}: an address cycling passwords over 19 names
         * counted 9 failures a slow window, however many it tried (review52 F2: 8 fresh addresses every 10.5 minutes,
         * 19 names × 9 passwords each, 15,390 of 15,390 guesses through in 2 hours).
         */
        EXHAUSTED_ACCOUNT,
        /**
         * An account's next failures from its key, up to its {@value #PERSISTING_TRIES}th: within the site's {@link
         * #siteShare} only, as one user retrying its own password through an outage of the password check makes them
         * (review52 F1: counted within the value share, 20 users trying 6 times each started the mode on a small
         * route, and 58 of 260 sign-ins were refused).
         */
        RETRYING,
        /**
         * An account's {@value #PERSISTING_TRIES}th failure from its key and later ones: within the site's {@link
         * #valueShare}, as {@link #NEW_ACCOUNT}: a user gives up or resets its password long before, an address
         * guessing at one account does not (twenty addresses, one name each, every 40 s).
         */
        PERSISTING;

        /** The guess of a pair's {@code failures}-th failure, past its {@code forgiven} typos. */
        static Guess ofPair(long failures, int forgiven) {
            if (failures == 2 + forgiven) {
                return EXHAUSTED_ACCOUNT;
            }
            return failures >= PERSISTING_TRIES ? PERSISTING : RETRYING;
        }
    }

    /** The failures of one account from one key from which each is a guess again; see {@link Guess#PERSISTING}. */
    static final int PERSISTING_TRIES = 12;

    /** The share of a site's failures within which {@link Guess#EXHAUSTED_ACCOUNT}s count, over its value share. */
    static final int EXHAUSTED_SHARE_TIMES = 10;

    /** Hears a success that makes the ratio (a method the rule's routes failed with): one store step. */
    void succeeded(long nowMillis) {
        if (off) {
            return;
        }
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        learnUpTo(epoch);
        successes = read(epoch, counts.addAndGet("s@" + epoch, 1, "s@" + (epoch - 1)));
    }

    /** Hears an outcome that is no evidence either way: only moves the learning on. */
    void pass(long nowMillis) {
        if (off) {
            return;
        }
        learnUpTo(Math.floorDiv(nowMillis, windowMillis));
    }

    /**
     * Hears a failure of client site {@code site} within its share of the route's window; answers whether the
     * slow window surges, counting it if it is within the site's share of the slow window too.
     */
    boolean failed(String site, long nowMillis, RouteSurge.Noting noting, Guess guess) {
        return heard(site, nowMillis, guess, noting);
    }

    /**
     * Hears a retry a distinct rule forgave as a typo, within its site's share of the route's window: a
     * failure of the count, never of the ratio, as in the route's window; answers whether the slow window
     * surges.
     */
    boolean retried(String site, long nowMillis, RouteSurge.Noting noting) {
        return heard(site, nowMillis, null, noting);
    }

    /**
     * Counts a failure ({@code guess}) or forgiven retry ({@code null}) within its site's share of the slow window;
     * answers whether it surges.
     */
    private boolean heard(String site, long nowMillis, @Nullable Guess guess, RouteSurge.Noting noting) {
        if (off) {
            return false;
        }
        boolean retry = guess == null;
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        learnUpTo(epoch);
        long share = siteFailures.add(site + '@' + epoch, 1);
        if (share > siteShare() && (retry || !withinValueShare(site, epoch, share, guess))) {
            return false;
        }
        if (noting.notes(share)) {
            // Noted before it is counted, so that whichever instance's count then surges lists it. At its first
            // failure, not at its share: a crowd of sites failing once each (100, instead of 50 failing twice)
            // would otherwise start the mode again and again, unremembered.
            starters.contributedSlowly(site);
        }
        if (share == valueShare()) {
            guessing = read(epoch, counts.addAndGet("g@" + epoch, 1, "g@" + (epoch - 1)));
        }
        String kind = retry ? "t@" : "f@";
        Read read = read(epoch, counts.addAndGet(kind + epoch, 1, kind + (epoch - 1)));
        if (retry) {
            retries = read;
        } else {
            failures = read;
        }
        return surging(epoch, nowMillis);
    }

    /**
     * Forgives what the slow window counted up to {@code nowMillis}: an operator ended the mode as a false
     * alarm. Until the sliding count holds none of it (the rest of this slow window and the next), the slow
     * window starts no mode, on any instance of the store: the forgiveness is counted there ({@code x@}, beside the
     * counts it forgives; review55 F1: a field of this instance's, and another instance's slow window started the
     * mode again at the next counted typo). The route's window judges as before.
     */
    void forgive(long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowMillis);
        forgivenThrough = epoch;
        counts.add("x@" + epoch, 1);
    }

    /** The last slow window an operator's end of the mode forgave; see {@link #forgive}. */
    private volatile long forgivenThrough = Long.MIN_VALUE + 1;

    private static Read read(long epoch, long[] currentAndPrevious) {
        return new Read(epoch, currentAndPrevious[0], currentAndPrevious[1]);
    }

    /**
     * Whether the sliding slow window surges, from the counts as this instance last read them: failures and
     * retries read short (a count another instance added since) can only delay the answer to a later failure;
     * the successes, which lower the ratio, are read fresh before it says yes.
     */
    private boolean surging(long epoch, long nowMillis) {
        if (epoch <= forgivenThrough + 1) {
            return false; // counts of a false alarm's slow windows, which the sliding count still holds
        }
        long remaining = windowMillis - Math.floorMod(nowMillis, windowMillis);
        if (!surgingAsRead(epoch, remaining)) {
            return false;
        }
        int shared = readShared(epoch, remaining, nowMillis);
        if (shared == BEING_READ || (shared == READ && !surgingAsRead(epoch, remaining))) {
            return false; // another instance spent these counts on a mode (review78 F1, review79 F2, review81 F1)
        }
        long failed = unspent(failures, spent.failures(), epoch, remaining);
        long counted = failed + unspent(retries, spent.retries(), epoch, remaining);
        Read fresh = read(epoch, counts.get("s@" + epoch, "s@" + (epoch - 1)));
        successes = fresh;
        return surging(failed, counted, fresh.sliding(epoch, remaining, windowMillis)) && !forgivenElsewhere(epoch);
    }

    /** Whether the sliding slow window surges on the counts as this instance last read them, the spent ones aside. */
    private boolean surgingAsRead(long epoch, long remaining) {
        long failed = unspent(failures, spent.failures(), epoch, remaining);
        long counted = failed + unspent(retries, spent.retries(), epoch, remaining);
        return surging(failed, counted, successes.sliding(epoch, remaining, windowMillis));
    }

    /**
     * The sliding count of {@code read} in slow window {@code epoch}, less the {@code spent} one while fewer than
     * {@link #MIN_GUESSING_SITES} sites guessed since: a handful of sites since the mode started do not make the counts
     * it started on evidence again.
     */
    private long unspent(Read read, Read spent, long epoch, long remaining) {
        long count = read.sliding(epoch, remaining, windowMillis);
        if (sitesSinceSpent(epoch) >= MIN_GUESSING_SITES) {
            return count;
        }
        return Math.max(0, count - spent.sliding(epoch, remaining, windowMillis));
    }

    /**
     * Whether an operator ended the mode through another instance in slow window {@code epoch} or the one before
     * it, read from the store only when the counts would start the mode; remembered here once read.
     */
    private boolean forgivenElsewhere(long epoch) {
        long[] forgiven = counts.get("x@" + epoch, "x@" + (epoch - 1));
        if (forgiven[0] > 0 || forgiven[1] > 0) {
            forgivenThrough = Math.max(forgivenThrough, forgiven[0] > 0 ? epoch : epoch - 1);
            return true;
        }
        return false;
    }

    /**
     * Whether {@code failed} failures among them and {@code succeeded} successes surge, the count, with the
     * forgiven retries, being {@code counted}: at the ratio threshold, or, far above the count once there
     * is a baseline, at the lower ratio an attacker's own successes cannot dilute.
     */
    private boolean surging(long failed, long counted, long succeeded) {
        double ratio = (double) failed / Math.max(1, failed + succeeded);
        return counted >= failureThreshold()
                && (ratio >= startingRatioThreshold()
                        || (baseline.windows() >= RouteSurge.LEARNED_WINDOWS
                                && failed >= absoluteThreshold()
                                && ratio >= absoluteRatioThreshold()));
    }

    long failureThreshold() {
        return Math.max(minFailures, (long) Math.ceil(multiplier * baseline.failures()));
    }

    double ratioThreshold() {
        RouteSurge.Baseline current = baseline;
        double wanted = Math.max(settings.minRatio(), multiplier * current.ratio());
        return Math.min(wanted, (1.0 + current.ratio()) / 2.0);
    }

    /**
     * The ratio at which the slow window's count starts the mode: {@link #ratioThreshold()}, and at least
     * {@value #COLD_MIN_RATIO} until {@value RouteSurge#LEARNED_WINDOWS} slow windows were learned. A route
     * whose users fail more often than {@code min-ratio} (a quarter of 400 sign-ins every 10 minutes) reaches
     * the slow window's count at its usual ratio; without a baseline yet, that is no attack, and a window
     * that surged is never learned, so it would be under attack from every start on. A crowd trying breached
     * pairs fails at nearly 1.
     */
    double startingRatioThreshold() {
        double threshold = ratioThreshold();
        return baseline.windows() < RouteSurge.LEARNED_WINDOWS ? Math.max(threshold, COLD_MIN_RATIO) : threshold;
    }

    /** The failures per slow window that start the mode at {@link #absoluteRatioThreshold()}. */
    long absoluteThreshold() {
        return (long) Math.ceil(settings.multiplier() * failureThreshold());
    }

    /**
     * The ratio a count far above the baseline needs: {@value #ABSOLUTE_RATIO_TIMES} × the learned ratio, never
     * under {@code min-ratio} (the window's floor, {@code min-ratio / 2}, is too low here): a site adds at most
     * {@link DistinctSuccesses#slowSiteCap} successes to a slow window, so that a shared address at both its
     * slow shares fails at {@code min-ratio / (1 + min-ratio)}, and 400 busy carrier addresses joining a route
     * that learned a 5% typo rate failed at 0.10 and started the mode at {@code min-ratio / 2}. Own successes
     * cannot dilute a count far above the baseline much: each account counts once per slow window, and each
     * site a few times its failure share.
     */
    double absoluteRatioThreshold() {
        double wanted = Math.max(settings.minRatio(), ABSOLUTE_RATIO_TIMES * baseline.ratio());
        return Math.min(wanted, ratioThreshold());
    }

    /**
     * Folds the last finished slow window into the baseline, once per slow window and instance (one store
     * step), never while under attack, clipped as {@link BaselineGrowth} states. A window that surged, or
     * whose failures reached the count far above the baseline, is never normal. Unlike the route's window, a
     * window that only reached the count is learned: a busy route fails past the slow window's least count
     * every window, at its usual ratio.
     */
    private void learnUpTo(long epoch) {
        long last = lastEpoch.get();
        if (epoch <= last || !lastEpoch.compareAndSet(last, epoch)) {
            return;
        }
        if (last == Long.MIN_VALUE || last != epoch - 1 || underAttack.getAsBoolean()) {
            return;
        }
        long[] failedAndSucceeded = counts.get("f@" + last, "s@" + last);
        long failed = failedAndSucceeded[0];
        long requests = failed + failedAndSucceeded[1];
        if (requests == 0 || failed >= absoluteThreshold()) {
            return;
        }
        if (failed >= failureThreshold() && (double) failed / requests >= startingRatioThreshold()) {
            return;
        }
        RouteSurge.Baseline current = baseline;
        boolean first = current.windows() == 0;
        baseline = new RouteSurge.Baseline(
                growth.learn(current.failures(), first, failed, (double) minFailures / multiplier),
                growth.learn(current.ratio(), first, (double) failed / requests, settings.minRatio() / multiplier),
                current.windows() + 1);
    }

    RouteSurge.Baseline baseline() {
        return baseline;
    }

    void baseline(RouteSurge.Baseline imported) {
        this.baseline = imported;
    }
}
