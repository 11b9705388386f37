package io.github.abuseguard.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.internal.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shared {@link StateStore} behind a circuit breaker and an {@link OutagePolicy}.
 *
 * <p>A call to the backend that fails (a timeout, a refused connection) is answered by the policy:
 * in-process state ({@link OutagePolicy#LOCAL_FALLBACK}), or a {@link StoreUnavailableException} that
 * lets the request through or refuses it. The circuit opens only when failures are a pattern, not an
 * accident: once the last {@link Builder#minimumCalls minimumCalls} or more calls of the current
 * window of {@link Builder#windowSize windowSize} calls failed at {@link Builder#failureRateThreshold
 * failureRateThreshold} percent or more. Open, no request pays the timeout for the
 * {@link Builder#retryInterval retry interval}; then {@link Builder#halfOpenCalls halfOpenCalls} trial
 * calls try the backend, while the policy answers the others: if every trial answers, the circuit
 * closes and shared state is used again; if one fails, it opens for another interval. A warning marks the
 * opening, one more at most every {@link #OUTAGE_REPORT_INTERVAL} while the trials keep failing (how long
 * the store has been unavailable, how many calls failed), and an info line the closing: never one per request
 * nor one per retry interval. A failed call that leaves the circuit closed (one
 * timeout on a loaded host) is answered by the policy all the same, loosening a shared limit to this
 * instance's for that call: {@link #failedCalls()} counts every failed call, and a warning tells how many
 * failed, at most once per {@link #FAILED_CALL_WARNING_INTERVAL}.
 *
 * <p>Under {@link OutagePolicy#LOCAL_FALLBACK} neither an outage nor one failed call (a timeout on a loaded
 * host) forgets what the remote store knows of a client, so that a client who can slow the backend down
 * (a burst of its own requests on a busy instance) cannot trade its ban, its spent bucket or its counted
 * failures for fresh in-process state:
 *
 * <ul>
 *   <li>Every ban the remote store takes or answers is copied into the fallback's bans of the same
 *       namespace, until the ban ends (a ban first seen from another instance costs one more look-up,
 *       {@link Bans#remaining}, once); a key the remote store answers as not banned loses its copy, so a
 *       ban lifted elsewhere is lifted here too. The copies are bounded as the fallback's bans are.
 *   <li>A ban taken while the remote store is unavailable is kept in the fallback and remembered as not
 *       yet shared. The call that closes the circuit again writes up to {@value #SHARED_ON_RECOVERY} of
 *       them to the remote store and hands the rest to the {@linkplain Builder#recoveryExecutor recovery
 *       executor}, which writes them all at once, one after another; meanwhile each later successful call of
 *       the store (of any key) writes up to {@value #SHARED_PER_CALL} more, and a remote look-up of such a key
 *       that answers "not banned" before its ban ends writes it then, so the outage lifts them neither here
 *       nor for the other instances.
 *   <li>What a remote token bucket last answered for a key is remembered until the bucket would be full
 *       again (updated in place, so that a decision of a key seen before allocates nothing for it). A
 *       refusal is answered from memory until the tokens asked for are back, as {@code RedisStateStore}'s
 *       denial cache does; and the first time the fallback answers for the key, its in-process bucket is
 *       drained to what the remote bucket holds by then (what it had left, plus at least what its limits
 *       refilled since), so the client finds neither a fresh bucket nor, when a refusal ends, a full one.
 *   <li>The tokens the fallback's buckets give out (during an outage, or for one failed call) are charged to
 *       the remote buckets afterwards, so that each holds what the fallback's bucket holds: what was given out
 *       less only the refill the remote bucket could not take, being full (see {@link Debt}), not its whole
 *       refill, which the remote bucket got too (probe19 H1: a minute's outage gave a throttled client a full
 *       bucket on recovery). The call
 *       that closes the circuit charges up to {@value #SHARED_ON_RECOVERY} keys and hands the rest to the
 *       recovery executor (each later successful call of the store, of any key, charges up to {@value
 *       #SHARED_PER_CALL} more meanwhile), and a key's next remote decision charges it if none did yet (one or two more round trips, once), so that an outage does not
 *       give a client its bucket twice, once in the fallback and once on the remote store, whichever instance
 *       it comes back to. While nothing is owed or left to share, a decision looks nothing up for it.
 *   <li>Counters (and so a failure rule's sliding counts and in-flight slots) are one count across both
 *       stores: the fallback answers with its own count plus the last count the remote store answered for
 *       the key, and a reservation's bound also counts the slots this instance holds on the remote store and
 *       the bound the remote store last refused the key at; the remote store answers with its count plus
 *       what the fallback counted, and reserves only what the fallback's counts and slots leave of the
 *       bound. A slot is given back on the store it was taken on. One taken on the remote store and given
 *       back while the circuit is open is owed there, as is one the remote store may have granted to a
 *       reservation that timed out (a stalled store runs it when it catches up) once the fallback's slot taken
 *       instead is given back; a give-back that was sent and failed is not sent again, as a stalled store runs
 *       it too. What the fallback counted and the slots owed are moved to the remote store as tokens owed are
 *       charged: by the closing call, by later successful calls, or by the key's next remote call, so that
 *       after an outage the remote store holds the slots in flight, not those of the outage until they lapse
 *       two windows later.
 * </ul>
 *
 * What is remembered of the remote store, the tokens owed to it and the not-yet-shared bans hold at most
 * {@link Builder#maximumKeys maximumKeys} keys each (per namespace for counters and token-bucket answers),
 * and each is forgotten when it ends. What the fallback still cannot know: the counts and buckets of keys this instance never asked the
 * remote store about, which other instances filled.
 */
public final class ResilientStateStore implements StateStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResilientStateStore.class);

    /** Default failure rate, in percent, that opens the circuit: 50, as Resilience4j's. */
    public static final int DEFAULT_FAILURE_RATE_THRESHOLD = 50;

    /** Default least number of calls in a window before its failure rate counts: 20. */
    public static final int DEFAULT_MINIMUM_CALLS = 20;

    /** The default of {@link Builder#consecutiveFailures}. */
    public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;

    /** Default number of calls per window: 100. */
    public static final int DEFAULT_WINDOW_SIZE = 100;

    /** Default number of trial calls while half open: 3. */
    public static final int DEFAULT_HALF_OPEN_CALLS = 3;

    /** Default time the circuit stays open: 5 seconds. */
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(5);

    /**
     * The least time between two warnings that the remote store is still unavailable, after the one that it
     * became unavailable: five minutes.
     */
    public static final Duration OUTAGE_REPORT_INTERVAL = Duration.ofMinutes(5);

    /** The least time between two warnings of failed calls that left the circuit closed: one minute. */
    public static final Duration FAILED_CALL_WARNING_INTERVAL = Duration.ofMinutes(1);

    /**
     * Default bound on the remembered token-bucket answers (per namespace), on the keys owing tokens spent in
     * the fallback, and on the bans taken during an outage: 100,000 keys each.
     */
    public static final long DEFAULT_MAXIMUM_KEYS = EngineSettings.Store.DEFAULT_MAXIMUM_KEYS;

    /**
     * The most bans taken during an outage that the call closing the circuit writes to the remote store, the
     * most keys whose tokens spent during it that call charges to the remote buckets, and the most keys whose
     * counts it moves there; the others are moved by the {@linkplain Builder#recoveryExecutor recovery
     * executor} right after, by later calls ({@value #SHARED_PER_CALL} keys a call) or on their key's next
     * look-up, whichever comes first.
     */
    static final int SHARED_ON_RECOVERY = 64; // the request that closes the circuit pays these round trips

    /**
     * After the circuit closed, the most keys whose bans, tokens owed or counts of the outage each later healthy
     * call of the store (of any key) moves to the remote store, until none is left: bounded work per request,
     * beside the recovery executor's, so that they reach the other instances soon even if it is held up.
     */
    static final int SHARED_PER_CALL = 4;

    /**
     * How long the recovery executor's round waits for a request's own share of a few keys to end before it moves
     * the next keys itself: a millisecond.
     */
    private static final long BUSY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The most a recovery round waits, in all, for other threads' shares: ten seconds. */
    private static final long BUSY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * How many times a recovery round tries again after one of its calls failed while the circuit stayed closed (one
     * lost connection among many successes), waiting 10 ms, then twice as long each time.
     */
    private static final int FAILED_ROUND_RETRIES = 8;

    /** How long the store's own recovery thread stays once it has nothing to move: 30 seconds. */
    private static final long RECOVERY_THREAD_IDLE_SECONDS = 30;

    private final StateStore remote;
    private final StateStore fallback;
    private final OutagePolicy policy;
    private final String description;
    private final Builder settings;
    private final CircuitBreaker breaker;

    /** The namespaces of the bans asked for, whose copies {@link #restoreAfterLoss} writes back. */
    private final Set<String> banNamespaces = ConcurrentHashMap.newKeySet();

    /** The remote store's {@link StateStore#dataLosses()} when last acted on. */
    private volatile long lossesSeen;

    private final AtomicBoolean restoring = new AtomicBoolean();
    private final TimeSource timeSource;

    /** Every remote call that failed; see {@link #failedCalls()}. */
    private final AtomicLong failedCalls = new AtomicLong();

    /** When a failed call that left the circuit closed was last logged, in {@link #timeSource} nanos; 0 before. */
    private final AtomicLong failureWarnedAt = new AtomicLong();

    /** {@link #failedCalls} when the last warning of failed calls was logged. */
    private final AtomicLong failedCallsWarned = new AtomicLong();

    /**
     * When the circuit last opened from closed, in {@link #timeSource} nanos, and {@link #failedCalls} before
     * the call that opened it; written by the one call that opens it, read when it opens again or closes.
     */
    private volatile long outageStartedAt;

    private volatile long outageFailedCallsBefore;

    /** When the current outage was last told of at warning level, in {@link #timeSource} nanos. */
    private volatile long outageReportedAt;

    /**
     * When the last opening was warned of and the last closing told ({@link TimeSource#nanoTime}), {@link #NEVER}
     * before the first. A store that answers the trials and fails the calls after them (a full Redis under {@code
     * noeviction} refuses every write, one that stalls again and again) opens and closes the circuit every retry
     * interval or two: each is told at most once per {@link #OUTAGE_REPORT_INTERVAL}, the next WARN counting the
     * openings between (probe66e F1: a WARN and an INFO line every 5 s, for as long as Redis stayed full).
     */
    private volatile long openingWarnedAt = NEVER;

    private volatile long closingToldAt = NEVER;
    private final AtomicLong openingsUntold = new AtomicLong();

    private static final long NEVER = Long.MIN_VALUE;

    /** Whether a line told at {@code at} ({@link #NEVER} for none) was told less than an outage report interval ago. */
    private static boolean toldRecently(long at, long now) {
        return at != NEVER && now - at < OUTAGE_REPORT_INTERVAL.toNanos();
    }

    /** The last answers of the remote token buckets, by namespace then key; empty unless the policy is local fallback. */
    private final Map<String, Cache<String, LastAnswer>> lastAnswers = new ConcurrentHashMap<>();

    /** Tokens the fallback's buckets gave out that the remote buckets were not charged yet; see {@link Debt}. */
    private final Cache<Scoped, Debt> debts;

    /** Bans taken during an outage and not yet on the remote store: when each ends, in {@link #timeSource} nanos. */
    private final Cache<Scoped, Long> unshared;

    /**
     * Bans lifted during an outage and not yet on the remote store: whether each was lifted everywhere ({@link
     * Bans#liftEverywhere}). Replayed when the circuit closes (probe52d F3: an unban made while Redis was down was
     * lost, and the client was banned again on every instance when it came back); at most the fallback's key bound,
     * each kept a day.
     */
    private final Cache<Scoped, KeptLift> unsharedLifts;

    /**
     * Settlements of sequence steps ({@link Trails#settle}) the remote store did not take (a lost connection, an open
     * circuit), replayed once it answers again, oldest first, as the outage's bans are: a reservation left pending
     * there forbade the step for the rule's whole window on every instance, though the application had refused it
     * (probe73a F2, stop 69: a bonus answered 409 while the connection dropped was refused 403 for a day). At most the
     * fallback's key bound, each kept a day.
     */
    private final Cache<OwedSettlement, Boolean> owedSettlements;

    private final AtomicLong settlementsOwed = new AtomicLong();

    /**
     * A lift kept during an outage: whether it was made everywhere, and when the ban it lifted ended as this instance
     * knew it ({@link #timeSource} nanos), or {@link #UNKNOWN_END} when it held no copy.
     */
    private record KeptLift(boolean everywhere, long knownEnd) {
        KeptLift and(KeptLift later) {
            return new KeptLift(everywhere || later.everywhere, Math.max(knownEnd, later.knownEnd));
        }
    }

    /** The end of a kept lift's ban when this instance held no copy of it. */
    private static final long UNKNOWN_END = Long.MIN_VALUE;

    /**
     * How much later than the known end a remote ban may end and still be the one a kept lift was made against: the
     * copy's end and the remote store's answer are both read off the remote ban's time to live.
     */
    private static final long SAME_BAN_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Per counters namespace and window, what the fallback needs of the remote store; only under local fallback. */
    private final Map<String, Ledger> ledgers = new ConcurrentHashMap<>();

    /**
     * Whether bans, tokens owed or counts of the fallback may still wait for the remote store: set when the
     * circuit closes and when the fallback keeps one; while set, each healthy call moves a few of them.
     */
    private volatile boolean pending;

    /** Held by the one thread moving what {@link #pending} names, so that its own calls do not start another round. */
    private final AtomicBoolean sharing = new AtomicBoolean();

    /** Where the rest of an outage's leftovers are moved once the circuit closed; see {@link #recover()}. */
    private final Executor recoveryExecutor;

    /** The store's own recovery thread's pool when the builder named no executor, shut down by {@link #close()}. */
    private final @Nullable ExecutorService ownRecoveryThread;

    /** The recovery rounds handed to {@link #recoveryExecutor} that have not ended yet (one, or two: see #droppedRound). */
    private final AtomicInteger recovering = new AtomicInteger();

    /** The recovery rounds running: one handed over and never started may have been dropped. */
    private final AtomicInteger roundsRunning = new AtomicInteger();

    /** {@link #recoveryPauses}. */
    private final AtomicInteger pauses = new AtomicInteger();

    /** Keys the last {@link #shareLeftovers} moved, written by the thread holding {@link #sharing}. */
    private int lastMoved;

    /**
     * Whether a round was wanted when none could be handed over (one was under way, or the thread held {@link
     * #sharing}): the round under way, or the thread, hands one over when it ends.
     */
    private final AtomicBoolean roundWanted = new AtomicBoolean();

    /** The thread holding {@link #sharing}, so that it never waits for itself (review63 F1). */
    private volatile @Nullable Thread sharingThread;

    /** Set on a thread while it runs a recovery round, which looks at {@link #roundWanted} itself when it ends. */
    private static final ThreadLocal<boolean[]> IN_ROUND = ThreadLocal.withInitial(() -> new boolean[1]);

    /**
     * Locks, by the hash of a kept lift's namespace and key, held while it is replayed and by a sliding window's
     * count call of its client while one is kept, so that a lift is replayed once, before that client's counts
     * (review63 F4: the closing call and the client's own call both replayed it, and the second took the first
     * one's failures to zero).
     */
    private final ReentrantLock[] liftLocks = new ReentrantLock[64];

    /** Set by {@link #close()}: a recovery round under way stops. */
    private volatile boolean closed;

    private ResilientStateStore(Builder builder) {
        this.remote = builder.remote;
        this.fallback = builder.fallback;
        this.policy = builder.policy;
        this.description = builder.description;
        this.settings = builder;
        this.breaker = new CircuitBreaker(
                builder.failureRateThreshold,
                builder.minimumCalls,
                builder.windowSize,
                builder.halfOpenCalls,
                builder.consecutiveFailures,
                builder.retryInterval.toNanos(),
                builder.timeSource);
        this.timeSource = builder.timeSource;
        for (int i = 0; i < liftLocks.length; i++) {
            liftLocks[i] = new ReentrantLock();
        }
        if (builder.recoveryExecutor != null) {
            this.recoveryExecutor = builder.recoveryExecutor;
            this.ownRecoveryThread = null;
        } else {
            ThreadPoolExecutor own = new ThreadPoolExecutor(
                    0, 1, RECOVERY_THREAD_IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                        Thread thread = new Thread(task, "abuse-guard-store-recovery");
                        thread.setDaemon(true);
                        return thread;
                    });
            this.recoveryExecutor = own;
            this.ownRecoveryThread = own;
        }
        this.lossesSeen = builder.remote.dataLosses();
        this.lossLookedAt.set(timeSource.nanoTime());
        this.debts = untilCache(builder.maximumKeys, builder.timeSource, Debt::clearedAt);
        this.unshared = untilCache(builder.maximumKeys, builder.timeSource, until -> until);
        this.unsharedLifts = keptADay(builder);
        this.owedSettlements = keptADay(builder);
        if (remembers()) {
            remote.listenForLifts(this::liftedElsewhere); // last: the listener may run at once, on another thread
        }
    }

    /** A bounded cache whose entries expire at the {@code timeSource} time their value names. */
    private static <V> Cache<Scoped, V> untilCache(long maximumKeys, TimeSource timeSource, ToLongFunction<V> until) {
        return Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(maximumKeys)
                .expireAfter(new Expiry<Scoped, V>() {
                    @Override
                    public long expireAfterCreate(Scoped key, V value, long now) {
                        return Math.max(0, until.applyAsLong(value) - now);
                    }

                    @Override
                    public long expireAfterUpdate(Scoped key, V value, long now, long remaining) {
                        return Math.max(0, until.applyAsLong(value) - now);
                    }

                    @Override
                    public long expireAfterRead(Scoped key, V value, long now, long remaining) {
                        return remaining;
                    }
                })
                .ticker(timeSource::nanoTime)
                .build();
    }

    /** A key of one namespace. */
    private record Scoped(String namespace, String key) {}

    /** Whether an outage is answered with in-process state, which then needs what the remote store knew. */
    private boolean remembers() {
        return policy == OutagePolicy.LOCAL_FALLBACK;
    }

    /**
     * Starts a store around {@code remote}, falling back to {@code fallback}, with the defaults: {@link
     * OutagePolicy#LOCAL_FALLBACK}, the system clock and the {@code DEFAULT_*} breaker settings.
     */
    public static Builder builder(StateStore remote, StateStore fallback) {
        return new Builder(remote, fallback);
    }

    /** Whether the circuit is closed: shared state is in use. Open or half open, the outage policy answers. */
    public boolean isAvailable() {
        return breaker.state() == CircuitBreaker.State.CLOSED;
    }

    /**
     * How many calls to the remote store failed (a timeout, a lost connection) since this store was built,
     * whether or not they opened the circuit: each was answered by the outage policy, or taught the fallback
     * nothing. Under {@link OutagePolicy#LOCAL_FALLBACK} each answered a shared limit with this instance's
     * state for that call. Calls the open circuit kept from the remote store are not counted: {@link
     * #isAvailable()} tells those.
     */
    public long failedCalls() {
        return failedCalls.get();
    }

    public OutagePolicy policy() {
        return policy;
    }

    /**
     * Whether the remote store answers one read now: a {@code GET} of {@code key} in {@code namespace}, through the
     * circuit breaker, whose failure counts toward opening it as any call's does. False without a call while the
     * circuit is open. The answer is this read's own, whatever other calls do meanwhile (review59 F6: a health check
     * that compared {@link #failedCalls()} before and after its read took a guarded call's timeout, at the same
     * moment, for its own). For a health check: the circuit opens only on the failures of calls, so on an instance
     * without traffic a store that went down would otherwise read as available.
     */
    public boolean answers(String namespace, String key) {
        int permit = acquire();
        if (permit == CircuitBreaker.REFUSED) {
            return false;
        }
        try {
            remote.counters(namespace, Duration.ofMinutes(1)).get(key);
        } catch (RuntimeException e) {
            failed(permit, e);
            return false;
        }
        succeeded(permit);
        return true;
    }

    /** The remote store, as given. */
    public StateStore remote() {
        return remote;
    }

    @Override
    public TokenBuckets tokenBuckets(String namespace, BucketSpec spec) {
        TokenBuckets shared = remote.tokenBuckets(namespace, spec);
        Lazy<TokenBuckets> local = new Lazy<>(() -> fallback.tokenBuckets(namespace, spec));
        Cache<String, LastAnswer> answers = remembers() ? lastAnswers(namespace, spec) : null;
        return new TokenBuckets() {
            /**
             * The steps of {@link #call} written out, so that a rate decision the remote store answers allocates
             * no lambda: this is every rate-limited request's path.
             */
            @Override
            public Consumption tryConsume(String key, long tokens) {
                // a refusal the remote store's client remembers costs no call: no trial of the circuit (probe75b F2)
                Consumption remembered = shared.rememberedRefusal(key, tokens);
                if (remembered != null) {
                    return remembered;
                }
                int permit = acquire();
                if (permit == CircuitBreaker.REFUSED) {
                    return outage(() -> fromFallback(key, tokens), null);
                }
                Consumption answer;
                try {
                    answer = shared.tryConsume(repaid(namespace, key, shared), tokens);
                } catch (IllegalArgumentException e) {
                    throw e; // a caller's mistake, not an outage
                } catch (RuntimeException e) {
                    failed(permit, e);
                    return outage(() -> fromFallback(key, tokens), e);
                }
                succeeded(permit);
                return remember(answers, key, tokens, answer);
            }

            private Consumption fromFallback(String key, long tokens) {
                Consumption refused = remembered(answers, namespace, key, tokens, spec, local);
                if (refused != null) {
                    return refused;
                }
                Consumption answer = local.get().tryConsume(key, tokens);
                if (answer.consumed() && remembers()) {
                    owe(namespace, key, tokens, spec, shared, answers);
                }
                return answer;
            }

            @Override
            public void refund(String key, long tokens) {
                call(
                        () -> {
                            shared.refund(key, tokens);
                            forget(answers, key);
                            return null;
                        },
                        () -> {
                            local.get().refund(key, tokens);
                            forget(answers, key);
                            shared.forgetRefusal(key); // the fallback answers the key now (review133 F2)
                            if (remembers()) {
                                owe(namespace, key, -tokens, spec, shared, answers);
                            }
                            return null;
                        });
            }

            @Override
            public @Nullable Consumption rememberedRefusal(String key, long tokens) {
                return shared.rememberedRefusal(key, tokens);
            }

            /**
             * What the remote store knows without a round trip, or while the circuit is open the fallback, which
             * answers then; not a fallback bucket spent in an outage that has ended (review73 F2).
             */
            @Override
            public boolean knownToRefuse(String key, long tokens) {
                TokenBuckets made = local.peek();
                return shared.knownToRefuse(key, tokens)
                        || (made != null && !isAvailable() && made.knownToRefuse(key, tokens));
            }

            @Override
            public long trackedKeys() {
                return call(shared::trackedKeys, () -> local.get().trackedKeys());
            }
        };
    }

    /**
     * The last answers of the remote buckets of a namespace, kept at least as long as the slowest limits asked
     * for in it take to refill; one cache per namespace, so that a key is looked up as it is, without a new
     * object per request.
     */
    private Cache<String, LastAnswer> lastAnswers(String namespace, BucketSpec spec) {
        Cache<String, LastAnswer> answers = lastAnswers.computeIfAbsent(
                namespace,
                k -> Caffeine.newBuilder()
                        .executor(Runnable::run)
                        .maximumSize(settings.maximumKeys)
                        .expireAfterAccess(spec.nanosToFill(), TimeUnit.NANOSECONDS)
                        .ticker(timeSource::nanoTime)
                        .build());
        answers.policy().expireAfterAccess().ifPresent(expiry -> {
            synchronized (expiry) {
                if (expiry.getExpiresAfter(TimeUnit.NANOSECONDS) < spec.nanosToFill()) {
                    expiry.setExpiresAfter(spec.nanosToFill(), TimeUnit.NANOSECONDS);
                }
            }
        });
        return answers;
    }

    /**
     * Remembers what the remote bucket of the key answered, until it would be full again; returns the answer.
     * A key already remembered is updated in place, so that the healthy path allocates nothing for a key it
     * has seen. A bucket the answer left full is forgotten, and an answer for more tokens than the bucket holds
     * teaches nothing.
     */
    private Consumption remember(
            @Nullable Cache<String, LastAnswer> answers, String key, long tokens, Consumption answer) {
        if (answers == null || answer.nanosToWaitForRefill() == Long.MAX_VALUE) {
            return answer;
        }
        if (answer.consumed() && answer.nanosToWaitForReset() <= 0) {
            if (answers.estimatedSize() != 0) {
                answers.invalidate(key);
            }
            return answer;
        }
        long now = timeSource.nanoTime();
        long refused = answer.consumed() ? 0 : tokens;
        long refilledAt = answer.consumed() ? now : now + answer.nanosToWaitForRefill();
        long fullAt = now + answer.nanosToWaitForReset();
        LastAnswer last = answers.getIfPresent(key);
        if (last != null) {
            last.set(refused, answer.remainingTokens(), now, refilledAt, fullAt);
        } else {
            answers.put(key, new LastAnswer(refused, answer.remainingTokens(), now, refilledAt, fullAt));
        }
        return answer;
    }

    /**
     * The remembered refusal of a request for {@code tokens}, as the remote store would answer it now; or
     * null, for the fallback's bucket to answer. The first time the fallback answers for a key the remote
     * bucket answered, the fallback's bucket is drained to the tokens the remote bucket holds by now (what it
     * had left, and at least what its limits refilled since), so that a failed call or an outage never gives
     * a client a fresh bucket, and a client refused finds the bucket it drained refilling when the refusal
     * ends.
     */
    private @Nullable Consumption remembered(
            @Nullable Cache<String, LastAnswer> answers,
            String namespace,
            String key,
            long tokens,
            BucketSpec spec,
            Lazy<TokenBuckets> local) {
        LastAnswer last = answers == null ? null : answers.getIfPresent(key);
        if (last == null) {
            return null;
        }
        long now = timeSource.nanoTime();
        long refusedTokens;
        long remaining;
        long refilledAt;
        long fullAt;
        boolean drain;
        synchronized (last) {
            if (now - last.fullAt >= 0) {
                return null; // the remote bucket is full again, as the fallback's is
            }
            refusedTokens = last.tokens;
            remaining = last.remaining;
            refilledAt = last.refilledAt;
            fullAt = last.fullAt;
            drain = !last.drained;
            last.drained = true;
            if (drain) {
                TokenBuckets buckets = local.get();
                // What the fallback gave out and the remote bucket was not charged yet is not in the remote's answer
                // (a call in flight when the fallback answered others): the two buckets added up instead of being
                // one (probe52a F2: a burst during a Redis stall got 13 and 15 of a limit of 10 on one instance).
                Debt debt = debts.estimatedSize() == 0 ? null : debts.getIfPresent(new Scoped(namespace, key));
                long target = Math.max(
                        0, refilled(spec, remaining, now - last.answeredAt) - (debt == null ? 0 : debt.owed(now)));
                Consumption probe = buckets.tryConsume(key, 1);
                long excess = probe.remainingTokens() - target;
                if (probe.consumed() && excess > 0) {
                    buckets.tryConsume(key, excess);
                } else if (probe.consumed() && excess < 0) {
                    buckets.refund(key, 1); // it held no more than the remote bucket: the probe took nothing owed
                }
            }
        }
        if (tokens < refusedTokens || now - refilledAt >= 0) {
            return null;
        }
        return new Consumption(false, remaining, refilledAt - now, Math.max(0, fullAt - now));
    }

    /**
     * At least how many tokens a bucket of {@code spec} holds {@code elapsedNanos} after it held {@code
     * remaining}: each limit held at least that many and refilled at its own rate, up to its capacity.
     */
    static long refilled(BucketSpec spec, long remaining, long elapsedNanos) {
        long least = Long.MAX_VALUE;
        for (BucketLimit limit : spec.limits()) {
            least = Math.min(least, (long) Math.min(limit.capacity(), remaining + added(limit, elapsedNanos)));
        }
        return least;
    }

    /** At least how many tokens {@code limit} gives back in {@code elapsedNanos}, uncapped. */
    private static double added(BucketLimit limit, long elapsedNanos) {
        long elapsed = Math.max(0, elapsedNanos);
        return limit.greedy()
                ? (double) limit.refillTokens() * elapsed / limit.periodNanos()
                : (double) (elapsed / limit.periodNanos()) * limit.refillTokens();
    }

    private static void forget(@Nullable Cache<String, LastAnswer> answers, String key) {
        if (answers != null) {
            answers.invalidate(key);
        }
    }

    /**
     * What the remote bucket of a key last answered: the tokens it had left at {@code answeredAt}, and for a
     * refusal of {@code tokens} (0 for an answer that consumed) when they are back ({@code refilledAt});
     * {@code answeredAt}, {@code refilledAt} and {@code fullAt} are times of the {@link #timeSource}'s {@code
     * nanoTime()}; {@code drained} once the fallback's bucket of the key was drained to match it. Each answer
     * of the remote store overwrites it under its lock.
     */
    private static final class LastAnswer {
        long tokens;
        long remaining;
        long answeredAt;
        long refilledAt;
        long fullAt;
        boolean drained;

        LastAnswer(long tokens, long remaining, long answeredAt, long refilledAt, long fullAt) {
            set(tokens, remaining, answeredAt, refilledAt, fullAt);
        }

        synchronized void set(long tokens, long remaining, long answeredAt, long refilledAt, long fullAt) {
            this.tokens = tokens;
            this.remaining = remaining;
            this.answeredAt = answeredAt;
            this.refilledAt = refilledAt;
            this.fullAt = fullAt;
            this.drained = false;
        }
    }

    /**
     * Records {@code tokens} the fallback's bucket of a key gave out (negative: gave back), which the remote
     * bucket is charged when the key's next remote decision is made or the circuit closes, less what the
     * fallback's bucket refilled since beyond what the remote bucket could hold (see {@link Debt}). A new debt
     * starts from what the remote bucket held by this instance's last answer of it ({@code answers}), refilled
     * since, or from a full bucket if none is remembered.
     */
    private void owe(
            String namespace,
            String key,
            long tokens,
            BucketSpec spec,
            TokenBuckets shared,
            @Nullable Cache<String, LastAnswer> answers) {
        long now = timeSource.nanoTime();
        debts.asMap().compute(new Scoped(namespace, key), (k, debt) -> {
            Debt owed = debt != null && debt.spec.equals(spec)
                    ? debt
                    : new Debt(spec, shared, heldBefore(answers, key, spec, now), now);
            return owed.add(tokens, now) ? owed : null;
        });
        pending = true;
    }

    /**
     * Per limit, at least how many tokens the remote bucket of the key holds at {@code now} by its last
     * remembered answer (what it had left, plus what the limit refilled since, up to its capacity), as the
     * fallback's bucket was drained to when it first answered for the key; every capacity when no answer is
     * remembered or the bucket is full again.
     */
    private static double[] heldBefore(
            @Nullable Cache<String, LastAnswer> answers, String key, BucketSpec spec, long now) {
        List<BucketLimit> limits = spec.limits();
        double[] held = new double[limits.size()];
        LastAnswer last = answers == null ? null : answers.getIfPresent(key);
        long remaining = Long.MAX_VALUE;
        long elapsed = 0;
        if (last != null) {
            synchronized (last) {
                if (now - last.fullAt < 0) {
                    remaining = last.remaining;
                    elapsed = now - last.answeredAt;
                }
            }
        }
        for (int i = 0; i < held.length; i++) {
            BucketLimit limit = limits.get(i);
            held[i] = remaining == Long.MAX_VALUE
                    ? limit.capacity()
                    : Math.min(limit.capacity(), remaining + added(limit, elapsed));
        }
        return held;
    }

    /**
     * Charges the remote bucket of the key what the fallback's bucket gave out and has not refilled, if
     * anything; returns the key. Looks nothing up while no key owes anything, the healthy steady state.
     */
    private String repaid(String namespace, String key, TokenBuckets shared) {
        if (debts.estimatedSize() == 0) {
            return key;
        }
        Scoped scoped = new Scoped(namespace, key);
        Debt debt = debts.getIfPresent(scoped);
        if (debt != null && debts.asMap().remove(scoped, debt)) {
            long owed = debt.owed(timeSource.nanoTime());
            try {
                charge(shared, key, owed);
            } catch (RuntimeException e) {
                owedAgain(scoped, debt, owed); // charged on the next decision that reaches it
                throw e;
            }
        }
        return key;
    }

    /**
     * Puts back a debt whose charge failed, as it was, so that its limits' anchors keep counting the refills
     * since the tokens were given out (a new debt would count them from now); merged into a debt the fallback
     * started for the key meanwhile.
     */
    private void owedAgain(Scoped scoped, Debt debt, long owed) {
        Debt meanwhile = debts.asMap().putIfAbsent(scoped, debt);
        pending = true;
        if (meanwhile != null) {
            owe(scoped.namespace(), scoped.key(), owed, debt.spec, debt.shared, null);
        }
    }

    /** Takes {@code owed} tokens from the remote bucket of the key, or as many as it holds. */
    private static void charge(TokenBuckets shared, String key, long owed) {
        if (owed <= 0) {
            return;
        }
        Consumption taken = shared.tryConsume(key, owed);
        if (!taken.consumed() && taken.remainingTokens() > 0) {
            shared.tryConsume(key, taken.remainingTokens());
        }
    }

    /**
     * Tokens the fallback's bucket of one key gave out and the remote bucket has not been charged: per limit,
     * the difference between what the remote bucket holds by this instance's count, given nothing, and what
     * the fallback's bucket holds, given out what it gave out. Both start from what the remote bucket held when
     * the fallback began to answer for the key (see {@link #heldBefore}) and refill at the limit's rate up to its
     * capacity, so that the difference shrinks only while the remote bucket is full: its refill then goes to
     * waste while the fallback's still brings tokens back. Charged that difference, the remote bucket holds
     * what the fallback's does, neither the bucket a second time (its refill counted twice, probe19 H1) nor
     * less than a client who spent it early in an outage and then waited was given back. The remote bucket is
     * charged the most any limit still owes.
     *
     * <p>An intervally limit refills both at whole periods from the first token given out, as the fallback's
     * bucket does when it was full then; when the remote bucket was not full, its refill comes at a moment of
     * the period this instance does not know, and the charge may be one refill off either way.
     */
    private static final class Debt {
        final BucketSpec spec;
        final TokenBuckets shared;

        /** Per limit: what the remote bucket holds by this instance's count, had nothing been given out. */
        private final double[] remote;

        /** Per limit: what the fallback's bucket holds, from the same start, less what it gave out. */
        private final double[] local;

        /** Per limit, in {@code timeSource} nanos: the refill is counted up to here. */
        private final long[] anchor;

        private long last;

        Debt(BucketSpec spec, TokenBuckets shared, double[] held, long now) {
            this.spec = spec;
            this.shared = shared;
            this.remote = held;
            this.local = held.clone();
            this.anchor = new long[held.length];
            Arrays.fill(anchor, now);
            this.last = now;
        }

        /** Adds {@code tokens} given out (negative: given back); whether anything is still owed. */
        synchronized boolean add(long tokens, long now) {
            settle(now);
            last = now;
            boolean owing = false;
            for (int i = 0; i < local.length; i++) {
                double capacity = spec.limits().get(i).capacity();
                // never more than the remote bucket (a give-back of tokens it gave), nor owing more than it holds
                local[i] = Math.max(remote[i] - capacity, Math.min(remote[i], local[i] - tokens));
                owing |= remote[i] - local[i] > 0;
            }
            return owing;
        }

        /** The whole tokens still owed now. */
        synchronized long owed(long now) {
            settle(now);
            double most = 0;
            for (int i = 0; i < local.length; i++) {
                most = Math.max(most, remote[i] - local[i]);
            }
            return (long) Math.ceil(most - 1e-9);
        }

        /** Refills both counts of each limit up to {@code now}. */
        private void settle(long now) {
            for (int i = 0; i < local.length; i++) {
                BucketLimit limit = spec.limits().get(i);
                long elapsed = now - anchor[i];
                if (elapsed <= 0) {
                    continue;
                }
                double added = added(limit, elapsed);
                if (limit.greedy()) {
                    anchor[i] = now;
                } else {
                    // whole periods only: the anchor keeps the part of a period not refilled yet
                    anchor[i] += elapsed / limit.periodNanos() * limit.periodNanos();
                }
                remote[i] = Math.min(limit.capacity(), remote[i] + added);
                local[i] = Math.min(limit.capacity(), local[i] + added);
            }
        }

        /** When nothing is owed any more: every limit of the fallback's count has refilled to its capacity. */
        synchronized long clearedAt() {
            long latest = last;
            for (int i = 0; i < local.length; i++) {
                BucketLimit limit = spec.limits().get(i);
                double missing = Math.max(0, limit.capacity() - local[i]);
                double nanos = limit.greedy()
                        ? missing * limit.periodNanos() / limit.refillTokens()
                        : (Math.ceil(missing / limit.refillTokens()) + 1) * limit.periodNanos();
                long wait = nanos >= Long.MAX_VALUE / 4.0 ? Long.MAX_VALUE / 4 : (long) Math.ceil(nanos);
                latest = Math.max(latest, anchor[i] + wait);
            }
            return latest;
        }
    }

    @Override
    public Counters counters(String namespace, Duration window) {
        Counters shared = remote.counters(namespace, window);
        Lazy<Counters> local = new Lazy<>(() -> fallback.counters(namespace, window));
        return new ResilientCounters(
                shared,
                local,
                remembers()
                        ? ledgers.computeIfAbsent(
                                namespace + '\u0000' + window.toNanos(),
                                k -> new Ledger(namespace, window, shared, local))
                        : null);
    }

    /**
     * What this instance knows of one counters namespace of the remote store, for answers of the fallback,
     * and where the in-flight slots it took are. Both are bounded by {@link Builder#maximumKeys maximumKeys}
     * and forgotten after a window of the counters, when the counts and slots they describe have lapsed too.
     */
    private final class Ledger {
        /**
         * The last count the remote store answered per key, or the slots it held when it refused one; updated in
         * place, so that an answer for a key already known allocates nothing, and forgotten a window after the
         * key was first answered, as the remote count it mirrors lapses a window after the key's first add.
         */
        final Cache<String, AtomicLong> remoteCounts;

        /**
         * The slots this instance holds per slot key, and on which store each was taken. A key a flood of keys
         * evicted is given back on the fallback while the fallback holds slots of it, else on the remote store.
         */
        final Cache<String, Slots> slots;

        /** Keys the fallback counted something under that the remote store was not given yet. */
        final Cache<String, Boolean> unshared;

        /**
         * Per slot key, the slots to give back on the remote store that no call could take there yet: given back
         * while the circuit was open, or taken there by a reservation whose answer never came; see {@link
         * #oweGiveBack}.
         */
        final Cache<String, AtomicInteger> owedGiveBacks;

        private final Counters shared;
        private final Lazy<Counters> local;

        /** The counters' namespace: a sliding window's {@code NAME:count}, whose bans' lifts {@link #share} replays. */
        private final String namespace;

        Ledger(String namespace, Duration window, Counters shared, Lazy<Counters> local) {
            this.namespace = namespace;
            this.remoteCounts = windowCache(window);
            this.slots = windowCache(window);
            this.unshared = windowCache(window);
            this.owedGiveBacks = windowCache(window);
            this.shared = shared;
            this.local = local;
        }

        /** The last count the remote store answered for the key, within the counters' window. */
        long knownCount(String key) {
            AtomicLong count = remoteCounts.getIfPresent(key);
            return count == null ? 0 : count.get();
        }

        /** Remembers the count the remote store answered for the key. */
        void known(String key, long count) {
            AtomicLong known = remoteCounts.getIfPresent(key);
            if (known != null) {
                known.set(count);
            } else {
                remoteCounts.put(key, new AtomicLong(count));
            }
        }

        /** Remembers that the fallback counted under {@code key}. */
        void countedLocally(String key) {
            unshared.put(key, Boolean.TRUE);
            pending = true;
        }

        /**
         * Moves what the fallback counted under {@code key} to the remote store, if it was not moved yet, so
         * that the other instances count it too; this instance, which adds the fallback's count to the remote
         * store's answers, then counts it once. Looks nothing up while nothing is left to move.
         */
        void share(String key) {
            if (unsharedLifts.estimatedSize() != 0) {
                replayLiftFirst(key);
            }
            if (unshared.estimatedSize() == 0 || unshared.asMap().remove(key) == null) {
                return;
            }
            Counters counters = local.peek();
            long counted = counters == null ? 0 : counters.get(key);
            if (counted <= 0) {
                return;
            }
            try {
                known(key, shared.add(key, counted)); // the fallback's answers add it from now on
            } catch (RuntimeException e) {
                unshared.put(key, Boolean.TRUE); // moved on the key's next remote call
                pending = true;
                throw e;
            }
            counters.add(key, -counted);
        }

        /**
         * Replays, before a remote call of a sliding window's count key, the unban of its client kept during an outage
         * and not replayed yet ({@link #replayLiftsOfTheOutage} goes {@value #SHARED_ON_RECOVERY} at a time), so that
         * the call neither adds to the counts before the unban nor moves there the failures after it only for the
         * replay to take them to zero (review60 F3). Inside the remote call: a failure fails it, and the lift stays
         * kept.
         */
        private void replayLiftFirst(String key) {
            int at = key.lastIndexOf('@');
            if (at <= 0 || !namespace.endsWith(COUNT_SUFFIX)) {
                return;
            }
            String bans = namespace.substring(0, namespace.length() - COUNT_SUFFIX.length());
            if (!windowNamespaces.containsKey(bans)) {
                return;
            }
            Scoped lifted = new Scoped(bans, key.substring(0, at));
            if (unsharedLifts.getIfPresent(lifted) != null) {
                replayKeptLift(lifted); // or wait for another thread's replay of it to end
            }
        }

        /**
         * Remembers a slot of {@code reserved} to give back on the remote store, by the call that closes the
         * circuit, later healthy calls, or the key's next remote reservation, whichever comes first; forgotten a
         * counters window later, when the slot has lapsed there anyway.
         */
        void oweGiveBack(String reserved) {
            owedGiveBacks.asMap().compute(reserved, (k, owed) -> {
                AtomicInteger slots = owed != null ? owed : new AtomicInteger();
                slots.incrementAndGet();
                return slots;
            });
            pending = true;
        }

        /**
         * Gives back on the remote store the slots of {@code reserved} owed there, one call each; looks nothing up
         * while none is owed. A call that timed out is not made again (a stalled store still runs it when it
         * catches up); one that failed otherwise, and the slots after it, stay owed.
         */
        void giveBackOwed(String reserved) {
            if (owedGiveBacks.estimatedSize() == 0) {
                return;
            }
            AtomicInteger owed = owedGiveBacks.asMap().remove(reserved);
            int left = owed == null ? 0 : owed.get();
            try {
                while (left > 0) {
                    left--;
                    shared.release(reserved);
                }
            } catch (RuntimeException e) {
                // the call that timed out is not made again (a stalled store still runs it); one that failed
                // otherwise never ran
                int reOwed = e instanceof StoreTimeoutException ? left : left + 1;
                for (int i = 0; i < reOwed; i++) {
                    oweGiveBack(reserved);
                }
                throw e;
            }
        }

        private <V> Cache<String, V> windowCache(Duration window) {
            return Caffeine.newBuilder()
                    .executor(Runnable::run)
                    .maximumSize(settings.maximumKeys)
                    .expireAfterWrite(window)
                    .ticker(timeSource::nanoTime)
                    .build();
        }
    }

    /**
     * The slots of one slot key this instance holds: taken on the fallback, and taken on the remote store; and of
     * those taken on the fallback, how many were taken after a remote reservation that was sent but never
     * answered (a timeout), which the remote store may have granted when it ran it.
     */
    private static final class Slots {
        final AtomicInteger local = new AtomicInteger();
        final AtomicInteger remote = new AtomicInteger();
        final AtomicInteger unanswered = new AtomicInteger();

        /** Takes one off {@code count} if it is positive; whether it was. */
        static boolean giveBack(@Nullable AtomicInteger count) {
            return count != null && count.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0;
        }
    }

    /**
     * Counters of the remote store, and of the fallback while it answers. Under {@link
     * OutagePolicy#LOCAL_FALLBACK} the two are one count: an answer of the remote store adds what the fallback
     * counted (during an outage, or for a call that failed), and an answer of the fallback adds the last count
     * the remote store answered, so that a failed call never starts a key afresh and an outage's counts are
     * not lost when it ends. An in-flight slot is given back on the store it was taken on (on the remote store
     * once it answers again, if the circuit was open), and the bound of a reservation counts the slots and counts
     * of the other store.
     */
    private final class ResilientCounters implements Counters {
        private final Counters shared;
        private final Lazy<Counters> local;
        private final @Nullable Ledger ledger;

        /** {@link #localCount} and {@link #knownCount}, made once rather than per reservation. */
        private final ToLongFunction<String> localCounts = this::localCount;

        private final ToLongFunction<String> knownCounts = this::knownCount;

        ResilientCounters(Counters shared, Lazy<Counters> local, @Nullable Ledger ledger) {
            this.shared = shared;
            this.local = local;
            this.ledger = ledger;
        }

        boolean belongsTo(ResilientStateStore store) {
            return store == ResilientStateStore.this;
        }

        /** The fallback's count of the key, without creating the fallback's namespace. */
        private long localCount(String key) {
            Counters counters = local.peek();
            return counters == null ? 0 : counters.get(key);
        }

        /** The last count the remote store answered for the key, within the counters' window. */
        private long knownCount(String key) {
            return ledger.knownCount(key);
        }

        private long remoteSlots(String slotKey) {
            Slots slots = ledger.slots.getIfPresent(slotKey);
            return slots == null ? 0 : Math.max(0, slots.remote.get());
        }

        private long fromRemote(String key, long count) {
            if (ledger == null) {
                return count;
            }
            ledger.known(key, count);
            return count + localCount(key);
        }

        long[] fromRemote(String key, String other, long[] counts) {
            if (ledger == null) {
                return counts;
            }
            ledger.known(key, counts[0]);
            ledger.known(other, counts[1]);
            counts[0] += localCount(key); // the remote store's answer is ours to change
            counts[1] += localCount(other);
            return counts;
        }

        private long fromLocal(String key, long count) {
            return ledger == null ? count : count + knownCount(key);
        }

        long[] fromLocal(String key, String other, long[] counts) {
            if (ledger == null) {
                return counts;
            }
            counts[0] += knownCount(key);
            counts[1] += knownCount(other);
            return counts;
        }

        /** Moves what the fallback counted under the keys to the remote store, before a remote call reads them. */
        void share(String key, @Nullable String other) {
            if (ledger != null) {
                ledger.share(key);
                if (other != null) {
                    ledger.share(other);
                }
            }
        }

        /** Remembers that the fallback counted under {@code key}, for the remote store to be given it. */
        void countedLocally(String key) {
            if (ledger != null) {
                ledger.countedLocally(key);
            }
        }

        @Override
        public long add(String key, long delta) {
            return call(
                    () -> {
                        share(key, null);
                        return fromRemote(key, shared.add(key, delta));
                    },
                    () -> {
                        countedLocally(key);
                        return fromLocal(key, local.get().add(key, delta));
                    });
        }

        @Override
        public long get(String key) {
            return call(
                    () -> {
                        share(key, null);
                        return fromRemote(key, shared.get(key));
                    },
                    () -> fromLocal(key, local.get().get(key)));
        }

        /** The remote store's listing; the fallback counts under keys as they are, which a listing does not name. */
        @Override
        public void removeListed(String listing) {
            call(
                    () -> {
                        shared.removeListed(listing);
                        return null;
                    },
                    () -> null);
        }

        /** As {@link #add} for each key, in one remote step: each key's counts of the two stores are one, as there. */
        @Override
        public long[] addAll(List<String> keys, long delta) {
            return addAll(keys, delta, false);
        }

        /**
         * As {@link #addAll}, a count below 0 taken as 0 in the remote store's own atomic step, where the count of each
         * key is the remote store's alone (nothing of the fallback's left under it); where the fallback holds a part
         * (a lift during an outage leaves it below 0 on purpose, review158 F3: clamped alone, a lifted ban history read
         * 3 and escalated the next ban), the count as callers read it, both parts, is brought up by a second add.
         */
        @Override
        public long[] addAllFromZero(List<String> keys, long delta) {
            if (ledger != null) {
                for (String key : keys) {
                    if (localCount(key) != 0) {
                        return Counters.super.addAllFromZero(keys, delta);
                    }
                }
            }
            return addAll(keys, delta, true);
        }

        private long[] addAll(List<String> keys, long delta, boolean fromZero) {
            return call(
                    () -> {
                        for (String key : keys) {
                            share(key, null);
                        }
                        long[] counts = fromZero ? shared.addAllFromZero(keys, delta) : shared.addAll(keys, delta);
                        for (int i = 0; i < counts.length; i++) {
                            counts[i] = fromRemote(keys.get(i), counts[i]);
                        }
                        return counts;
                    },
                    () -> {
                        for (String key : keys) {
                            countedLocally(key);
                        }
                        long[] counts = fromZero && ledger == null
                                ? local.get().addAllFromZero(keys, delta)
                                : local.get().addAll(keys, delta);
                        if (fromZero && ledger != null) {
                            // the count callers read is the fallback's and the last the remote store gave: brought up
                            // as a whole, below
                            for (int i = 0; i < counts.length; i++) {
                                long whole = fromLocal(keys.get(i), counts[i]);
                                if (whole < delta) {
                                    counts[i] = local.get().add(keys.get(i), delta - whole);
                                }
                            }
                        }
                        for (int i = 0; i < counts.length; i++) {
                            counts[i] = fromLocal(keys.get(i), counts[i]);
                        }
                        return counts;
                    });
        }

        @Override
        public long[] addAndGet(String key, long delta, String other) {
            return call(
                    () -> {
                        share(key, other);
                        return fromRemote(key, other, shared.addAndGet(key, delta, other));
                    },
                    () -> {
                        countedLocally(key);
                        return fromLocal(key, other, local.get().addAndGet(key, delta, other));
                    });
        }

        @Override
        public long[] get(String key, String other) {
            return call(
                    () -> {
                        share(key, other);
                        return fromRemote(key, other, shared.get(key, other));
                    },
                    () -> fromLocal(key, other, local.get().get(key, other)));
        }

        @Override
        public boolean reserve(
                String reserved,
                String reservedBefore,
                String current,
                String previous,
                long previousPart,
                long whole,
                long limit) {
            if (ledger == null) {
                return call(
                        () -> shared.reserve(reserved, reservedBefore, current, previous, previousPart, whole, limit),
                        () -> local.get()
                                .reserve(reserved, reservedBefore, current, previous, previousPart, whole, limit));
            }
            return reserveUnlessBanned(
                            null, "", reserved, reservedBefore, current, previous, previousPart, whole, limit)
                    == SlidingWindows.Reservation.TAKEN;
        }

        /**
         * {@link Bans#reserveUnlessBanned}: the ban of {@code bans} looked up and a slot taken in one remote step (one
         * round trip on Redis; it was two for every failure rule of a request). Under {@link
         * OutagePolicy#LOCAL_FALLBACK} only, with the slots of a ledger: the fallback answers a failed step as it
         * answers each of the two calls, the ban from its copy and the slot from {@link #reserveOnFallback}; the other
         * policies make the two calls. Without {@code bans}, {@link #reserve}: the slot alone.
         */
        SlidingWindows.Reservation reserveUnlessBanned(
                @Nullable ResilientBans bans,
                String banKey,
                String reserved,
                String reservedBefore,
                String current,
                String previous,
                long previousPart,
                long whole,
                long limit) {
            Slots held = ledger.slots.get(reserved, k -> new Slots());
            int permit = acquire();
            if (permit == CircuitBreaker.REFUSED) {
                return onFallback(
                        bans,
                        banKey,
                        held,
                        null,
                        false,
                        reserved,
                        reservedBefore,
                        current,
                        previous,
                        previousPart,
                        whole,
                        limit);
            }
            boolean sent = false;
            boolean taken = false;
            SlidingWindows.Reservation answer;
            try {
                lookForDataLossNow();
                if (remote.dataLosses() != lossesSeen) {
                    restoreAfterLoss(); // before this answer can drop a ban's copy the remote store no longer has
                }
                // slots given back during an outage first, so that the bound there counts only those in flight
                ledger.giveBackOwed(reserved);
                ledger.giveBackOwed(reservedBefore);
                share(current, previous);
                // what the fallback counted and holds leaves the rest of the bound to the remote store
                long room = limit - load(localCounts, reserved, reservedBefore, current, previous, previousPart, whole);
                sent = room > 0;
                if (!sent) {
                    answer = bans != null && bans.shared.isBanned(banKey)
                            ? SlidingWindows.Reservation.BANNED
                            : SlidingWindows.Reservation.FULL;
                } else if (bans == null) {
                    answer = shared.reserve(reserved, reservedBefore, current, previous, previousPart, whole, room)
                            ? SlidingWindows.Reservation.TAKEN
                            : SlidingWindows.Reservation.FULL;
                } else {
                    answer = bans.shared.reserveUnlessBanned(
                            banKey, shared, reserved, reservedBefore, current, previous, previousPart, whole, room);
                }
                taken = answer == SlidingWindows.Reservation.TAKEN;
                if (taken) {
                    held.remote.incrementAndGet();
                    if (ledger.remoteCounts.asMap().containsKey(reserved)) {
                        ledger.remoteCounts.invalidate(reserved); // looked up first: a removal allocates
                    }
                } else if (answer == SlidingWindows.Reservation.FULL && sent) {
                    // At its bound there: what this instance's slots and the known counts do not
                    // explain is the others' (their slots, or counts not seen here), which the
                    // fallback must not grant afresh; this instance's slots count while they last.
                    long others = room
                            - remoteSlots(reserved)
                            - remoteSlots(reservedBefore)
                            - sliding(knownCounts, current, previous, previousPart, whole);
                    ledger.known(reserved, Math.max(0, others));
                }
                boolean banned = bans != null && bans.seen(banKey, answer == SlidingWindows.Reservation.BANNED);
                if (banned && taken) {
                    // a ban this instance took during an outage, now shared, or one written back after a loss: the
                    // slot is given back at once, or owed there if that call fails
                    held.remote.decrementAndGet();
                    taken = false;
                    try {
                        shared.release(reserved);
                    } catch (RuntimeException e) {
                        if (!(e instanceof StoreTimeoutException)) {
                            ledger.oweGiveBack(reserved); // a timed-out one may still run: not sent again
                        }
                        throw e;
                    }
                }
                if (banned) {
                    answer = SlidingWindows.Reservation.BANNED;
                }
            } catch (IllegalArgumentException e) {
                throw e; // a caller's mistake, not an outage
            } catch (RuntimeException e) {
                failed(permit, e);
                if (taken) {
                    if (bans == null || !bans.local.get().isBanned(banKey)) {
                        return SlidingWindows.Reservation.TAKEN; // held there; only keeping the ban's copy failed
                    }
                    // review60 F1: the ban this instance holds could not be shared; the slot is not the client's
                    held.remote.decrementAndGet();
                    ledger.oweGiveBack(reserved);
                    return SlidingWindows.Reservation.BANNED;
                }
                return onFallback(
                        bans,
                        banKey,
                        held,
                        e,
                        sent,
                        reserved,
                        reservedBefore,
                        current,
                        previous,
                        previousPart,
                        whole,
                        limit);
            }
            succeeded(permit);
            return answer;
        }

        /** The fallback's answer to {@link #reserveUnlessBanned}: the ban's copy, then {@link #reserveOnFallback}. */
        private SlidingWindows.Reservation onFallback(
                @Nullable ResilientBans bans,
                String banKey,
                Slots held,
                @Nullable RuntimeException failure,
                boolean sent,
                String reserved,
                String reservedBefore,
                String current,
                String previous,
                long previousPart,
                long whole,
                long limit) {
            if (bans != null && bans.local.get().isBanned(banKey)) {
                return SlidingWindows.Reservation.BANNED;
            }
            boolean here =
                    reserveOnFallback(held, reserved, reservedBefore, current, previous, previousPart, whole, limit);
            if (here && sent && failure instanceof StoreTimeoutException) {
                // the remote store may still run the reservation (a stalled one does when it catches up): when this
                // slot is given back, the one it may have taken there is given back too; a command refused before it
                // was sent, or answered with an error, took nothing (review8)
                held.unanswered.incrementAndGet();
            }
            if (here) {
                return SlidingWindows.Reservation.TAKEN;
            }
            return bans != null && bans.local.get().isBanned(banKey)
                    ? SlidingWindows.Reservation.BANNED
                    : SlidingWindows.Reservation.FULL;
        }

        /** A reservation of the fallback, within what the remote store last counted and this instance holds there. */
        private boolean reserveOnFallback(
                Slots held,
                String reserved,
                String reservedBefore,
                String current,
                String previous,
                long previousPart,
                long whole,
                long limit) {
            // the remote store's last counts and refusal, and the slots taken there still in flight
            long room = limit
                    - load(knownCounts, reserved, reservedBefore, current, previous, previousPart, whole)
                    - remoteSlots(reserved)
                    - remoteSlots(reservedBefore);
            boolean taken = room > 0
                    && local.get().reserve(reserved, reservedBefore, current, previous, previousPart, whole, room);
            if (taken) {
                held.local.incrementAndGet();
            }
            return taken;
        }

        /** The sliding count and the slots of a reservation's keys, as {@code count} reads each key. */
        private static long load(
                ToLongFunction<String> count,
                String reserved,
                String reservedBefore,
                String current,
                String previous,
                long previousPart,
                long whole) {
            long slots = Math.max(0, count.applyAsLong(reserved)) + Math.max(0, count.applyAsLong(reservedBefore));
            return sliding(count, current, previous, previousPart, whole) + slots;
        }

        /** The sliding count of a window and the part of its previous window still inside, rounded up. */
        private static long sliding(
                ToLongFunction<String> count, String current, String previous, long previousPart, long whole) {
            return count.applyAsLong(current) + (count.applyAsLong(previous) * previousPart + whole - 1) / whole;
        }

        @Override
        public void release(String reserved) {
            if (ledger == null) {
                call(
                        () -> {
                            shared.release(reserved);
                            return null;
                        },
                        () -> {
                            local.get().release(reserved);
                            return null;
                        });
                return;
            }
            Slots held = ledger.slots.getIfPresent(reserved);
            if (held != null ? Slots.giveBack(held.local) : localCount(reserved) > 0) {
                local.get().release(reserved);
                if (held != null && Slots.giveBack(held.unanswered)) {
                    giveBackRemotely(reserved);
                }
                return;
            }
            if (held != null) {
                Slots.giveBack(held.remote);
            }
            giveBackRemotely(reserved);
        }

        /**
         * Gives back a slot of {@code reserved} on the remote store. While the circuit is open, the slot is owed
         * there and given back once the remote store answers again (see {@link Ledger#oweGiveBack}), and so is one
         * whose call failed before it ran; a call that timed out is not made again: a stalled store still runs it
         * when it catches up.
         */
        private void giveBackRemotely(String reserved) {
            int permit = acquire();
            if (permit == CircuitBreaker.REFUSED) {
                ledger.oweGiveBack(reserved);
                return;
            }
            try {
                shared.release(reserved);
            } catch (IllegalArgumentException e) {
                throw e; // a caller's mistake, not an outage
            } catch (RuntimeException e) {
                failed(permit, e);
                if (!(e instanceof StoreTimeoutException)) {
                    ledger.oweGiveBack(reserved); // never run there: given back once it answers again
                }
                return;
            }
            succeeded(permit);
        }

        @Override
        public long[] addAndRelease(String key, long delta, String other, String reserved) {
            if (ledger == null) {
                return call(
                        () -> shared.addAndRelease(key, delta, other, reserved),
                        () -> local.get().addAndRelease(key, delta, other, reserved));
            }
            Slots held = ledger.slots.getIfPresent(reserved);
            if (held != null ? Slots.giveBack(held.local) : localCount(reserved) > 0) {
                countedLocally(key);
                long[] counts = fromLocal(key, other, local.get().addAndRelease(key, delta, other, reserved));
                if (held != null && Slots.giveBack(held.unanswered)) {
                    giveBackRemotely(reserved);
                }
                return counts;
            }
            if (held != null) {
                Slots.giveBack(held.remote);
            }
            int permit = acquire();
            if (permit == CircuitBreaker.REFUSED) {
                ledger.oweGiveBack(reserved); // given back there once it answers again
                return countedHere(key, delta, other);
            }
            boolean sent = false;
            long[] counts;
            try {
                share(key, other);
                sent = true;
                counts = fromRemote(key, other, shared.addAndRelease(key, delta, other, reserved));
            } catch (IllegalArgumentException e) {
                throw e; // a caller's mistake, not an outage
            } catch (RuntimeException e) {
                failed(permit, e);
                if (!sent || !(e instanceof StoreTimeoutException)) {
                    ledger.oweGiveBack(reserved);
                } // else sent and unanswered: a stalled store gives the slot back when it catches up
                return countedHere(key, delta, other);
            }
            succeeded(permit);
            return counts;
        }

        /** A count of the fallback, which the remote store is given later, of a request whose slot was remote. */
        private long[] countedHere(String key, long delta, String other) {
            countedLocally(key);
            return fromLocal(key, other, local.get().addAndGet(key, delta, other));
        }
    }

    /**
     * The remote store's seed; when it is unreachable (at start-up), whatever the outage policy, the
     * fallback's, with a warning: until this instance restarts with the remote store reachable, it hashes
     * unlike the others (a guard that cannot start would refuse or pass everything, which no policy asks).
     */
    @Override
    public long sharedSeed(String name) {
        try {
            return remote.sharedSeed(name);
        } catch (RuntimeException e) {
            log.warn(
                    "State store {} is unreachable ({}): seed '{}' is this instance's own until it restarts with"
                            + " the store reachable, so it counts shared sketches unlike the other instances",
                    description,
                    e.toString(),
                    name);
            return fallback.sharedSeed(name);
        }
    }

    /**
     * The sliding windows' namespaces, each with its window: a lift of one of their bans kept during an outage takes
     * the key's counts back to zero on the remote store too when it is replayed (review56 F3: the replay lifted the
     * ban only, and the failures counted before the unban banned the client again at its next failure, or refused
     * its next attempts as in flight).
     */
    private final Map<String, Duration> windowNamespaces = new ConcurrentHashMap<>();

    @Override
    public SlidingWindows slidingWindows(String namespace, Duration window) {
        windowNamespaces.put(namespace, window);
        return StateStore.super.slidingWindows(namespace, window);
    }

    @Override
    public Bans bans(String namespace) {
        banNamespaces.add(namespace);
        return new ResilientBans(namespace, remote.bans(namespace), new Lazy<>(() -> fallback.bans(namespace)));
    }

    /**
     * Writes back to the remote store the bans this instance still holds copies of, once the remote store reports it
     * lost its data (a restart without persistence, a flush, a failover to a lagging replica): their copies would
     * otherwise be dropped at the next look-up that the remote store answers "not banned", and a banned client
     * would start afresh (probe48a F2: ten more password guesses inside a fifteen-minute ban after a Redis restart of
     * 0.3 s). Under-attack modes are bans too. Every copy ({@link #writeBack}), before the first call after the loss
     * is known; a write-back that failed is tried again by the next call.
     */
    private void restoreAfterLoss() {
        long losses = remote.dataLosses();
        if (losses == lossesSeen
                || timeSource.nanoTime() - restoreFailedAt < RESTORE_RETRY_NANOS
                || !restoring.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!remembers()) {
                lossesSeen = losses;
                return;
            }
            int restored = 0;
            for (String namespace : banNamespaces) {
                restored += writeBack(namespace);
            }
            // only once written: a write-back that failed is tried again by the next call (review50 F1)
            lossesSeen = losses;
            log.warn(
                    "State store {} lost its data; the {} bans and modes this instance still held were written back",
                    description,
                    restored);
        } catch (RuntimeException e) {
            // the remote store failed again: the copies stay in the fallback and refuse here meanwhile, and the next
            // call a second from now tries again (not every call: a Redis refusing writes would be sent the whole
            // write-back by each request)
            restoreFailedAt = timeSource.nanoTime();
            log.warn(
                    "State store {} lost its data; writing back the bans held here failed: {}",
                    description,
                    e.toString());
        } finally {
            restoring.set(false);
        }
    }

    /**
     * Writes the copies of {@code namespace}'s bans back to the remote store, latest to end first, at most {@value
     * Bans#MAX_LISTED}, {@value #WRITTEN_BACK_PAGE} a remote call (review50 F2: only the 64 ending soonest were, and a
     * repeat offender's day-long ban, the last to end, was lost).
     *
     * @return how many bans it wrote
     */
    private int writeBack(String namespace) {
        List<BannedKey> held = fallback.bans(namespace).latest(Bans.MAX_LISTED, Duration.ZERO);
        Bans shared = remote.bans(namespace);
        for (int from = 0; from < held.size(); from += WRITTEN_BACK_PAGE) {
            Map<String, Duration> page = new LinkedHashMap<>();
            for (BannedKey banned : held.subList(from, Math.min(held.size(), from + WRITTEN_BACK_PAGE))) {
                page.put(banned.key(), banned.remaining());
            }
            shared.banAll(page);
        }
        return held.size();
    }

    /**
     * Drops the copies of a ban another instance lifted everywhere, so that a loss of the remote store's data does not
     * bring it back with this instance's write-back (probe52a F1: a ban lifted by hand refused its client again, an
     * hour long, after Redis restarted empty). Runs on the store's thread. A key the remote store tells (an address)
     * is one look-up, whatever the number of copies; a key it tells by its digest walks the namespace's copies, at
     * most {@value Bans#MAX_LISTED} (review54 F4: every lift walked them, with an HMAC each, and missed a copy past
     * them).
     */
    private void liftedElsewhere(String namespace, @Nullable String key, java.util.function.Predicate<String> lifted) {
        if (!banNamespaces.contains(namespace)) {
            return; // no copy of this namespace was ever made here
        }
        Bans copies = fallback.bans(namespace);
        if (key != null) {
            copies.lift(key);
            unshared.invalidate(new Scoped(namespace, key));
            return;
        }
        for (BannedKey copy : copies.latest(Bans.MAX_LISTED, Duration.ZERO)) {
            if (lifted.test(copy.key())) {
                copies.lift(copy.key());
                unshared.invalidate(new Scoped(namespace, copy.key()));
            }
        }
    }

    /**
     * Every {@value #LOSS_LOOK_SECONDS} seconds, the call that comes first asks the remote store whether it lost its data
     * (two {@code GET}s on Redis) while this instance keeps copies of bans (under local fallback, once a guard asked
     * for bans): a flush on a live connection re-makes
     * nothing, and a client banned through this instance that comes back only through another one was let in there
     * until this one looked its own ban up (stop 49's open limit). Found here, every copy is written back.
     */
    private void lookForDataLossNow() {
        if (banNamespaces.isEmpty() || !remembers()) {
            return;
        }
        long now = timeSource.nanoTime();
        long last = lossLookedAt.get();
        if (now - last >= LOSS_LOOK_NANOS && lossLookedAt.compareAndSet(last, now)) {
            remote.lookForDataLoss();
        }
    }

    /** How often a call looks for a loss of the remote store's data; see {@link #lookForDataLossNow}. */
    static final int LOSS_LOOK_SECONDS = 5;

    private static final long LOSS_LOOK_NANOS = LOSS_LOOK_SECONDS * 1_000_000_000L;

    /** When a call last looked for a loss ({@link TimeSource#nanoTime}); see {@link #lookForDataLossNow}. */
    private final AtomicLong lossLookedAt = new AtomicLong();

    /** When a write-back after a loss last failed ({@link TimeSource#nanoTime}); see {@link #restoreAfterLoss}. */
    private volatile long restoreFailedAt = Long.MIN_VALUE / 2;

    /** How long after a failed write-back the next is tried. */
    private static final long RESTORE_RETRY_NANOS = 1_000_000_000L;

    /** The most bans {@link #writeBack} writes per remote call after a loss. */
    static final int WRITTEN_BACK_PAGE = 500;

    /**
     * Bans of the remote store, with a copy of each in the fallback's bans while it lasts (under {@link
     * OutagePolicy#LOCAL_FALLBACK}), so that an outage refuses whom the remote store refused.
     */
    private final class ResilientBans implements Bans {
        private final String namespace;
        private final Bans shared;
        private final Lazy<Bans> local;

        /** The lifts by hand made here, the remote store's taken or not: {@link #liftsSeen} counts them too. */
        private final java.util.concurrent.atomic.AtomicLong ownLifts = new java.util.concurrent.atomic.AtomicLong();

        ResilientBans(String namespace, Bans shared, Lazy<Bans> local) {
            this.namespace = namespace;
            this.shared = shared;
            this.local = local;
        }

        /** The remote store's, which hears the other instances' lifts, and this instance's own. */
        @Override
        public long liftsSeen() {
            return shared.liftsSeen() + ownLifts.get();
        }

        @Override
        public void ban(String key, Duration ttl) {
            call(
                    () -> {
                        shared.ban(key, ttl);
                        if (remembers()) {
                            local.get().ban(key, ttl);
                            // the shared ban replaces one taken here during an outage, and a lift of then
                            unshared.invalidate(new Scoped(namespace, key));
                            unsharedLifts.invalidate(new Scoped(namespace, key));
                        }
                        return null;
                    },
                    () -> {
                        local.get().ban(key, ttl);
                        unshared.put(new Scoped(namespace, key), timeSource.nanoTime() + ttl.toNanos());
                        unsharedLifts.invalidate(new Scoped(namespace, key)); // the later ban wins
                        pending = true;
                        return null;
                    });
        }

        /** As {@link #ban} for each key, in one remote step. */
        @Override
        public void banAll(Map<String, Duration> ttls) {
            call(
                    () -> {
                        shared.banAll(ttls);
                        if (remembers()) {
                            local.get().banAll(ttls);
                            for (String key : ttls.keySet()) {
                                unshared.invalidate(new Scoped(namespace, key));
                                unsharedLifts.invalidate(new Scoped(namespace, key));
                            }
                        }
                        return null;
                    },
                    () -> {
                        local.get().banAll(ttls);
                        long now = timeSource.nanoTime();
                        for (Map.Entry<String, Duration> entry : ttls.entrySet()) {
                            unshared.put(
                                    new Scoped(namespace, entry.getKey()),
                                    now + entry.getValue().toNanos());
                            unsharedLifts.invalidate(new Scoped(namespace, entry.getKey())); // the later ban wins
                        }
                        pending = true;
                        return null;
                    });
        }

        @Override
        public boolean isBanned(String key) {
            return call(() -> seen(key, shared.isBanned(key)), () -> local.get().isBanned(key));
        }

        /**
         * As {@link #remaining(String)} for each key, in one remote step, keeping the fallback's copies in step as
         * {@link #isBanned} does: the remote store's answer gives each ban's end, so copying one costs no call.
         */
        @Override
        public List<Duration> remainingAll(List<String> keys) {
            return call(
                    () -> {
                        List<Duration> remaining = shared.remainingAll(keys);
                        if (!remembers()) {
                            return remaining;
                        }
                        List<Duration> seen = new java.util.ArrayList<>(remaining.size());
                        for (int i = 0; i < remaining.size(); i++) {
                            seen.add(seen(keys.get(i), remaining.get(i)));
                        }
                        return seen;
                    },
                    () -> local.get().remainingAll(keys));
        }

        @Override
        public boolean isBannedSampled(String key) {
            return call(
                    () -> seen(key, shared.isBannedSampled(key)),
                    () -> local.get().isBannedSampled(key));
        }

        @Override
        public Duration remaining(String key) {
            return call(
                    () -> {
                        Duration remaining = shared.remaining(key);
                        return remembers() ? seen(key, remaining) : remaining;
                    },
                    () -> local.get().remaining(key));
        }

        @Override
        public List<BannedKey> active(int limit) {
            return call(() -> shared.active(limit), () -> local.get().active(limit));
        }

        @Override
        public List<BannedKey> active(int limit, Duration endingAfter) {
            return call(
                    () -> shared.active(limit, endingAfter), () -> local.get().active(limit, endingAfter));
        }

        @Override
        public List<BannedKey> latest(int limit, Duration endingAfter) {
            return call(
                    () -> shared.latest(limit, endingAfter), () -> local.get().latest(limit, endingAfter));
        }

        @Override
        public SlidingWindows.Reservation reserveUnlessBanned(
                String key,
                Counters counters,
                String reserved,
                String reservedBefore,
                String current,
                String previous,
                long previousPart,
                long whole,
                long limit) {
            if (!(counters instanceof ResilientCounters both)
                    || !both.belongsTo(ResilientStateStore.this)
                    || both.ledger == null
                    || !remembers()) {
                return Bans.super.reserveUnlessBanned(
                        key, counters, reserved, reservedBefore, current, previous, previousPart, whole, limit);
            }
            return both.reserveUnlessBanned(
                    this, key, reserved, reservedBefore, current, previous, previousPart, whole, limit);
        }

        @Override
        public long getUnlessBanned(String key, Counters counters, String countKey) {
            if (!(counters instanceof ResilientCounters both) || !both.belongsTo(ResilientStateStore.this)) {
                return Bans.super.getUnlessBanned(key, counters, countKey);
            }
            return call(
                    () -> {
                        both.share(countKey, null);
                        long count = shared.getUnlessBanned(key, both.shared, countKey);
                        return seen(key, count < 0) ? -1 : both.fromRemote(countKey, count);
                    },
                    () -> {
                        long count = local.get().getUnlessBanned(key, both.local.get(), countKey);
                        return count < 0 ? -1 : both.fromLocal(countKey, count);
                    });
        }

        @Override
        public long @Nullable [] addAndGetUnlessBanned(
                String key, Counters counters, String countKey, long delta, String otherKey) {
            if (!(counters instanceof ResilientCounters both) || !both.belongsTo(ResilientStateStore.this)) {
                return Bans.super.addAndGetUnlessBanned(key, counters, countKey, delta, otherKey);
            }
            return call(
                    () -> {
                        both.share(countKey, otherKey);
                        long[] counts = shared.addAndGetUnlessBanned(key, both.shared, countKey, delta, otherKey);
                        return seen(key, counts == null) ? null : both.fromRemote(countKey, otherKey, counts);
                    },
                    () -> {
                        long[] counts =
                                local.get().addAndGetUnlessBanned(key, both.local.get(), countKey, delta, otherKey);
                        if (counts == null) {
                            return null;
                        }
                        both.countedLocally(countKey);
                        return both.fromLocal(countKey, otherKey, counts);
                    });
        }

        @Override
        public void lift(String key) {
            call(
                    () -> {
                        shared.lift(key);
                        forgetBan(key);
                        return null;
                    },
                    () -> {
                        liftLater(key, false);
                        forgetBan(key);
                        return null;
                    });
        }

        @Override
        public void liftEverywhere(String key) {
            ownLifts.incrementAndGet();
            call(
                    () -> {
                        shared.liftEverywhere(key);
                        forgetBan(key);
                        return null;
                    },
                    () -> {
                        liftLater(key, true);
                        forgetBan(key);
                        return null;
                    });
        }

        /**
         * Keeps a lift the remote store did not take, for when it is back, with the end of the ban it lifts as this
         * instance's copy tells it (called before the copy is dropped); see {@link #unsharedLifts}.
         */
        private void liftLater(String key, boolean everywhere) {
            if (remembers()) {
                Duration left = local.get().remaining(key);
                long knownEnd =
                        left.isZero() || left.isNegative() ? UNKNOWN_END : timeSource.nanoTime() + left.toNanos();
                unsharedLifts
                        .asMap()
                        .merge(new Scoped(namespace, key), new KeptLift(everywhere, knownEnd), KeptLift::and);
                pending = true;
                forgetKnownCounts(namespace, key);
            }
        }

        private void forgetBan(String key) {
            local.get().lift(key);
            unshared.invalidate(new Scoped(namespace, key));
        }

        /**
         * Keeps the fallback's copy in step with what the remote store answered, inside the remote call: a ban
         * is copied (its end looked up once), a key not banned loses its copy, unless the ban was taken here
         * during an outage and has not ended, which the remote store then learns.
         *
         * @return whether the key is banned
         */
        private boolean seen(String key, boolean banned) {
            if (!remembers()) {
                return banned;
            }
            Bans copy = local.get();
            if (banned) {
                if (!copy.isBanned(key)) {
                    learn(() -> {
                        Duration remaining = shared.remaining(key);
                        if (!remaining.isNegative() && !remaining.isZero()) {
                            copy.ban(key, remaining);
                        }
                    });
                }
                return true;
            }
            return !notBanned(key, copy).isZero();
        }

        /**
         * {@link #seen(String, boolean)} for a key whose remaining time the remote store answered: a ban is copied
         * with it, without looking its end up again.
         *
         * @return how long the key's ban still lasts
         */
        private Duration seen(String key, Duration remaining) {
            Bans copy = local.get();
            if (!remaining.isNegative() && !remaining.isZero()) {
                // a ban another instance extended since it was copied is copied again (review57 F1: the copy kept the
                // first end, and an unban during an outage was then taken for one made before a later ban, and
                // never replayed); one that lapsed here is copied again too
                if (copy.remaining(key).toNanos() + SAME_BAN_NANOS < remaining.toNanos()) {
                    copy.ban(key, remaining);
                }
                return remaining;
            }
            return notBanned(key, copy);
        }

        /**
         * The remote store holds no ban of {@code key}: one taken here during an outage that has not ended is
         * shared now, else the fallback's copy is dropped.
         *
         * @return how long the key's ban still lasts: that of a ban taken during an outage, else zero
         */
        private Duration notBanned(String key, Bans copy) {
            Scoped scoped = new Scoped(namespace, key);
            Long until = unshared.estimatedSize() == 0 ? null : unshared.getIfPresent(scoped);
            if (until != null) {
                long left = until - timeSource.nanoTime();
                if (left > 0) {
                    shared.ban(key, Duration.ofNanos(left));
                    unshared.invalidate(scoped);
                    return Duration.ofNanos(left);
                }
            }
            if (copy.isBanned(key)) {
                // A copy of a ban the remote store no longer holds: lifted by hand elsewhere, or lost with the remote
                // store's data without a reconnect to tell (a flush): looked for now, one more call, before the
                // copy is dropped; a loss is written back, this ban with it (review50 F1).
                remote.lookForDataLoss();
                if (remote.dataLosses() != lossesSeen) {
                    restoreAfterLoss();
                    Duration left = copy.remaining(key);
                    if (!left.isNegative() && !left.isZero()) {
                        return left;
                    }
                }
                copy.lift(key); // looked up first: a removal allocates, and most keys have no copy
            }
            return Duration.ZERO;
        }
    }

    @Override
    public Trails trails(String namespace, int maxLength, Duration ttl) {
        Trails shared = remote.trails(namespace, maxLength, ttl);
        Lazy<Trails> local = new Lazy<>(() -> fallback.trails(namespace, maxLength, ttl));
        return new Trails() {
            @Override
            public List<String> append(String key, String entry) {
                return call(() -> shared.append(key, entry), () -> local.get().append(key, entry));
            }

            @Override
            public List<String> get(String key) {
                return call(() -> shared.get(key), () -> local.get().get(key));
            }

            @Override
            public List<String> getConfirmed(String key) {
                int permit = acquire();
                if (permit == CircuitBreaker.REFUSED) {
                    return unconfirmedRead(() -> local.get().get(key), null);
                }
                List<String> trail;
                try {
                    trail = shared.get(key);
                } catch (IllegalArgumentException e) {
                    throw e;
                } catch (RuntimeException e) {
                    failed(permit, e);
                    return unconfirmedRead(() -> local.get().get(key), e);
                }
                succeeded(permit);
                return trail;
            }

            @Override
            public String reservation(String operation, long millis) {
                // the remote store's form: its withdrawals must tell this request's reservation from any other
                return shared.reservation(operation, millis);
            }

            @Override
            public int appendUnless(String key, String entry, List<TrailBlock> blocks) {
                // Without blocks there is nothing to check, only a step to reserve: the fallback may record it
                // like any other step. With blocks, only the remote store can answer.
                return confirmedReservation(
                        shared,
                        key,
                        entry,
                        !blocks.isEmpty(),
                        () -> shared.appendUnless(key, entry, blocks),
                        () -> local.get().appendUnless(key, entry, blocks));
            }

            @Override
            public void withdraw(String key, String entry) {
                call(
                        () -> {
                            shared.withdraw(key, entry);
                            return null;
                        },
                        () -> {
                            local.get().withdraw(key, entry);
                            return null;
                        });
            }

            @Override
            public void settle(String key, String operation, String outcome) {
                settleOwing(key, operation, null, outcome);
            }

            @Override
            public void settle(String key, String operation, @Nullable String reservation, String outcome) {
                settleOwing(key, operation, reservation, outcome);
            }

            /** Settles on the remote store, or on the fallback, owing the remote store what it did not take. */
            private void settleOwing(
                    String key, String operation, @Nullable String reservation, @Nullable String outcome) {
                try {
                    call(
                            () -> {
                                shared.settle(key, operation, reservation, outcome);
                                return null;
                            },
                            () -> {
                                // a reservation the fallback made (a step no rule forbids, during an outage) is the
                                // fallback's to settle; only one the remote store holds is owed there (review130 F3:
                                // replayed, it settled another instance's reservation of the session still in
                                // flight), told by the request's own reservation where it is known (review132 F5: a
                                // success beside another request's fallback reservation of the operation was lost)
                                Trails fallback = local.get();
                                boolean remoteReservation = reservation == null
                                        ? !holdsPending(fallback, key, operation)
                                        : !fallback.get(key).contains(reservation);
                                fallback.settle(key, operation, reservation, outcome);
                                if (remoteReservation) {
                                    owe(shared, key, operation, reservation, outcome);
                                }
                                return null;
                            });
                } catch (StoreUnavailableException failed) {
                    // under fail-closed every reservation was made on the remote store (review130 F2); under
                    // fail-open one may have failed open, and a replay would settle another request's (review131 F3)
                    if (policy == OutagePolicy.FAIL_CLOSED) {
                        owe(shared, key, operation, reservation, outcome);
                    }
                    throw failed;
                }
            }
        };
    }

    @Override
    public Tallies tallies(String namespace, int bits, int slots, Duration ttl) {
        Tallies shared = remote.tallies(namespace, bits, slots, ttl);
        Lazy<Tallies> local = new Lazy<>(() -> fallback.tallies(namespace, bits, slots, ttl));
        return new Tallies() {
            @Override
            public long record(String key, int bit, long bitWindow, int slot, long countWindow) {
                return call(
                        () -> shared.record(key, bit, bitWindow, slot, countWindow),
                        () -> local.get().record(key, bit, bitWindow, slot, countWindow));
            }

            @Override
            public void mark(String key, int slot, long untilWindow) {
                call(
                        () -> {
                            shared.mark(key, slot, untilWindow);
                            return null;
                        },
                        () -> {
                            local.get().mark(key, slot, untilWindow);
                            return null;
                        });
            }
        };
    }

    /** Closes the remote store, if it holds resources such as connections. */
    @Override
    public void close() throws Exception {
        closed = true;
        if (ownRecoveryThread != null) {
            ownRecoveryThread.shutdownNow();
        }
        if (remote instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private <T> T call(Supplier<T> onRemote, Supplier<T> onFallback) {
        int permit = acquire();
        if (permit == CircuitBreaker.REFUSED) {
            return outage(onFallback, null);
        }
        T result;
        try {
            lookForDataLossNow();
            if (remote.dataLosses() != lossesSeen) {
                restoreAfterLoss(); // before this call's answer can drop a copy the remote store no longer matches
            }
            result = onRemote.get();
        } catch (IllegalArgumentException e) {
            throw e; // a caller's mistake, not an outage
        } catch (RuntimeException e) {
            failed(permit, e);
            return outage(onFallback, e);
        }
        succeeded(permit);
        return result;
    }

    /**
     * A reservation ({@link Trails#appendUnless}). One that checks the trail (with blocks: a {@code forbids}
     * rule's once-only step) only the remote store can confirm: the fallback's trail of a session starts empty,
     * so answering it there grants a step done through another instance, or through this one before the outage
     * (probe28 F2: an attacker's burst of 200 made this instance's commands time out, and its once-only step was
     * granted twice). Under {@link OutagePolicy#LOCAL_FALLBACK} it is refused as under {@link
     * OutagePolicy#FAIL_CLOSED} (a 503 the client may retry) instead; under {@link OutagePolicy#FAIL_OPEN} the
     * request goes on unchecked, as configured. One without blocks (a step other rules look back for) the fallback
     * records, as any other step. A reservation that was sent and failed (a timeout) may have run on the remote
     * store, or may still run when it catches up: when the request is refused, it is withdrawn there by
     * its exact entry (unique to the request, {@link Trails#reservation}), sent at once, so that the client,
     * refused, does not find its step taken for the rule's window, nor anyone else's reservation removed. The
     * remote store keeps the withdrawal, so that an append it runs later (sent on a connection it replaced
     * meanwhile) appends nothing.
     */
    private int confirmedReservation(
            Trails shared,
            String key,
            String entry,
            boolean checks,
            Supplier<Integer> onRemote,
            Supplier<Integer> onFallback) {
        boolean refuses = policy == OutagePolicy.FAIL_CLOSED || (checks && policy == OutagePolicy.LOCAL_FALLBACK);
        int permit = acquire();
        if (permit == CircuitBreaker.REFUSED) {
            return unconfirmed(onFallback, null, refuses);
        }
        int result;
        try {
            result = onRemote.get();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            failed(permit, e);
            if (refuses) {
                withdrawSent(shared, key, entry);
            }
            return unconfirmed(onFallback, e, refuses);
        }
        succeeded(permit);
        return result;
    }

    /** The answer to a reservation the remote store could not confirm: never the fallback's empty trail. */
    private int unconfirmed(Supplier<Integer> onFallback, @Nullable RuntimeException cause, boolean refuses) {
        if (refuses && policy == OutagePolicy.LOCAL_FALLBACK) {
            throw StoreUnavailableException.failingClosed(
                    "state store " + description + " could not confirm the reservation of a once-only step", cause);
        }
        return outage(onFallback, cause);
    }

    /**
     * The answer to a trail read for a {@code forbids} check that the remote store could not answer: under {@link
     * OutagePolicy#LOCAL_FALLBACK} a refusal, never the fallback's trail, which starts empty.
     */
    private List<String> unconfirmedRead(Supplier<List<String>> onFallback, @Nullable RuntimeException cause) {
        if (policy == OutagePolicy.LOCAL_FALLBACK) {
            throw StoreUnavailableException.failingClosed(
                    "state store " + description + " could not answer a session's trail for a forbids rule", cause);
        }
        return outage(onFallback, cause);
    }

    /**
     * Withdraws a reservation whose append failed, on the remote store, outside the circuit breaker: the circuit
     * may have opened on that very failure, and the append, if the store runs it, must not stay there. A
     * withdrawal that fails too is not sent again: sent after the append, a stalled store runs it when it catches
     * up, before or after the append.
     */
    private void withdrawSent(Trails shared, String key, String entry) {
        try {
            shared.withdraw(key, entry);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            failedCalls.incrementAndGet();
            log.debug(
                    "State store {}: withdrawing a reservation that timed out failed too ({})",
                    description,
                    e.toString());
        }
    }

    /**
     * A remote call that only teaches the fallback something: counted by the breaker like any other, but
     * when the circuit is open or the call fails, nothing is learnt and the caller's answer stands.
     */
    private boolean learn(Runnable onRemote) {
        int permit = acquire();
        if (permit == CircuitBreaker.REFUSED) {
            return false;
        }
        try {
            onRemote.run();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            failed(permit, e); // recorded and, when it opens the circuit, logged
            return false;
        }
        succeeded(permit);
        return true;
    }

    /**
     * When the calling thread's last call to the remote store started ({@link TimeSource#nanoTime}): calls that were
     * already on their way when a failure was heard fail with it, and count once toward the failures in a row
     * (review49 F1 of the breaker, review49 F3: a 300 ms stall under 500 requests a second failed five calls at once
     * and refused everyone for the retry interval).
     */
    private static final ThreadLocal<long[]> CALL_STARTED = ThreadLocal.withInitial(() -> new long[1]);

    /** A permit of the breaker, noting when the call starts. */
    private int acquire() {
        int permit = breaker.acquire();
        if (permit != CircuitBreaker.REFUSED) {
            CALL_STARTED.get()[0] = timeSource.nanoTime();
        }
        return permit;
    }

    private void failed(int permit, RuntimeException e) {
        long failures = failedCalls.incrementAndGet();
        CircuitBreaker.Change change = breaker.record(permit, true, CALL_STARTED.get()[0]);
        if (change == CircuitBreaker.Change.OPENED) {
            long now = timeSource.nanoTime();
            outageStartedAt = now;
            outageFailedCallsBefore = failures - 1;
            outageReportedAt = now;
            if (toldRecently(openingWarnedAt, now)) {
                openingsUntold.incrementAndGet();
                log.debug("State store {} is unavailable again ({})", description, e.toString());
                return;
            }
            long untold = openingsUntold.getAndSet(0);
            long since = openingWarnedAt == NEVER ? 0 : TimeUnit.NANOSECONDS.toSeconds(now - openingWarnedAt);
            openingWarnedAt = now;
            if (untold == 0) {
                log.warn(
                        "State store {} is unavailable ({}); applying {} for {} ms before trying it again",
                        description,
                        e.toString(),
                        policy,
                        settings.retryInterval.toMillis());
            } else {
                log.warn(
                        "State store {} is unavailable ({}), and was unavailable {} more time(s) in the last {} s,"
                                + " each time only for a while: it answers some calls and fails others (a full Redis"
                                + " refuses writes with OOM); applying {} for {} ms before trying it again",
                        description,
                        e.toString(),
                        untold,
                        since,
                        policy,
                        settings.retryInterval.toMillis());
            }
            return;
        }
        if (change == CircuitBreaker.Change.REOPENED) {
            stillUnavailable(failures, e);
            return;
        }
        // One call failed and the circuit stayed closed: the policy answered it all the same (probe14 saw two
        // instances grant 7 sign-ups of a limit of 5 without a word). Told, but at most once per interval.
        long now = timeSource.nanoTime();
        long last = failureWarnedAt.get();
        boolean due = last == 0 || now - last >= FAILED_CALL_WARNING_INTERVAL.toNanos();
        if (due && failureWarnedAt.compareAndSet(last, now == 0 ? 1 : now)) {
            log.warn(
                    "State store {}: {} call(s) failed since the last such warning, the latest with {}; each was"
                            + " answered by {} while the circuit stayed closed",
                    description,
                    failures - failedCallsWarned.getAndSet(failures),
                    e.toString(),
                    policy);
        }
    }

    /**
     * A trial call failed and the circuit opened again: told at most once per {@link #OUTAGE_REPORT_INTERVAL}
     * (probe19 L4: one warning per retry interval was 720 lines an hour), with how long the store has been
     * unavailable and how many calls failed since; each failed trial in between only at debug level.
     */
    private void stillUnavailable(long failures, RuntimeException e) {
        long now = timeSource.nanoTime();
        long reported = outageReportedAt;
        if (now - reported < OUTAGE_REPORT_INTERVAL.toNanos()) {
            log.debug("State store {} is still unavailable ({})", description, e.toString());
            return;
        }
        outageReportedAt = now;
        log.warn(
                "State store {} is still unavailable after {} s ({} call(s) failed since, the latest with {});"
                        + " applying {}, trying it again every {} ms",
                description,
                TimeUnit.NANOSECONDS.toSeconds(now - outageStartedAt),
                failures - outageFailedCallsBefore,
                e.toString(),
                policy,
                settings.retryInterval.toMillis());
    }

    private void succeeded(int permit) {
        if (breaker.record(permit, false) == CircuitBreaker.Change.CLOSED) {
            long now = timeSource.nanoTime();
            if (toldRecently(closingToldAt, now)) {
                log.debug("State store {} is available again", description);
            } else {
                closingToldAt = now;
                log.info(
                        "State store {} is available again after {} s; shared state is used again",
                        description,
                        TimeUnit.NANOSECONDS.toSeconds(now - outageStartedAt));
            }
            pending = true;
            Leftovers left = shareLeftovers(SHARED_ON_RECOVERY, Integer.MAX_VALUE);
            if (left != Leftovers.NONE) {
                // busy: another thread moves a few, the round waits for it; stopped: a call failed, the round tries
                // again while the circuit stays closed
                recoverInBackground(true);
            }
        } else if (pending) {
            shareLeftovers(SHARED_PER_CALL, SHARED_PER_CALL);
        }
    }

    /**
     * Hands what the closing call left of an outage's bans, tokens owed and counts to the recovery executor, at
     * most one round at a time (probe61 F1: at {@value #SHARED_PER_CALL} keys a request, 100 clients of 5 rules
     * waited about 110 requests of this instance, and meanwhile found a second bucket on the others). Refused by
     * the executor, they wait for later calls and their keys' own look-ups as before.
     */
    private void recoverInBackground(boolean closing) {
        if (sharingThread == Thread.currentThread() || IN_ROUND.get()[0]) {
            roundWanted.set(true); // handed over when this thread lets go: a caller-runs executor would wait for it
            return;
        }
        if (!recovering.compareAndSet(0, 1)) {
            if (droppedRound(closing)) {
                recovering.incrementAndGet();
            } else {
                roundWanted.set(true); // the round under way looks again before it ends
                // review65 F4: unless it ended between the two looks, and looked before this was set
                if (recovering.get() != 0 || !recovering.compareAndSet(0, 1)) {
                    return;
                }
            }
        }
        roundWanted.set(false);
        handedOverAt = timeSource.nanoTime();
        boolean[] handingOver = HANDING_OVER.get();
        handingOver[0] = true;
        try {
            recoveryExecutor.execute(this::recover);
        } catch (RejectedExecutionException e) {
            recovering.decrementAndGet();
            // not silent: an executor the application gave that drops work is worth knowing about; nothing is lost,
            // later calls move the rest a few keys at a time, and the next closing hands a round over again
            log.warn(
                    "State store {}: the recovery executor refused the outage's leftovers ({}); later requests move"
                            + " them, {} keys each",
                    description,
                    e.toString(),
                    SHARED_PER_CALL);
        } finally {
            handingOver[0] = false;
        }
    }

    /**
     * Whether the round handed over has not started a retry interval after it was (review63 F5): at a closing, the
     * circuit having opened and closed again meanwhile, it is taken for dropped by the executor (a discard policy, a
     * shut-down pool) and another is handed over. One that was only queued (a busy shared pool) then runs too, after
     * or beside it: the two take turns at {@link #sharing}, and the second finds only what is left (review65 F2).
     * Only ever two: the second is handed over while none runs, and a third waits for them.
     */
    private boolean droppedRound(boolean closing) {
        return closing
                && roundsRunning.get() == 0
                && recovering.get() == 1
                && timeSource.nanoTime() - handedOverAt >= settings.retryInterval.toNanos();
    }

    /** Set on the thread handing a round over while it does: a round run there is the caller's (caller-runs). */
    private static final ThreadLocal<boolean[]> HANDING_OVER = ThreadLocal.withInitial(() -> new boolean[1]);

    /** When the last round was handed over ({@link #timeSource} nanos). */
    private volatile long handedOverAt;

    /** Hands over the round wanted while this thread could not, once it lets go of {@link #sharing}. */
    private void handOverWantedRound() {
        if (roundWanted.get() && !closed && breaker.state() == CircuitBreaker.State.CLOSED) {
            recoverInBackground(false);
        }
    }

    /**
     * Moves everything an outage left for the remote store, in rounds of {@value #SHARED_ON_RECOVERY} keys of each
     * kind, until none is left, the circuit opens again or the store is closed; waits (at most {@link
     * #BUSY_WAIT_NANOS} in a row) while another thread moves a few keys, and after a failed call that left the circuit
     * closed tries again, backing off, up to {@value #FAILED_ROUND_RETRIES} times in a row (review63 F2, review65 F3:
     * a round that moves keys between failures goes on). Bounded by the most rounds the bounded backlog can need
     * (each kind holds at most {@link Builder#maximumKeys} keys, the counts' kinds per ledger), so that it ends
     * whatever a remote store answers. When it ends, hands over the round another thread wanted meanwhile (review63
     * F3). Run by an executor on the thread that handed it over (caller-runs), it never waits: busy or failed, it
     * leaves the rest to the next call that moves a few keys, which hands it over again (review65 F1: the closing
     * request parked through the retries).
     */
    private void recover() {
        boolean callers = HANDING_OVER.get()[0];
        boolean[] inRound = IN_ROUND.get();
        roundsRunning.incrementAndGet();
        inRound[0] = true;
        try {
            long rounds = (ledgers.size() + 2L) * (settings.maximumKeys / SHARED_ON_RECOVERY + 1);
            long busyNanos = 0;
            int retries = 0;
            while (!closed && !Thread.currentThread().isInterrupted() && rounds > 0) {
                Leftovers round = shareLeftovers(SHARED_ON_RECOVERY, Integer.MAX_VALUE);
                if (round == Leftovers.MORE) {
                    rounds--;
                    busyNanos = 0;
                    retries = 0;
                } else if (round == Leftovers.NONE) {
                    return;
                } else if (callers) {
                    roundWanted.set(true); // busy or failed: the next call's few keys hand it over again
                    return;
                } else if (round == Leftovers.BUSY && busyNanos < BUSY_WAIT_NANOS) {
                    pause(BUSY_PAUSE_NANOS);
                    busyNanos += BUSY_PAUSE_NANOS;
                } else if (round == Leftovers.STOPPED
                        && breaker.state() == CircuitBreaker.State.CLOSED
                        && retries < FAILED_ROUND_RETRIES) {
                    if (lastMoved > 0) {
                        retries = 0; // it moved keys before the failure: only failures in a row count
                    }
                    pause(TimeUnit.MILLISECONDS.toNanos(10L << retries++));
                } else {
                    return;
                }
            }
        } finally {
            inRound[0] = false;
            roundsRunning.decrementAndGet();
            synchronized (recovering) {
                recovering.decrementAndGet();
                recovering.notifyAll(); // awaitRoundsEnded
            }
            if (!callers) {
                handOverWantedRound(); // the caller's own round leaves it to the next call: no recursion
            }
        }
    }

    /** A recovery round's wait, counted for {@link #recoveryPauses}. */
    private void pause(long nanos) {
        pauses.incrementAndGet();
        LockSupport.parkNanos(nanos);
    }

    /** How many times recovery rounds waited (for another thread's share, or after a failed call); for tests. */
    int recoveryPauses() {
        return pauses.get();
    }

    /** Waits until no recovery round handed over is left, at most {@code timeout}; for tests. */
    boolean awaitRoundsEnded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (recovering) {
            while (recovering.get() != 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(recovering, left);
            }
        }
        return true;
    }

    /** What a call of {@link #shareLeftovers} found. */
    private enum Leftovers {
        /** Nothing is left to move. */
        NONE,
        /** It stopped at a bound: more may be left. */
        MORE,
        /** Another thread is moving them. */
        BUSY,
        /** A call failed or the circuit is not closed: the rest waits for it to close again. */
        STOPPED
    }

    /**
     * Moves to the remote store what the fallback kept during an outage (or for a failed call) and the remote
     * store was not given yet: bans, tokens owed, counts; at most {@code most} keys of each kind and {@code total} in
     * all. Stops at the first failure. One thread at a time,
     * and only while the circuit is closed: a call made here that succeeds does not start another round. Clears
     * {@link #pending} when nothing was left, so that later healthy calls look nothing up.
     */
    private Leftovers shareLeftovers(int most, int total) {
        if (!sharing.compareAndSet(false, true)) {
            return Leftovers.BUSY;
        }
        sharingThread = Thread.currentThread();
        lastMoved = 0;
        try {
            if (breaker.state() != CircuitBreaker.State.CLOSED) {
                return Leftovers.STOPPED;
            }
            pending = false; // before looking: a key added meanwhile sets it again
            int budget = total;
            boolean more = false;
            for (int kind = 0; kind < 6; kind++) {
                int bound = Math.min(most, budget);
                int done = switch (kind) {
                    case 0 -> shareBansTakenDuringTheOutage(bound);
                    case 1 -> chargeTokensSpentDuringTheOutage(bound);
                    // before the counts: a lift of a sliding window's ban takes its counts to zero on the remote
                    // store, and the fallback's counts are those made after the lift ({@link #forgetKnownCounts})
                    case 2 -> replayLiftsOfTheOutage(bound);
                    case 3 -> shareCountsOfTheOutage(bound);
                    case 4 -> giveBackSlotsOfTheOutage(bound);
                    default -> replaySettlementsOfTheOutage(bound);
                };
                if (done < 0) {
                    pending = true; // the remote store failed: the rest waits for the circuit to close again
                    return Leftovers.STOPPED;
                }
                more |= done == bound; // stopped at a bound (or skipped): maybe more is left
                budget -= done;
            }
            if (more) {
                pending = true;
                return Leftovers.MORE;
            }
            return Leftovers.NONE;
        } finally {
            sharingThread = null;
            sharing.set(false);
            if (!IN_ROUND.get()[0]) {
                handOverWantedRound(); // the round looks itself when it ends
            }
        }
    }

    /**
     * Gives the remote store what the fallback counted during the outage, for at most {@code most} keys, so
     * that the other instances count a client's failures of the outage too; stops at the first failure. Returns
     * how many keys it gave, or -1 if a call failed.
     */
    private int shareCountsOfTheOutage(int most) {
        return replayForKeys(most, ledger -> ledger.unshared.asMap().keySet(), Ledger::share);
    }

    /**
     * Gives back on the remote store the slots owed there (given back during the outage, or maybe taken there by a
     * reservation that was never answered), for at most {@code most} keys, so that the client's requests in
     * flight are all the remote store counts; stops at the first failure. Returns how many keys it gave back, or
     * -1 if a call failed.
     */
    private int giveBackSlotsOfTheOutage(int most) {
        return replayForKeys(most, ledger -> ledger.owedGiveBacks.asMap().keySet(), Ledger::giveBackOwed);
    }

    /**
     * Calls {@code replay} on the remote store for the keys each ledger {@code owes}, at most {@code most} keys;
     * stops at the first failure. Returns how many keys it replayed, or -1 if a call failed.
     */
    private int replayForKeys(int most, Function<Ledger, Set<String>> owes, BiConsumer<Ledger, String> replay) {
        int replayed = 0;
        if (most <= 0) {
            return 0;
        }
        for (Ledger ledger : ledgers.values()) {
            for (String key : owes.apply(ledger)) {
                if (!learn(() -> replay.accept(ledger, key))) {
                    return -1;
                }
                lastMoved++; // progress, even if a later key fails
                if (++replayed == most) {
                    return replayed;
                }
            }
        }
        return replayed;
    }

    /**
     * Charges the remote buckets the tokens the fallback's buckets gave out during the outage, for at most
     * {@code most} keys, so that the other instances do not give a client its bucket a second time; stops at
     * the first failure. Returns how many keys it charged, or -1 if a call failed.
     */
    private int chargeTokensSpentDuringTheOutage(int most) {
        int charged = 0;
        if (most <= 0) {
            return 0;
        }
        for (Scoped spent : debts.asMap().keySet()) {
            Debt debt = debts.getIfPresent(spent);
            if (debt == null || !debts.asMap().remove(spent, debt)) {
                continue;
            }
            long owed = debt.owed(timeSource.nanoTime());
            if (!learn(() -> charge(debt.shared, spent.key(), owed))) {
                owedAgain(spent, debt, owed);
                return -1;
            }
            lastMoved++;
            if (++charged == most) {
                return charged;
            }
        }
        return charged;
    }

    /**
     * Writes bans taken during the outage to the remote store, at most {@code most} of them, so that the other
     * instances refuse those keys too; stops at the first failure. Before the lifts kept ({@link
     * #replayLiftsOfTheOutage}; review55 F3: a thousand routine lifts, marks lifted as typos were redeemed, went first
     * and kept a ban off the remote store for a hundred calls); a key is never in both. Returns how many it wrote, or
     * -1 if a call failed.
     */
    private int shareBansTakenDuringTheOutage(int most) {
        int shared = 0;
        if (most <= 0) {
            return 0;
        }
        for (Map.Entry<Scoped, Long> entry : unshared.asMap().entrySet()) {
            long left = entry.getValue() - timeSource.nanoTime();
            if (left <= 0) {
                continue;
            }
            Scoped banned = entry.getKey();
            boolean written = learn(() -> remote.bans(banned.namespace()).ban(banned.key(), Duration.ofNanos(left)));
            if (!written) {
                return -1;
            }
            unshared.invalidate(banned);
            lastMoved++;
            if (++shared == most) {
                return shared;
            }
        }
        return shared;
    }

    /**
     * The ledger of a sliding window's counts, by the namespace of its bans; {@code null} for a namespace of no sliding
     * window, or one not counted yet.
     */
    private @Nullable Ledger windowLedger(String namespace) {
        Duration window = windowNamespaces.get(namespace);
        if (window == null) {
            return null;
        }
        Duration counted = CounterSlidingWindows.countersWindow(window);
        return ledgers.get(namespace + COUNT_SUFFIX + '\u0000' + counted.toNanos());
    }

    /** What a sliding window's counters namespace adds to its bans' ({@link CounterSlidingWindows}'s). */
    private static final String COUNT_SUFFIX = ":count";

    /** The count keys of {@code key}'s current and previous window at {@code nowMillis}, in a sliding window's namespace. */
    private List<String> windowKeys(String namespace, String key, long nowMillis) {
        long epoch = Math.floorDiv(nowMillis, windowNamespaces.get(namespace).toMillis());
        return List.of(key + '@' + epoch, key + '@' + (epoch - 1));
    }

    /**
     * Forgets the remote store's counts of a sliding window's key as this instance last knew them, when its ban is
     * lifted during an outage, before the lift takes the key's counts to zero: the fallback's answers add them, and
     * the lift took them off the fallback's counts instead, leaving it below zero. The fallback then counts only the
     * failures after the lift, which the remote store is given after the lift is replayed there (they were forgotten
     * with the others: the lift was replayed after the outage's counts).
     */
    private void forgetKnownCounts(String namespace, String key) {
        Ledger ledger = windowLedger(namespace);
        if (ledger != null) {
            for (String windowKey : windowKeys(namespace, key, timeSource.epochMillis())) {
                ledger.known(windowKey, 0);
            }
        }
    }

    /**
     * Replays on the remote store the settlements of sequence steps it did not take, oldest first, for at most {@code
     * most} of them; stops at the first failure. Returns how many it replayed, or -1 if a call failed. Each settles
     * its own request's reservation ({@link #replay}); one that names none, and that the remote store ran although its
     * call failed (a timeout after the script ran), settles the session's next pending step of the operation too.
     */
    private int replaySettlementsOfTheOutage(int most) {
        if (most <= 0 || owedSettlements.estimatedSize() == 0) {
            return 0;
        }
        List<OwedSettlement> oldest = owedSettlements.asMap().keySet().stream()
                .sorted(java.util.Comparator.comparingLong(OwedSettlement::order))
                .limit(most)
                .toList();
        int replayed = 0;
        for (OwedSettlement owed : oldest) {
            if (owedSettlements.asMap().remove(owed) == null) {
                continue; // replayed by another round
            }
            if (!learn(() -> replay(owed))) {
                owedSettlements.put(owed, Boolean.TRUE);
                return -1;
            }
            lastMoved++;
            replayed++;
        }
        return replayed;
    }

    /** Keeps a settlement the remote store did not take, to replay it there ({@link #owedSettlements}). */
    private void owe(
            Trails shared, String key, String operation, @Nullable String reservation, @Nullable String outcome) {
        owedSettlements.put(
                new OwedSettlement(shared, key, operation, reservation, outcome, settlementsOwed.incrementAndGet()),
                Boolean.TRUE);
        pending = true;
    }

    /**
     * Replays an owed settlement. One that names its reservation settles that entry only ({@link Trails#settle(String,
     * String, String, String)}), and nothing where the remote store ran it already (review132 F4: a settlement that
     * timed out after Redis ran it, replayed, settled another instance's reservation of the session's once-only step,
     * in flight, and the step was granted twice). One without (an adapter that keeps no reservation) settles the
     * oldest pending entry of the operation.
     */
    private static void replay(OwedSettlement owed) {
        owed.shared().settle(owed.key(), owed.operation(), owed.reservation(), owed.outcome());
    }

    /** Whether the key's trail holds a pending entry of the operation. */
    private static boolean holdsPending(Trails trails, String key, String operation) {
        for (String entry : trails.get(key)) {
            if (TrailBlock.pending(entry, operation)) {
                return true;
            }
        }
        return false;
    }

    /** A cache of at most the fallback's key bound, each entry kept a day. */
    private static <K, V> Cache<K, V> keptADay(Builder builder) {
        return Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(builder.maximumKeys)
                .expireAfterWrite(Duration.ofDays(1))
                .ticker(builder.timeSource::nanoTime)
                .build();
    }

    /** A settlement the remote store did not take: {@link #owedSettlements}. */
    private record OwedSettlement(
            Trails shared,
            String key,
            String operation,
            @Nullable String reservation,
            @Nullable String outcome,
            long order) {}

    /**
     * Replays the lifts kept during the outage ({@link #replayLift}), at most {@code most}; stops at the first failure.
     * After the bans of the outage (review55 F3), before its counts. Returns how many it replayed, or -1 if a call failed.
     */
    private int replayLiftsOfTheOutage(int most) {
        int shared = 0;
        if (most <= 0) {
            return 0;
        }
        for (Scoped lifted : unsharedLifts.asMap().keySet()) {
            if (!learn(() -> replayKeptLift(lifted))) {
                return -1;
            }
            lastMoved++;
            if (++shared == most) {
                return shared;
            }
        }
        return shared;
    }

    /**
     * Replays the lift kept for {@code lifted}, if it still is, under its lock: once, whichever thread comes first;
     * another waits for it to end, so that its own count call comes after the lift. A lift merged in while it was
     * replayed stays kept, to be replayed too; one whose replay fails stays kept.
     */
    private void replayKeptLift(Scoped lifted) {
        ReentrantLock lock = liftLocks[(lifted.hashCode() & Integer.MAX_VALUE) % liftLocks.length];
        lock.lock();
        try {
            KeptLift kept = unsharedLifts.getIfPresent(lifted);
            if (kept != null) {
                replayLift(lifted, kept);
                unsharedLifts.asMap().remove(lifted, kept);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lifts on the remote store the ban a lift kept during the outage was made against; a ban that ends later than this
     * instance knew it to end was set since, by another instance on new evidence, and is left (review55 F2: an unban
     * kept here was replayed over it, and the client went free everywhere). A lift made without a copy of its ban
     * lifts whatever ban there is.
     */
    private void replayLift(Scoped lifted, KeptLift kept) {
        Bans remoteBans = remote.bans(lifted.namespace());
        if (kept.knownEnd() != UNKNOWN_END) {
            Duration left = remoteBans.remaining(lifted.key());
            if (left.compareTo(Duration.ZERO) > 0
                    && timeSource.nanoTime() + left.toNanos() - kept.knownEnd() > SAME_BAN_NANOS) {
                return; // a later ban; none at all is lifted still, so that every instance drops its copies
            }
        }
        Duration window = windowNamespaces.get(lifted.namespace());
        if (window != null) {
            // a sliding window's lift: its ban everywhere, and its counts (only ever lifted everywhere)
            Duration counted = CounterSlidingWindows.countersWindow(window);
            long now = timeSource.epochMillis();
            new CounterSlidingWindows(remote.counters(lifted.namespace() + COUNT_SUFFIX, counted), remoteBans, window)
                    .lift(lifted.key(), now);
            // the remote store's counts are zero now; the fallback's, counted after the lift, are shared next
            Ledger ledger = windowLedger(lifted.namespace());
            if (ledger != null) {
                for (String windowKey : windowKeys(lifted.namespace(), lifted.key(), now)) {
                    ledger.known(windowKey, 0);
                }
            }
            return;
        }
        if (kept.everywhere()) {
            remoteBans.liftEverywhere(lifted.key());
        } else {
            remoteBans.lift(lifted.key());
        }
    }

    private <T> T outage(Supplier<T> onFallback, RuntimeException cause) {
        return switch (policy) {
            case LOCAL_FALLBACK -> onFallback.get();
            case FAIL_OPEN ->
                throw StoreUnavailableException.failingOpen("state store " + description + " is unavailable", cause);
            case FAIL_CLOSED ->
                throw StoreUnavailableException.failingClosed("state store " + description + " is unavailable", cause);
        };
    }

    /** Creates the fallback namespace only when an outage first needs it. */
    private static final class Lazy<T> {
        private final Supplier<T> factory;
        private volatile T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        /** The value if it was made, without making it. */
        @Nullable
        T peek() {
            return value;
        }

        T get() {
            T current = value;
            if (current == null) {
                synchronized (this) {
                    current = value;
                    if (current == null) {
                        current = factory.get();
                        value = current;
                    }
                }
            }
            return current;
        }
    }

    /** Builds a {@link ResilientStateStore}; every method validates its argument at once. */
    public static final class Builder {
        private final StateStore remote;
        private final StateStore fallback;
        private OutagePolicy policy = OutagePolicy.LOCAL_FALLBACK;
        private Duration retryInterval = DEFAULT_RETRY_INTERVAL;
        private int failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
        private int minimumCalls = DEFAULT_MINIMUM_CALLS;
        private int consecutiveFailures = DEFAULT_CONSECUTIVE_FAILURES;
        private int windowSize = DEFAULT_WINDOW_SIZE;
        private int halfOpenCalls = DEFAULT_HALF_OPEN_CALLS;
        private long maximumKeys = DEFAULT_MAXIMUM_KEYS;
        private TimeSource timeSource = TimeSource.system();
        private String description = "remote state store";
        private @Nullable Executor recoveryExecutor;

        private Builder(StateStore remote, StateStore fallback) {
            this.remote = Objects.requireNonNull(remote, "remote");
            this.fallback = Objects.requireNonNull(fallback, "fallback");
        }

        /** What to do while the remote store is unavailable. Default {@link OutagePolicy#LOCAL_FALLBACK}. */
        public Builder policy(OutagePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How long the circuit stays open before trial calls try the remote store. Default 5 s.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder retryInterval(Duration retryInterval) {
            if (retryInterval == null || retryInterval.isNegative() || retryInterval.isZero()) {
                throw new IllegalArgumentException(
                        "retryInterval must be positive, was " + Durations.written(retryInterval));
            }
            this.retryInterval = retryInterval;
            return this;
        }

        /**
         * The failure rate, in percent, of a window's calls that opens the circuit. Default 50.
         *
         * @throws IllegalArgumentException if not between 1 and 100
         */
        public Builder failureRateThreshold(int percent) {
            this.failureRateThreshold = within("failureRateThreshold", percent, 1, 100);
            return this;
        }

        /**
         * The least number of calls of a window before its failure rate can open the circuit. Default 20.
         *
         * @throws IllegalArgumentException if not between 1 and 10,000
         */
        public Builder minimumCalls(int minimumCalls) {
            this.minimumCalls = within("minimumCalls", minimumCalls, 1, 10_000);
            return this;
        }

        /**
         * How many calls failing in a row open the circuit, whatever the window's rate: a stalled store fails each
         * call after the full timeout, and one request makes several calls in turn. Default {@value
         * #DEFAULT_CONSECUTIVE_FAILURES}.
         *
         * @throws IllegalArgumentException if not between 1 and 10,000
         */
        public Builder consecutiveFailures(int consecutiveFailures) {
            this.consecutiveFailures = within("consecutiveFailures", consecutiveFailures, 1, 10_000);
            return this;
        }

        /**
         * How many calls one window counts before the next starts from zero. Default 100; at least
         * {@link #minimumCalls}, which {@link #build()} checks.
         *
         * @throws IllegalArgumentException if not between 1 and 1,000,000
         */
        public Builder windowSize(int windowSize) {
            this.windowSize = within("windowSize", windowSize, 1, 1_000_000);
            return this;
        }

        /**
         * How many trial calls try the remote store after the retry interval. Default 3.
         *
         * @throws IllegalArgumentException if not between 1 and 1,000
         */
        public Builder halfOpenCalls(int halfOpenCalls) {
            this.halfOpenCalls = within("halfOpenCalls", halfOpenCalls, 1, 1000);
            return this;
        }

        /**
         * The most token-bucket answers (per namespace), keys owing tokens spent in the fallback, and bans
         * taken during an outage, the store remembers for its fallback; see the class description. Default {@value ResilientStateStore#DEFAULT_MAXIMUM_KEYS} each, the fallback
         * {@link LocalStateStore}'s default bound per namespace.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder maximumKeys(long maximumKeys) {
            if (maximumKeys < 1) {
                throw new IllegalArgumentException("maximumKeys must be positive, was " + maximumKeys);
            }
            this.maximumKeys = maximumKeys;
            return this;
        }

        /** The clock of the open state's wait. Default {@link TimeSource#system()}. */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        /** Names the remote store in log lines, such as {@code redis://10.0.0.5:6379}. */
        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        /**
         * Where what an outage left for the remote store (bans taken, tokens spent and failures counted by the
         * fallback), beyond the {@value ResilientStateStore#SHARED_ON_RECOVERY} keys of each kind the call closing
         * the circuit moves, is moved to it, all at once, one call after another. Default: a daemon thread of the
         * store's own, started when an outage leaves more and gone 30 seconds after, shut down by {@link
         * ResilientStateStore#close()}. An executor that runs a task on the calling thread (a caller-runs policy,
         * Spring's {@code SyncTaskExecutor}) makes the request that closes the circuit move all of it, never waiting:
         * what a failed call or another thread's share leaves goes on with the next call. One that drops a task is
         * handed another at the next closing a retry interval later; one that only queued it then runs both, in turn.
         */
        public Builder recoveryExecutor(Executor recoveryExecutor) {
            this.recoveryExecutor = Objects.requireNonNull(recoveryExecutor, "recoveryExecutor");
            return this;
        }

        private static int within(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be " + min + " to " + max + ", was " + value);
            }
            return value;
        }

        /** @throws IllegalArgumentException if the window is smaller than the minimum number of calls */
        public ResilientStateStore build() {
            if (windowSize < minimumCalls) {
                throw new IllegalArgumentException(
                        "windowSize (" + windowSize + ") must be at least minimumCalls (" + minimumCalls + ")");
            }
            return new ResilientStateStore(this);
        }
    }
}
