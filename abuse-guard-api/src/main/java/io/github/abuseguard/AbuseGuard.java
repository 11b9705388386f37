package io.github.abuseguard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.RateLimitedLog;
import io.github.abuseguard.internal.RouteMarker;
import io.github.abuseguard.internal.Settings;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine: asks each {@link Guard} in order about a request and combines their answers into one
 * {@link Evaluation}.
 *
 * <ul>
 *   <li>The first enforced denial that refuses the request ends the evaluation; later guards are not
 *       asked. A denial whose action passes the request on (TAG, LOG) does not: later guards still
 *       count the request, and it is the final decision only if nothing refuses it.
 *   <li>A guard in {@link Mode#MONITOR} (or every guard, when the engine is) never denies: its denial
 *       is reported to listeners as a would-be denial and the evaluation goes on.
 *   <li>Flags add up to a risk score; when the score reaches the risk threshold, the engine denies
 *       with the risk action. Flags of monitored guards are counted but cannot cause a denial.
 *   <li>When a request is refused ({@code REJECT}, {@code THROTTLE}, {@code DECOY}), the guards that
 *       had let it pass hear of it through {@link Guard#cancel}, so a request refused by a later guard
 *       or by its risk score spends no rate-limit tokens. A guard's own denial (a {@code THROTTLE} from
 *       a limit) still counts, and so does a {@code TARPIT}, which may pass the request on afterwards.
 *   <li>A refusal that is evidence about the client ({@link Guard#refusalSpendsQuota}, such as a
 *       throw-away e-mail address) still spends the quota of the guards after it ({@link Guard#charge});
 *       once that quota is spent, their denial (a {@code THROTTLE}) answers the request instead, so a
 *       content rule cannot be probed without limit.
 *   <li>A guard that throws is contained: the {@link FailurePolicy} decides, listeners hear of it,
 *       and the failure is logged at most once per interval per guard.
 * </ul>
 *
 * <p>Thread-safe; build one per application with {@link #builder()}, and {@link #close()} it when the
 * application stops: guards that hold threads, connections or file watchers release them.
 */
public final class AbuseGuard implements AutoCloseable {

    /** The guard name under which denials caused by the summed risk score are reported. */
    public static final String RISK = "risk";

    private static final Logger log = LoggerFactory.getLogger(AbuseGuard.class);

    /** The {@code Retry-After} of a request refused because the state store could not answer it. */
    private static final Duration STORE_RETRY_AFTER = Duration.ofSeconds(1);

    /** The most guards one engine holds. */
    public static final int MAX_GUARDS = 64;

    /** The most route templates the engine keeps a plan for. */
    static final int MAX_PLANS = 10_000;

    /** The most methods a route's plan keeps; further methods of the route run without a plan. */
    static final int MAX_METHODS_PER_ROUTE = 16;

    /** Templates of more segments get no plan: the work of planning stays bounded. */
    static final int MAX_PLANNED_SEGMENTS = 64;

    private final GuardSlot[] slots;
    /** Per slot, whether a rule of its guard is monitored now: the engine's, the rule's or the guard's mode. */
    private final java.util.function.Predicate<String>[] monitoredRules;

    private final GuardSlot[] observingGuards;
    private final ObserverSlot[] observers;
    private final Mode mode;
    private final FailurePolicy failurePolicy;
    private final int riskThreshold;
    private final Action riskAction;
    private final GuardListener[] listeners;
    /** The listeners that override {@link GuardListener#onEvaluation}: only they need the clock read twice. */
    private final GuardListener[] evaluationListeners;

    private final TimeSource timeSource;
    private final RateLimitedLog listenerFailures;
    private final RouteMarker[] exemptRoutes;
    private final RouteMarker[] monitoredRoutes;
    private final List<AutoCloseable> resources;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * The plans of the routes seen so far, by template: which guards may apply, and whether the route is
     * exempt or monitored. At most {@link #MAX_PLANS}; a route beyond that bound runs without a plan,
     * asking every guard, as every route did before plans.
     */
    private final Map<String, RoutePlan> plans = new java.util.concurrent.ConcurrentHashMap<>();

    private final long allSlots;
    /**
     * The order a request without a route plan asks the guards in: those of which no rule reads the body first
     * ({@link #evaluationOrder}); {@code null} for the guards' own order.
     */
    private final int @Nullable [] unplannedOrder;

    private final int[] observerSlots;
    /** The slots of the guards that keep a history ({@link Guard#lacksHistory}). */
    private final int[] historySlots;
    /** The observing guards that may hear an outcome before the response is committed ({@link #observesBeforeCommit}). */
    private final int[] earlySlots;
    /**
     * Whether a guard that does not settle its history before the exchange still hears whether a route is
     * watched: otherwise a request settled before the exchange needs no second look-up of its path.
     */
    private final boolean watchedHeardAfterSettling;
    /** Refuses requests other sites' pages make browsers send to watched routes, before any guard counts them. */
    private final CrossSiteRequests crossSiteRequests;
    /** Modes switched at run time, by {@code guard} or {@code guard/rule}; they last until restart. */
    private final Map<String, Mode> modeOverrides = new java.util.concurrent.ConcurrentHashMap<>();

    /** The guards whose cancel is exact, cancelled whatever they answered: a bit per slot. */
    private final long exactCancels;

    private AbuseGuard(Builder builder) {
        this.timeSource = builder.timeSource;
        CrossSiteRequests crossSite = builder.crossSiteRequests;
        for (var slot : builder.slots) {
            java.util.function.Predicate<String> own = slot.guard.ownOrigins();
            if (own != null) {
                crossSite = crossSite.ownOrigins(own); // the origin guard's own-origins (probe61a F1)
            }
        }
        this.crossSiteRequests = crossSite;
        this.slots = builder.slots.stream()
                .map(slot -> new GuardSlot(
                        slot.guard,
                        slot.mode,
                        new RateLimitedLog(builder.failureLogInterval, timeSource),
                        overridesCancel(slot.guard)))
                .toArray(GuardSlot[]::new);
        List<GuardSlot> observing = new ArrayList<>();
        List<Integer> observingAt = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            if (overridesObserve(slots[i].guard)) {
                observing.add(slots[i]);
                observingAt.add(i);
            }
        }
        this.observingGuards = observing.toArray(GuardSlot[]::new);
        this.observers = builder.observers.stream()
                .map(observer -> new ObserverSlot(observer, new RateLimitedLog(builder.failureLogInterval, timeSource)))
                .toArray(ObserverSlot[]::new);
        this.observerSlots = observingAt.stream().mapToInt(Integer::intValue).toArray();
        this.historySlots = observingAt.stream()
                .mapToInt(Integer::intValue)
                .filter(i -> overridesLacksHistory(slots[i].guard))
                .toArray();
        this.earlySlots = observingAt.stream()
                .mapToInt(Integer::intValue)
                .filter(i -> overrides(slots[i].guard, "observesBeforeCommit"))
                .toArray();
        boolean heard = false;
        for (int i : observerSlots) {
            Guard guard = slots[i].guard;
            heard |= !overridesLacksHistory(guard) && overridesWatchedObserve(guard);
        }
        this.watchedHeardAfterSettling = heard;
        this.allSlots = slots.length == 64 ? -1L : (1L << slots.length) - 1;
        RuleGuard.Applying[] eachMatched = new RuleGuard.Applying[slots.length];
        Arrays.fill(eachMatched, RuleGuard.Applying.EACH_MATCHED);
        this.unplannedOrder = evaluationOrder(allSlots, bodyReaders(allSlots, eachMatched));
        long exact = 0;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i].guard.cancelsOnlyWhatItCharged()) {
                exact |= 1L << i;
            }
        }
        this.exactCancels = exact;
        this.mode = builder.mode;
        this.failurePolicy = builder.failurePolicy;
        this.riskThreshold = builder.riskThreshold;
        this.riskAction = builder.riskAction;
        this.listeners = builder.listeners.toArray(GuardListener[]::new);
        this.evaluationListeners = builder.listeners.stream()
                .filter(AbuseGuard::overridesOnEvaluation)
                .toArray(GuardListener[]::new);
        this.listenerFailures = new RateLimitedLog(builder.failureLogInterval, timeSource);
        this.exemptRoutes = builder.exemptRoutes.toArray(RouteMarker[]::new);
        this.monitoredRoutes = builder.monitoredRoutes.toArray(RouteMarker[]::new);
        this.resources = List.copyOf(builder.resources);
        claimMonitoredGuards();
        @SuppressWarnings("unchecked")
        java.util.function.Predicate<String>[] monitoredRules = new java.util.function.Predicate[slots.length];
        for (int i = 0; i < slots.length; i++) {
            GuardSlot slot = slots[i];
            monitoredRules[i] = rule -> mode == Mode.MONITOR || modeOf(slot, rule) == Mode.MONITOR;
        }
        this.monitoredRules = monitoredRules;
        try {
            for (int i = 0; i < slots.length; i++) {
                slots[i].guard.monitoredRules(monitoredRules[i]);
                if (monitoredRoutes.length > 0) {
                    slots[i].guard.monitoredRoutes(request -> monitored(plan(request), request));
                }
            }
        } catch (RuntimeException e) {
            // This engine never comes to be, so nobody could close it: its claims go now, not when it is
            // collected, so that a retry with the same guards is not refused as "another engine".
            releaseClaims();
            throw e;
        }
    }

    /**
     * The engine each guard that hears its monitored rules ({@link Guard#monitoredRules}) belongs to:
     * such a guard holds one engine's modes, so two open engines sharing it would judge each other's
     * requests by the modes of the one built last. By the guard's identity, both held weakly.
     */
    private static final Cache<Guard, AbuseGuard> MONITORED_BY = Caffeine.newBuilder()
            .weakKeys()
            .weakValues()
            .executor(Runnable::run)
            .build();

    /**
     * Makes this engine the holder of each guard that hears its monitored rules, or fails, claiming
     * none, when another engine that is not closed holds one.
     *
     * @throws IllegalStateException naming the guard
     */
    private void claimMonitoredGuards() {
        List<Guard> claimed = new ArrayList<>();
        try {
            for (GuardSlot slot : slots) {
                Guard guard = slot.guard;
                if (!overridesMonitoredRules(guard)) {
                    continue;
                }
                MONITORED_BY.asMap().compute(guard, (key, holder) -> {
                    if (holder != null && holder != this && !holder.closed.get()) {
                        throw new IllegalStateException("Guard '" + guard.name()
                                + "' already belongs to another engine that is not closed. It takes the modes of its"
                                + " rules from one engine, so build one instance of it per engine (or close the"
                                + " other engine first).");
                    }
                    return this;
                });
                claimed.add(guard);
            }
        } catch (RuntimeException e) {
            claimed.forEach(guard -> MONITORED_BY.asMap().remove(guard, this));
            throw e;
        }
    }

    /** Gives up this engine's claim on each of its guards; a guard another engine holds stays with it. */
    private void releaseClaims() {
        for (GuardSlot slot : slots) {
            MONITORED_BY.asMap().remove(slot.guard, this);
        }
    }

    private static boolean overridesMonitoredRules(Guard guard) {
        try {
            return guard.getClass()
                            .getMethod("monitoredRules", java.util.function.Predicate.class)
                            .getDeclaringClass()
                    != Guard.class;
        } catch (NoSuchMethodException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Releases what the engine's parts hold: every guard and listener that is {@link AutoCloseable}, then
     * every resource handed to {@link Builder#closing(AutoCloseable)} (such as the state store), each once
     * and in reverse order of registration. A part that fails to close is logged and the others are still
     * closed. Later calls do nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        releaseClaims(); // another engine may take its guards now
        Set<AutoCloseable> closing = new LinkedHashSet<>();
        for (int i = slots.length - 1; i >= 0; i--) {
            if (slots[i].guard instanceof AutoCloseable closeable) {
                closing.add(closeable);
            }
        }
        for (int i = listeners.length - 1; i >= 0; i--) {
            if (listeners[i] instanceof AutoCloseable closeable) {
                closing.add(closeable);
            }
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            closing.add(resources.get(i));
        }
        for (AutoCloseable closeable : closing) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("Closing {} failed", closeable, e);
            }
        }
    }

    /** Starts an engine with no guards and the defaults of {@link AbuseGuardSettings}: enforcing, failing open, risk threshold 100. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decides about one request.
     *
     * @return the combined answer; never {@code null}
     */
    public Evaluation evaluate(GuardRequest request) {
        if (evaluationListeners.length == 0) {
            return decide(request); // no listener times evaluations: the clock is not read
        }
        long start = timeSource.nanoTime();
        Evaluation evaluation = decide(request);
        long elapsed = timeSource.nanoTime() - start;
        for (GuardListener listener : evaluationListeners) {
            try {
                listener.onEvaluation(request, evaluation, elapsed);
            } catch (RuntimeException e) {
                listenerFailures.warn(log, "GuardListener " + listener + " failed", e);
            }
        }
        return evaluation;
    }

    private Evaluation decide(GuardRequest request) {
        MethodPlan plan = plan(request);
        long applying;
        if (plan == null) {
            if (exempt(null, request)) {
                return Evaluation.allowed();
            }
            applying = allSlots;
        } else {
            if (exempt(plan.route, request)) {
                return Evaluation.allowed();
            }
            applying = plan.slots;
        }
        boolean monitoredRoute = monitored(plan, request);
        List<Decision> signals = null;
        // a planned route no rule watches costs no header read
        Decision refusal = plan == null || plan.watched ? crossSiteRequests.refusalOf(request) : null;
        if (refusal != null
                && (plan != null || mayBeWatched(request.method(), request.path()))
                && !anyAllowsCrossSite(request)) {
            if (!monitoredRoute && crossSiteMode() == Mode.ENFORCE) {
                publish(request, CrossSiteRequests.NAME, GuardEvent.Kind.DENY, refusal, null);
                return Evaluation.of(refusal, 0, null, refusal.hints(), 0, plan);
            }
            publish(request, CrossSiteRequests.NAME, GuardEvent.Kind.WOULD_DENY, refusal, null);
            signals = add(null, refusal);
        }
        int risk = 0;
        int enforcedRisk = 0;
        ResponseHints hints = null;
        Decision enforced = null;
        Decision passedOn = null;
        int passedOnBy = -1;
        // The guards whose check passed the request, told if it is refused after all: a bit per guard,
        // so the hot path allocates nothing (engines of more than 64 guards are not supported).
        long passed = 0;
        // The guards asked so far: with the plan's own order, some after the refusing guard in theirs.
        long asked = 0;
        int refusedBy = -1;
        Decision tarpitted = null;
        int tarpittedBy = -1;
        int[] order = plan == null ? unplannedOrder : plan.order;
        int count = order == null ? slots.length : order.length;
        int exemptAfter = Integer.MAX_VALUE;
        // Out of the guards' order, the signal each guard added (a flag, a monitored or passed-on denial), so
        // that an exemption can drop those of the guards after it; allocated only then, and only for a signal.
        Decision[] signalOf = null;
        for (int k = 0; k < count; k++) {
            if (plan != null && k == plan.bodiesFrom && plan.unreadRefusers != 0) {
                // a guard that knows it refuses the request before reading its body is asked before the others do
                order = unreadRefuserFirst(request, plan, order, k);
            }
            int i = order == null ? k : order[k];
            if ((applying & 1L << i) == 0 || i > exemptAfter) {
                continue; // the route's plan: this guard has nothing to say about its requests
            }
            asked |= 1L << i;
            GuardSlot slot = slots[i];
            Decision decision;
            try {
                // dispatched here, not through a helper of the slot: the guard's check stays one call from
                // this loop, as it was before rule plans
                RuleGuard.Applying rules = plan == null ? null : plan.rules[i];
                decision =
                        rules == null ? slot.guard.check(request) : ((RuleGuard<?>) slot.guard).check(request, rules);
                if (decision == null) {
                    throw new IllegalStateException("Guard '" + slot.guard.name() + "' returned null");
                }
                if (slot.cancels
                        && (decision.isAllow()
                                || decision.isFlag()
                                || ((exactCancels & 1L << i) != 0 && !refusesOnItsOwnAccount(slot, decision)))) {
                    passed |= 1L << i;
                }
            } catch (RuntimeException e) {
                decision = fallback(slot, request, e);
            }
            ResponseHints reported = decision.hints();
            if (!reported.isEmpty()) {
                hints = hints == null ? reported : hints.merge(reported); // allocates only for a second guard's
            }
            if (decision.isAllow()) {
                if (decision.isExempt()) {
                    if (order == null) {
                        exemptAfter = i; // no guard after it is charged for the request either (review137 F4)
                        break;
                    }
                    // The guards after it in their own order are not asked, as if it broke off; those the plan
                    // asked first (they read no body) give back what they took, and their answers are dropped.
                    exemptAfter = i;
                    long undo = passed & after(i);
                    if (undo != 0) {
                        cancel(request, undo, plan);
                        passed &= ~undo;
                    }
                    if (tarpittedBy > i) {
                        tarpitted = null;
                        tarpittedBy = -1;
                    }
                    if (passedOnBy > i) {
                        passedOn = null;
                        passedOnBy = -1;
                    }
                    if (signalOf != null) {
                        for (int j = i + 1; j < slots.length; j++) {
                            Decision dropped = signalOf[j];
                            if (dropped == null) {
                                continue;
                            }
                            signalOf[j] = null;
                            signals.remove(dropped);
                            if (dropped.isFlag()) {
                                risk -= dropped.score();
                                if (!monitored(monitoredRoute, slots[j], dropped)) {
                                    enforcedRisk -= dropped.score();
                                }
                            }
                        }
                        if (signals.isEmpty()) {
                            signals = null;
                        }
                    }
                }
                continue;
            }
            boolean monitored = monitored(monitoredRoute, slot, decision);
            if (order != null
                    && (decision.isFlag() || monitored || decision.action().passesRequestOn())) {
                if (signalOf == null) {
                    signalOf = new Decision[slots.length];
                }
                signalOf[i] = decision; // added to the signals below
            }
            if (decision.isFlag()) {
                risk += decision.score();
                if (!monitored) {
                    enforcedRisk += decision.score();
                }
                signals = add(signals, decision);
                publish(request, slot.guard.name(), GuardEvent.Kind.FLAG, decision, null);
            } else if (monitored) {
                signals = add(signals, decision);
                publish(request, slot.guard.name(), GuardEvent.Kind.WOULD_DENY, decision, null);
            } else if (decision.action().passesRequestOn()) {
                // TAG and LOG let the request go on: later guards, rate limits included, still count it.
                if (passedOn == null || i < passedOnBy) {
                    passedOn = decision; // the first in the guards' order, whichever was asked first
                    passedOnBy = i;
                }
                signals = add(signals, decision);
                publish(request, slot.guard.name(), GuardEvent.Kind.DENY, decision, null);
            } else if (decision.action() == Action.TARPIT) {
                // A tarpit may pass the request on after its delay (tarpit.then: pass): the guards after
                // it still check and charge it, so a tarpitted request is no way past a later limit, and
                // a later refusal is answered instead of the tarpit.
                if (tarpitted == null || i < tarpittedBy) {
                    tarpitted = decision;
                    tarpittedBy = i;
                }
                publish(request, slot.guard.name(), GuardEvent.Kind.DENY, decision, null);
            } else {
                enforced = decision;
                refusedBy = i;
                publish(request, slot.guard.name(), GuardEvent.Kind.DENY, decision, null);
                break;
            }
        }
        if (enforced == null && tarpitted != null) {
            enforced = tarpitted;
            refusedBy = tarpittedBy;
        }
        boolean chargedAfterRefusal = false;
        if (refusedBy >= 0
                && neverReachesTheApplication(enforced.action())
                && enforced.action() != Action.DECOY // spends what a real answer does, below
                && spendsQuota(refusedBy, enforced)) {
            chargedAfterRefusal = true;
            // The guards after the refusing one in their order are charged, not checked. Those the plan
            // asked before it (they read no body) give back what their check took first, then are charged as
            // the others: a check takes what a charge does not (a cap's tokens, a reservation, an in-flight
            // slot) and answers for the request (a tarpit) where a charge answers for the refusal. A guard
            // asked first that is given nothing back (it holds nothing, or its answer was its own) keeps what
            // its check took and is not charged again.
            long askedFirst = asked & after(refusedBy);
            long replayed = passed & askedFirst;
            if (replayed != 0) {
                cancel(request, replayed, plan);
                passed &= ~replayed;
            }
            Decision quota = chargeAfter(
                    request,
                    refusedBy,
                    applying & after(refusedBy) & ~(askedFirst & ~replayed) & notPast(exemptAfter),
                    monitoredRoute,
                    plan);
            if (quota != null) {
                enforced = quota;
            }
        }
        if (enforced == null && riskThreshold > 0 && risk >= riskThreshold) {
            Decision riskDenial = Decision.deny(riskAction)
                    .guard(RISK)
                    .reason("risk-threshold")
                    .detail("The request's risk score " + risk + " reached the threshold " + riskThreshold + ".")
                    .build();
            if (enforcedRisk >= riskThreshold && mode == Mode.ENFORCE && !monitoredRoute) {
                enforced = riskDenial;
                publish(request, RISK, GuardEvent.Kind.DENY, riskDenial, null);
            } else {
                signals = add(signals, riskDenial);
                publish(request, RISK, GuardEvent.Kind.WOULD_DENY, riskDenial, null);
            }
        }
        if (enforced != null && enforced.action() == Action.DECOY && !chargedAfterRefusal) {
            // A decoy stands for a real answer, so it spends what one does of the client's own quota: a guard that let
            // the request through keeps that and gives the rest back ({@link Guard#decoyed}: a cap's tokens, a key
            // naming someone else, a step's reservation, an in-flight slot), and every guard not asked is charged. A
            // decoy that gave the tokens back told itself apart: its client never met the rate limit a real client
            // meets, and a bucket shared with a route that reports it showed no token taken (review136 F1). Once that
            // quota is spent, its denial (a throttle) answers, as it does a real client. A decoy answered by the
            // charge of a refusal above has charged them already (review137 F5).
            //
            // A decoy of a refusal that is evidence about what the client sent ({@link Guard#refusalSpendsQuota}: a
            // throw-away address) is that refusal's answer: every guard that let it through gives back what it took
            // and is charged, as for the refusal, so that a key naming someone else (the mailbox of
            // `@mailinator.com:victim@gmail.com`) is never spent by it (probe57a F8).
            long charged = applying & ~asked & notPast(exemptAfter) & ~(refusedBy < 0 ? 0 : 1L << refusedBy);
            if (refusedBy >= 0 && spendsQuota(refusedBy, enforced)) {
                cancel(request, passed, plan);
                charged |= passed;
            } else {
                decoyed(request, passed, plan);
            }
            passed = 0;
            Decision quota = chargeAfter(request, -1, charged, monitoredRoute, plan);
            if (quota != null) {
                enforced = quota;
            }
        }
        long held = 0;
        if (enforced == null) {
            enforced = passedOn;
        } else if (passed != 0 && neverReachesTheApplication(enforced.action())) {
            cancel(request, passed, plan);
        } else if (enforced.action() == Action.TARPIT) {
            held = passed; // given back by refused(...) if the tarpit refuses it in the end
        }
        if (hints != null && hints.hasRateLimits() && mayDecoy(request, applying, plan, monitoredRoute)) {
            // a decoy carries no rate-limit state, so no answer of the request's kind does (probe73b F1 of stop 69)
            hints = hints.headers().isEmpty() ? null : ResponseHints.headers(hints.headers());
        }
        if (enforced == null && risk == 0 && signals == null && hints != null && plan != null) {
            return plan.allowedWith(hints);
        }
        return Evaluation.of(enforced == null ? Decision.allow() : enforced, risk, signals, hints, held, plan);
    }

    /**
     * Whether the request, or one like it, may be answered with a decoy: by a rule of an applying guard
     * ({@link Guard#mayDecoy}) that is not monitored, or by the summed risk score. Asked only of a request some rate
     * limit counted. A monitored route, engine or guard decoys nothing (review133 F3: their honest clients lost the
     * fields).
     */
    private boolean mayDecoy(GuardRequest request, long applying, @Nullable MethodPlan plan, boolean monitoredRoute) {
        if (monitoredRoute || mode == Mode.MONITOR) {
            return false;
        }
        if (riskThreshold > 0 && riskAction == Action.DECOY) {
            return true;
        }
        for (int i = 0; i < slots.length; i++) {
            if ((applying & 1L << i) == 0 || modeOf(slots[i], null) == Mode.MONITOR) {
                continue;
            }
            Guard guard = slots[i].guard;
            try {
                RuleGuard.Applying rules = plan == null ? null : plan.rules[i];
                if (guard instanceof RuleGuard<?> ruleGuard) {
                    // a rule switched live to monitor decoys nothing either (probe80a F6)
                    if (ruleGuard.mayDecoy(
                            request, rules == null ? RuleGuard.eachRuleMatched() : rules, monitoredRules[i])) {
                        return true;
                    }
                } else if (guard.mayDecoy(request)) {
                    return true;
                }
            } catch (RuntimeException e) {
                slots[i].failures.warn(log, "Guard '" + guard.name() + "' failed to say whether it decoys", e);
                return true; // the fields are left out: a missing field tells nothing
            }
        }
        return false;
    }

    /**
     * Tells the engine that a request it tarpitted was refused in the end (held, then answered with the
     * refusal, or refused at once by a full tarpit): the guards that passed it give back what they
     * charged it (tokens, in-flight slots), as for any refused request. A tarpitted request that is
     * passed on to the application instead must be {@linkplain #complete completed} with its outcome.
     * Call it once per tarpitted request; for an evaluation that tarpitted nothing it does nothing.
     */
    public void refused(GuardRequest request, Evaluation evaluation) {
        long held = evaluation.held();
        if (held != 0) {
            cancel(request, held, carriedPlan(request, evaluation));
        }
    }

    /**
     * Tells the engine that a request it tarpitted waits for the tarpit's delay and goes on to the application
     * after it (the servlet filter's {@code tarpit.then: pass}): the guards that hold something for it give back
     * what bounds the requests in progress among clients ({@link Guard#waits}: a failure rule's places on a
     * watched route), and keep what counts the request (tokens, in-flight slots). Call {@link #resumed} when the
     * delay ends; a request that ends while it waits is {@linkplain #refused refused} as before.
     */
    public void waiting(GuardRequest request, Evaluation evaluation) {
        long held = evaluation.held();
        for (int i = 0; i < slots.length && held != 0; i++) {
            if ((held & 1L << i) != 0) {
                held &= ~(1L << i);
                try {
                    slots[i].guard.waits(request);
                } catch (RuntimeException e) {
                    slots[i].failures.warn(
                            log, "Guard '" + slots[i].guard.name() + "' failed to hear a request wait", e);
                }
            }
        }
    }

    /**
     * Tells the engine that the tarpit's delay of a request it was told {@linkplain #waiting waits} is over: the
     * guards take again what they gave back ({@link Guard#resumes}).
     *
     * @return {@code null} when the request goes on to the application, to be {@linkplain #complete completed} with
     *     its outcome; otherwise the refusal to answer instead (a watched route's places all taken meanwhile, its
     *     under-attack mode started), for which the engine has already given back what the guards held, so the
     *     request is not {@linkplain #refused refused} again
     */
    public @Nullable Decision resumed(GuardRequest request, Evaluation evaluation) {
        long held = evaluation.held();
        for (int i = 0; i < slots.length; i++) {
            if ((held & 1L << i) == 0) {
                continue;
            }
            GuardSlot slot = slots[i];
            Decision refusal;
            try {
                refusal = slot.guard.resumes(request);
                if (refusal == null || !refusal.isDeny()) {
                    continue;
                }
                if (monitored(false, slot, refusal)) {
                    publish(request, slot.guard.name(), GuardEvent.Kind.WOULD_DENY, refusal, null);
                    continue;
                }
                publish(request, slot.guard.name(), GuardEvent.Kind.DENY, refusal, null);
                if (refusal.action().passesRequestOn() || refusal.action() == Action.TARPIT) {
                    // logged or tagged, as a new request would be; or a tarpit, which it has waited out: it goes on
                    continue;
                }
            } catch (RuntimeException e) {
                Decision fallback = fallback(slot, request, e); // published as the guard's failure
                if (!fallback.isDeny()) {
                    continue;
                }
                refusal = fallback;
            }
            if (refusal.action() == Action.DECOY) {
                // a decoy spends what a real answer spends of the client's own quota, as at evaluation (review141 F3:
                // refused, a tarpitted request decoyed as the under-attack mode started gave the client's token back)
                decoyed(request, evaluation.held(), carriedPlan(request, evaluation));
            } else {
                refused(request, evaluation);
            }
            return refusal;
        }
        return null;
    }

    /** Whether the guard's answer is only reported: its route, the engine or its rule is monitored. */
    private boolean monitored(boolean monitoredRoute, GuardSlot slot, Decision decision) {
        return monitoredRoute || mode == Mode.MONITOR || modeOf(slot, decision.rule()) == Mode.MONITOR;
    }

    /** The slots up to {@code slot}, every slot for {@link Integer#MAX_VALUE}: a bit per slot. */
    private static long notPast(int slot) {
        return ~after(slot);
    }

    /** The slots after {@code slot}: a bit per slot. */
    private static long after(int slot) {
        return slot >= 63 ? 0 : -1L << (slot + 1);
    }

    /** Whether the refusal of the guard in slot {@code refusedBy} is evidence that spends later guards' quota. */
    private boolean spendsQuota(int refusedBy, Decision refusal) {
        GuardSlot refuser = slots[refusedBy];
        try {
            return refuser.guard.refusalSpendsQuota(refusal);
        } catch (RuntimeException e) {
            refuser.failures.warn(log, "Guard '" + refuser.guard.name() + "' failed to say what its refusal costs", e);
            return false;
        }
    }

    /**
     * Charges the guards after {@code refusedBy} for a request it refused on evidence about the client
     * ({@link #spendsQuota}), or, for a decoy ({@code refusedBy} -1), every guard named: the first enforced denial among
     * their answers replaces the refusal.
     *
     * @param applying the guards to charge, a bit per slot: those of the request's plan not asked yet, and those
     *     asked first that gave back what their check took
     */
    private @Nullable Decision chargeAfter(
            GuardRequest request, int refusedBy, long applying, boolean monitoredRoute, @Nullable MethodPlan plan) {
        for (int i = refusedBy + 1; i < slots.length; i++) {
            if ((applying & 1L << i) == 0) {
                continue;
            }
            GuardSlot slot = slots[i];
            Decision decision;
            try {
                decision = slot.charge(request, plan == null ? null : plan.rules[i]);
            } catch (RuntimeException e) {
                slot.failures.warn(log, "Guard '" + slot.guard.name() + "' failed to charge a refused request", e);
                continue;
            }
            if (decision == null
                    || decision.isAllow()
                    || decision.isFlag()
                    || !neverReachesTheApplication(decision.action())) {
                // A charge's answer stands for the refusal only if it refuses too: a tarpit may pass the
                // request on after its delay, and must not let through what the refusal refused (review39 F1).
                continue;
            }
            if (monitored(monitoredRoute, slot, decision)) {
                publish(request, slot.guard.name(), GuardEvent.Kind.WOULD_DENY, decision, null);
                continue;
            }
            publish(request, slot.guard.name(), GuardEvent.Kind.DENY, decision, null);
            return decision;
        }
        return null;
    }

    /**
     * Tells the guards that passed a refused request, so that what they charged it (tokens, a
     * reservation) is given back: the README promises that a request refused for another reason does
     * not spend the client's quota. Their failures are contained like those of {@code check}.
     */
    private void cancel(GuardRequest request, long passed, @Nullable MethodPlan plan) {
        giveBack(request, passed, plan, false);
    }

    /** Tells the guards that passed a request answered with a decoy ({@link Guard#decoyed}), failures contained. */
    private void decoyed(GuardRequest request, long passed, @Nullable MethodPlan plan) {
        giveBack(request, passed, plan, true);
    }

    private void giveBack(GuardRequest request, long passed, @Nullable MethodPlan plan, boolean decoyed) {
        for (int i = 0; i < slots.length; i++) {
            if ((passed & 1L << i) != 0) {
                RuleGuard.Applying rules = plan == null ? null : plan.rules[i];
                try {
                    if (decoyed) {
                        slots[i].decoyed(request, rules);
                    } else {
                        slots[i].cancel(request, rules);
                    }
                } catch (RuntimeException e) {
                    slots[i].failures.warn(
                            log,
                            "Guard '" + slots[i].guard.name() + "' failed to "
                                    + (decoyed ? "hear of a decoyed request" : "cancel a refused request"),
                            e);
                }
            }
        }
    }

    /**
     * Whether a guard's denial is a refusal as the guard itself sees it: an action that does not pass the
     * request on, of a rule the guard was told is not monitored ({@link Guard#monitoredRules}). Such a
     * guard gave back, or keeps as its own denial, what it charged, so it is never cancelled for it (a
     * route's monitor mode, which guards are not told, does not change that).
     */
    private boolean refusesOnItsOwnAccount(GuardSlot slot, Decision decision) {
        // a tarpit may still pass the request on: its guard keeps what it charged, told if it is refused
        return decision.isDeny()
                && !decision.action().passesRequestOn()
                && decision.action() != Action.TARPIT
                && mode != Mode.MONITOR
                && modeOf(slot, decision.rule()) != Mode.MONITOR;
    }

    /**
     * Whether the request is certainly refused. A tarpitted request may still reach the application
     * afterwards (the servlet filter's {@code tarpit.then: pass}), so it keeps what it was charged.
     */
    private static boolean neverReachesTheApplication(Action action) {
        return action == Action.REJECT || action == Action.THROTTLE || action == Action.DECOY;
    }

    /**
     * The plan of the request's route and method, computed at the route's first sight; {@code null} when
     * the request has no route, its path does not belong to the route it names (a plan is only as good
     * as the route, so a route an adapter got wrong costs the plan, never a check), or a bound is reached.
     * Allocates nothing once the route and method are planned.
     */
    private MethodPlan plan(GuardRequest request) {
        String route = request.route();
        String method = request.method();
        if (route == null || method == null) {
            return null;
        }
        RoutePlan plan = plans.get(route);
        if (plan == null) {
            if (plans.size() >= MAX_PLANS) {
                return null;
            }
            plan = plans.computeIfAbsent(route, this::planRoute);
        }
        if (plan.template == null || !plan.template.matches(request.path())) {
            return null;
        }
        return plan.forMethod(method, this);
    }

    /**
     * The plan {@code evaluation} was decided by, when it is one of this engine's plans for the request's
     * route and method; otherwise (no evaluation, one decided without a plan, an exempt request's) the
     * plan looked up as {@link #evaluate} looked it up.
     */
    private @Nullable MethodPlan planOf(GuardRequest request, @Nullable Evaluation evaluation) {
        MethodPlan carried = evaluation == null ? null : carriedPlan(request, evaluation);
        return carried != null ? carried : plan(request);
    }

    /**
     * The plan {@code evaluation} was decided by, when it is one of this engine's plans for the request's
     * route and method; otherwise {@code null}, not looked up: the guards then match each rule.
     */
    private @Nullable MethodPlan carriedPlan(GuardRequest request, Evaluation evaluation) {
        MethodPlan carried = evaluation.plan();
        return carried != null && carried.engine == this && carried.plans(request) ? carried : null;
    }

    /**
     * Which rules of each rule guard among {@code applying} apply to requests of the method on the
     * template, a {@link RuleGuard.Applying} per slot ({@code null} for any other guard, or one whose
     * planning threw: it matches each rule).
     */
    private RuleGuard.@Nullable Applying[] applyingRules(String method, PathPattern template, long applying) {
        RuleGuard.Applying[] rules = new RuleGuard.Applying[slots.length];
        for (int i = 0; i < slots.length; i++) {
            if ((applying & 1L << i) != 0 && slots[i].guard instanceof RuleGuard<?> guard) {
                try {
                    rules[i] = guard.applying(method, template);
                } catch (RuntimeException e) {
                    slots[i].failures.warn(log, "Guard '" + guard.name() + "' failed to plan a route", e);
                }
            }
        }
        return rules;
    }

    /**
     * The order in which a plan's guards are asked when it is not theirs: first the guards whose applying
     * rules read no request body, then those whose rules do (e-mail rules, keys from {@code body:} or
     * {@code query:}), each group in the guards' order. A client a body-free guard refuses (over its rate
     * limit) is then refused before its body is read, which a slow or large body would otherwise make it
     * wait for. {@code null} when no guard that reads the body comes before one that does not.
     */
    private int @Nullable [] evaluationOrder(long applying, long bodies) {
        long bodyFree = applying & ~bodies;
        if (bodies == 0
                || bodyFree == 0
                || Long.numberOfTrailingZeros(bodies) > 63 - Long.numberOfLeadingZeros(bodyFree)) {
            return null;
        }
        int[] order = new int[Long.bitCount(applying)];
        int next = 0;
        for (long group : new long[] {bodyFree, bodies}) {
            for (int i = 0; i < slots.length; i++) {
                if ((group & 1L << i) != 0) {
                    order[next++] = i;
                }
            }
        }
        return order;
    }

    /** The slots among {@code applying} of the rule guards whose applying rules read the body. */
    private long bodyReaders(long applying, RuleGuard.@Nullable Applying[] rules) {
        long bodies = 0;
        for (int i = 0; i < slots.length; i++) {
            if ((applying & 1L << i) != 0 && rules[i] != null && slots[i].guard instanceof RuleGuard<?> guard) {
                try {
                    if (guard.readsBody(rules[i])) {
                        bodies |= 1L << i;
                    }
                } catch (RuntimeException e) {
                    slots[i].failures.warn(log, "Guard '" + guard.name() + "' failed to plan a route", e);
                }
            }
        }
        return bodies;
    }

    /**
     * The guards among {@code bodies}, after the first of them, that may refuse a request before reading its body
     * ({@link RuleGuard#refusesBeforeReading}): asked {@link RuleGuard#refusesUnread} before the first is asked.
     */
    private long unreadRefusers(long bodies, RuleGuard.@Nullable Applying[] rules) {
        long refusers = 0;
        long after = bodies & ~Long.lowestOneBit(bodies);
        for (int i = 0; i < slots.length; i++) {
            if ((after & 1L << i) != 0) {
                RuleGuard<?> guard = (RuleGuard<?>) slots[i].guard;
                try {
                    if (guard.refusesBeforeReading(rules[i])) {
                        refusers |= 1L << i;
                    }
                } catch (RuntimeException e) {
                    slots[i].failures.warn(log, "Guard '" + guard.name() + "' failed to plan a route", e);
                }
            }
        }
        return refusers;
    }

    /**
     * The order of the guards from position {@code from} on, with the first of the plan's {@link
     * MethodPlan#unreadRefusers} that knows it refuses the request ({@link RuleGuard#refusesUnread}) asked first:
     * {@code order} itself when none does. Allocates only for such a request.
     */
    private int @Nullable [] unreadRefuserFirst(
            GuardRequest request, MethodPlan plan, int @Nullable [] order, int from) {
        long refusers = plan.unreadRefusers;
        for (int i = 0; i < slots.length && refusers != 0; i++) {
            if ((refusers & 1L << i) == 0) {
                continue;
            }
            refusers &= ~(1L << i);
            RuleGuard<?> guard = (RuleGuard<?>) slots[i].guard;
            try {
                if (!guard.refusesUnread(request, plan.rules[i])) {
                    continue;
                }
            } catch (RuntimeException e) {
                slots[i].failures.warn(log, "Guard '" + guard.name() + "' failed to look up a refusal", e);
                continue;
            }
            int count = order == null ? slots.length : order.length;
            int[] moved = new int[count];
            int next = 0;
            for (int k = 0; k < count; k++) {
                int slot = order == null ? k : order[k];
                if (k == from) {
                    moved[next++] = i;
                }
                if (slot != i) {
                    moved[next++] = slot;
                }
            }
            return moved;
        }
        return order;
    }

    private RoutePlan planRoute(String route) {
        PathPattern template;
        try {
            template = PathPattern.parse(route);
        } catch (IllegalArgumentException notATemplate) {
            return new RoutePlan(route, null, Scope.SOME, Scope.SOME);
        }
        if (template.segmentCount() > MAX_PLANNED_SEGMENTS) {
            return new RoutePlan(route, null, Scope.SOME, Scope.SOME);
        }
        return new RoutePlan(route, template, scope(exemptRoutes, template), scope(monitoredRoutes, template));
    }

    /**
     * A marker for one method covers some of the route's requests at most: the method is read per request. A
     * handler's marker covers the route it names, and no other.
     */
    private static Scope scope(RouteMarker[] markers, PathPattern template) {
        Scope scope = Scope.NONE;
        for (RouteMarker marker : markers) {
            if (marker.handlerRoute()) {
                if (marker.pattern().toString().equals(template.toString())) {
                    if (marker.method() == null) {
                        return Scope.ALWAYS;
                    }
                    scope = Scope.SOME;
                }
                continue;
            }
            if (marker.method() == null && marker.pattern().matchesEveryPathOf(template)) {
                return Scope.ALWAYS;
            }
            if (marker.pattern().mayMatchPathOf(template)) {
                scope = Scope.SOME;
            }
        }
        return scope;
    }

    /** The guards that may apply to requests of the method on the template; a guard that throws is asked. */
    private long applyingSlots(String method, PathPattern template) {
        long applying = 0;
        for (int i = 0; i < slots.length; i++) {
            boolean applies;
            try {
                applies = slots[i].guard.mayApply(method, template);
            } catch (RuntimeException e) {
                slots[i].failures.warn(log, "Guard '" + slots[i].guard.name() + "' failed to plan a route", e);
                applies = true;
            }
            if (applies) {
                applying |= 1L << i;
            }
        }
        return applying;
    }

    /**
     * Whether a guard allows the request although another site's page made it; every guard is asked, since
     * a CORS preflight's route plan is that of {@code OPTIONS}, not of the method it asks for.
     */
    private boolean anyAllowsCrossSite(GuardRequest request) {
        for (int i = 0; i < slots.length; i++) {
            try {
                if (slots[i].guard.allowsCrossSite(request)) {
                    return true;
                }
            } catch (RuntimeException e) {
                slots[i].failures.warn(
                        log, "Guard '" + slots[i].guard.name() + "' failed to judge a cross-site request", e);
            }
        }
        return false;
    }

    /**
     * Whether a rule of some guard may name a request without a plan: {@link #watchedPath}, and also a path
     * that reads as a pattern or does not parse, which every guard is asked about and a rule such as
     * {@code /api/**} counts.
     */
    private boolean mayBeWatched(String method, String path) {
        if (path == null || path.indexOf('*') >= 0 || path.indexOf('{') >= 0 || path.indexOf('}') >= 0) {
            return true;
        }
        try {
            PathPattern.parse(path);
        } catch (IllegalArgumentException notAPath) {
            return true;
        }
        return watchedPath(method, path);
    }

    /**
     * Whether a rule of some guard names a request without a plan: its path is read as a template of
     * literal segments. A path that would read as a wildcard or a variable is not watched.
     */
    private boolean watchedPath(String method, String path) {
        if (method == null || path == null || path.indexOf('*') >= 0 || path.indexOf('{') >= 0) {
            return false;
        }
        PathPattern literal;
        try {
            literal = PathPattern.parse(path);
        } catch (IllegalArgumentException notAPath) {
            return false;
        }
        return watched(method, literal);
    }

    /** Whether a rule of some guard names requests of the method on the template; a guard that throws does not. */
    private boolean watched(String method, PathPattern template) {
        for (GuardSlot slot : slots) {
            try {
                if (slot.guard.watches(method, template)) {
                    return true;
                }
            } catch (RuntimeException e) {
                slot.failures.warn(log, "Guard '" + slot.guard.name() + "' failed to plan a route", e);
            }
        }
        return false;
    }

    /** Whether the exempt and monitored patterns match all, some or none of a route's paths. */
    private enum Scope {
        NONE,
        SOME,
        ALWAYS
    }

    /** One route's plan: its template, its exempt and monitored scope, and a plan per method seen. */
    private static final class RoutePlan {
        /** The route template as requests name it: the key of {@link #plans}. */
        final String key;

        final PathPattern template;
        final Scope exempt;
        final Scope monitored;
        /** The methods that get a plan; any other token is checked by every guard, unplanned. */
        static final java.util.Set<String> PLANNED_METHODS =
                java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

        /** Copy-on-write: read without a lock on every request, written once per new method. */
        private volatile MethodPlan[] methods = new MethodPlan[0];

        RoutePlan(String key, PathPattern template, Scope exempt, Scope monitored) {
            this.key = key;
            this.template = template;
            this.exempt = exempt;
            this.monitored = monitored;
        }

        MethodPlan forMethod(String method, AbuseGuard engine) {
            MethodPlan[] known = methods;
            for (MethodPlan plan : known) {
                if (plan.method.equals(method)) {
                    return plan;
                }
            }
            if (known.length >= MAX_METHODS_PER_ROUTE || !PLANNED_METHODS.contains(method)) {
                // An unusual method token asks every guard rather than take a slot a real method needs.
                return null;
            }
            long slots = engine.applyingSlots(method, template);
            RuleGuard.@Nullable Applying[] rules = engine.applyingRules(method, template, slots);
            long bodies = engine.bodyReaders(slots, rules);
            int[] order = engine.evaluationOrder(slots, bodies);
            MethodPlan plan = new MethodPlan(
                    engine,
                    this,
                    method,
                    slots,
                    rules,
                    order,
                    order == null ? Long.numberOfTrailingZeros(bodies) : Long.bitCount(slots & ~bodies),
                    engine.unreadRefusers(bodies, rules),
                    engine.watched(method, template));
            synchronized (this) {
                MethodPlan[] current = methods;
                for (MethodPlan existing : current) {
                    if (existing.method.equals(method)) {
                        return existing;
                    }
                }
                if (current.length >= MAX_METHODS_PER_ROUTE) {
                    return null;
                }
                MethodPlan[] grown = Arrays.copyOf(current, current.length + 1);
                grown[current.length] = plan;
                methods = grown;
            }
            return plan;
        }
    }

    /**
     * The guards that may apply to one method on one route, a bit per guard. An {@link Evaluation} carries
     * the plan it was decided by, so that the outcome of its request is heard without a second look-up.
     */
    static final class MethodPlan {
        final AbuseGuard engine;
        final RoutePlan route;
        final String method;
        final long slots;
        /**
         * Per slot, which rules of a {@link RuleGuard} apply to the route's requests of the method, so that
         * its rules' paths are matched only where a rule covers some paths of the route, not all or none;
         * {@code null} for other guards.
         */
        final RuleGuard.@Nullable Applying[] rules;
        /**
         * The slots in the order the guards are asked, when it is not theirs (guards that read no body first:
         * {@link AbuseGuard#evaluationOrder}); {@code null} for the guards' own order.
         */
        final int @Nullable [] order;
        /** The position in {@link #order} (or the slot, in the guards' own order) of the first guard that reads the body. */
        final int bodiesFrom;
        /**
         * The guards that read the body, after the first of them, that may refuse a request before reading it (a
         * rate limit per address on a sign-up route): a bit per slot. {@link AbuseGuard#unreadRefuserFirst}.
         */
        final long unreadRefusers;
        /** Whether a rule of some guard names the route and method: see {@link Guard#watches}. */
        final boolean watched;
        /** The answer for a request of the route that no guard had anything to say about. */
        private final Evaluation allowed;
        /**
         * The evaluation of the route's last plain allow whose only hints were headers, kept while the
         * hints stay the same instance: a guard that answers with a constant, such as the origin guard's
         * {@code Vary}, then costs its requests no evaluation object. Hints of rate limits change with
         * every request and are never kept. The first such evaluation stays, so threads never take turns
         * writing this field; a racy read is safe, as an {@link Evaluation}'s fields are final.
         */
        private Evaluation allowedWithHeaders;

        MethodPlan(
                AbuseGuard engine,
                RoutePlan route,
                String method,
                long slots,
                RuleGuard.@Nullable Applying[] rules,
                int @Nullable [] order,
                int bodiesFrom,
                long unreadRefusers,
                boolean watched) {
            this.engine = engine;
            this.route = route;
            this.method = method;
            this.slots = slots;
            this.rules = rules;
            this.order = order;
            this.bodiesFrom = bodiesFrom;
            this.unreadRefusers = unreadRefusers;
            this.watched = watched;
            this.allowed = Evaluation.create(Decision.allow(), 0, List.of(), ResponseHints.none(), 0, this);
        }

        Evaluation allowed() {
            return allowed;
        }

        /** Whether this is the plan {@link #plan(GuardRequest)} finds for a request of this route and method. */
        boolean plans(GuardRequest request) {
            return route.key.equals(request.route()) && method.equals(request.method());
        }

        Evaluation allowedWith(ResponseHints hints) {
            Evaluation kept = allowedWithHeaders;
            if (kept != null && kept.hints() == hints) {
                return kept;
            }
            Evaluation fresh = Evaluation.of(Decision.allow(), 0, null, hints, 0, this);
            if (kept == null && !hints.hasRateLimits()) {
                allowedWithHeaders = fresh;
            }
            return fresh;
        }
    }

    private Decision fallback(GuardSlot slot, GuardRequest request, RuntimeException e) {
        boolean failClosed = e instanceof StoreUnavailableException outage
                ? outage.failClosed()
                : failurePolicy == FailurePolicy.FAIL_CLOSED;
        Decision fallback;
        if (!failClosed) {
            fallback = Decision.allow();
        } else {
            Decision.Builder refusal = Decision.deny(Action.REJECT)
                    .guard(slot.guard.name())
                    .reason(e instanceof StoreUnavailableException ? "store-unavailable" : "guard-failure")
                    .status(503)
                    .detail("The request could not be checked; try again later.");
            if (e instanceof StoreUnavailableException) {
                refusal.retryAfter(STORE_RETRY_AFTER); // a timeout on a loaded host is over at once
            }
            fallback = refusal.build();
        }
        if (!(e instanceof StoreUnavailableException)) { // the store logs its own outages, once per change
            slot.failures.warn(
                    log,
                    "Guard '" + slot.guard.name() + "' failed; applying " + failurePolicy + " to " + request.method()
                            + " " + request.path(),
                    e);
        }
        publish(request, slot.guard.name(), GuardEvent.Kind.FAILED, fallback, e);
        return fallback;
    }

    /**
     * Lets guards that learn from outcomes, and every {@link OutcomeObserver}, hear how the application
     * answered a request the engine let through. Exceptions are contained like those of
     * {@link #evaluate(GuardRequest)}. Pass the very {@link GuardRequest} instance {@link #evaluate} was given:
     * what a guard kept of the request's evaluation (the keys a refunding rate limit charged, the slots a failure
     * rule took) is found by that instance, and an adapter that builds a new one gets no refund and frees no slot.
     */
    public void complete(GuardRequest request, int status) {
        complete(request, null, status);
    }

    /**
     * As {@link #complete(GuardRequest, int)}, for a request whose evaluation the adapter holds: the
     * route's plan the engine decided it by is not looked up again.
     *
     * @param evaluation what {@link #evaluate} answered for this very request, or {@code null}
     */
    public void complete(GuardRequest request, @Nullable Evaluation evaluation, int status) {
        MethodPlan plan = observingGuards.length == 0 ? null : planOf(request, evaluation);
        long applying;
        boolean watched;
        if (observingGuards.length == 0) {
            applying = 0;
            watched = false;
        } else if (plan == null) {
            if (exempt(null, request)) {
                applying = 0; // exempt from every guard: no guard learns from it either
                watched = false;
            } else {
                applying = allSlots;
                // only a successful answer earns a history: a scanner's 404s cost no path look-up; nor does
                // a request whose history was settled before the exchange, unless some guard still asks
                watched = status >= 200
                        && status < 400
                        && (!request.historySettled() || watchedHeardAfterSettling)
                        && watchedPath(request.method(), request.path());
            }
        } else {
            RoutePlan route = plan.route;
            boolean exempt = exempt(route, request);
            applying = exempt ? 0 : plan.slots;
            watched = !exempt && plan.watched && status >= 200 && status < 400;
        }
        if (earlySlots.length > 0) {
            applying &= ~request.observedBeforeCommit(); // heard already, with the status the client received
        }
        observeEach(request, status, watched, plan, applying);
        for (ObserverSlot slot : observers) { // no plan: an observer hears every route
            try {
                slot.observer.observe(request, status);
            } catch (RuntimeException e) {
                slot.failures.warn(log, "Observer '" + slot.observer.name() + "' failed to observe an outcome", e);
            }
        }
    }

    /**
     * Which guards hear this request's outcome as soon as its status is final, before the response is committed
     * ({@link Guard#observesBeforeCommit}): a step a later request of the client is checked against, which a client
     * firing that request the instant it receives this answer must find recorded (probe71c F3). An adapter that
     * calls this reports the status to {@link #observeBeforeCommit} before the response is committed (at the latest
     * when the exchange ends), and {@link #complete} then leaves those guards out.
     *
     * @param evaluation what {@link #evaluate} answered for this very request, or {@code null}
     * @return a bit per such guard, 0 when none (no guard that may, an exempt request, a step no rule looks back for)
     */
    public long observesBeforeCommit(GuardRequest request, @Nullable Evaluation evaluation) {
        if (earlySlots.length == 0) {
            return 0;
        }
        MethodPlan plan = planOf(request, evaluation);
        long applying =
                plan == null ? (exempt(null, request) ? 0 : allSlots) : (exempt(plan.route, request) ? 0 : plan.slots);
        long early = 0;
        for (int index : earlySlots) {
            if ((applying & 1L << index) == 0) {
                continue;
            }
            GuardSlot slot = slots[index];
            try {
                if (slot.guard.observesBeforeCommit(request)) {
                    early |= 1L << index;
                }
            } catch (RuntimeException e) {
                // heard after the exchange instead, as before
                slot.failures.warn(log, "Guard '" + slot.guard.name() + "' failed to tell whether it hears early", e);
            }
        }
        return early;
    }

    /**
     * Lets the guards {@link #observesBeforeCommit} named hear the request's final status now, before the response is
     * committed; {@link #complete} leaves them out. Call it once; exceptions are contained like those of {@link
     * #complete}.
     *
     * @param early what {@link #observesBeforeCommit} answered for the request
     */
    public void observeBeforeCommit(GuardRequest request, @Nullable Evaluation evaluation, int status, long early) {
        if (early == 0 || (request.observedBeforeCommit() & early) == early) {
            return;
        }
        request.observedBeforeCommit(request.observedBeforeCommit() | early);
        MethodPlan plan = planOf(request, evaluation);
        boolean watched = status >= 200
                && status < 400
                && (plan == null ? watchedPath(request.method(), request.path()) : plan.watched);
        observeEach(request, status, watched, plan, early);
    }

    /** Lets each observing guard in {@code slotBits} hear the outcome; a guard's failure is logged, the others hear. */
    private void observeEach(
            GuardRequest request, int status, boolean watched, @Nullable MethodPlan plan, long slotBits) {
        for (int i = 0; i < observingGuards.length; i++) {
            if ((slotBits & 1L << observerSlots[i]) == 0) {
                continue;
            }
            GuardSlot slot = observingGuards[i];
            try {
                slot.observe(request, status, watched, plan == null ? null : plan.rules[observerSlots[i]]);
            } catch (RuntimeException e) {
                slot.failures.warn(log, "Guard '" + slot.guard.name() + "' failed to observe an outcome", e);
            }
        }
    }

    /**
     * Settles, before the application answers, which guards would give the request's client a history
     * for a successful answer ({@link Guard#lacksHistory}), so that the history can be written no later
     * than the response is committed instead of after the exchange, when the client may already have
     * sent its next request. Marks the request {@link GuardRequest#historySettled() settled}: the guards
     * then leave the history alone in {@link #complete}. An adapter that calls this reports the status to
     * {@link #earnHistory} before the response is committed (at the latest when it completes the
     * exchange); a client that already has its history costs one look-up per guard here and none after.
     *
     * @return a bit per guard awaiting the outcome, 0 when none does (the route is not watched, or the
     *     client has every history already)
     */
    public long awaitsHistory(GuardRequest request) {
        return awaitsHistory(request, null);
    }

    /**
     * As {@link #awaitsHistory(GuardRequest)}, for a request whose evaluation the adapter holds: the
     * route's plan the engine decided it by is not looked up again.
     *
     * @param evaluation what {@link #evaluate} answered for this very request, or {@code null}
     */
    public long awaitsHistory(GuardRequest request, @Nullable Evaluation evaluation) {
        if (historySlots.length == 0) {
            return 0;
        }
        MethodPlan plan = planOf(request, evaluation);
        long applying;
        boolean watched;
        if (plan == null) {
            boolean exempt = exempt(null, request); // exactly as decide and complete see it
            applying = exempt ? 0 : allSlots;
            watched = !exempt && watchedPath(request.method(), request.path());
        } else {
            RoutePlan route = plan.route;
            boolean exempt = exempt(route, request);
            applying = exempt ? 0 : plan.slots;
            watched = !exempt && plan.watched;
        }
        request.historySettled(true);
        if (!watched) {
            return 0;
        }
        long awaiting = 0;
        for (int index : historySlots) {
            if ((applying & 1L << index) == 0) {
                continue;
            }
            GuardSlot slot = slots[index];
            try {
                if (slot.guard.lacksHistory(request)) {
                    awaiting |= 1L << index;
                }
            } catch (RuntimeException e) {
                // the write at commit may still succeed: a failed look-up must not cost the history
                awaiting |= 1L << index;
                slot.failures.warn(log, "Guard '" + slot.guard.name() + "' failed to look a history up", e);
            }
        }
        return awaiting;
    }

    /**
     * Gives the request's client the histories {@link #awaitsHistory} found missing, if the status is a
     * success (2xx, 3xx). Call it once, when the status is final and before the response is committed;
     * exceptions are contained like those of {@link #complete}.
     *
     * @param awaiting what {@link #awaitsHistory} answered for the request
     */
    public void earnHistory(GuardRequest request, int status, long awaiting) {
        if (awaiting == 0 || status < 200 || status >= 400) {
            return;
        }
        earn(request, awaiting, false);
    }

    /**
     * Gives the request's client the histories of the guards in {@code slotBits}; {@code proved}: for the browser
     * proof ({@link Guard#earnProvedHistory}).
     */
    private void earn(GuardRequest request, long slotBits, boolean proved) {
        for (int index : historySlots) {
            if ((slotBits & 1L << index) != 0) {
                GuardSlot slot = slots[index];
                try {
                    if (proved) {
                        slot.guard.earnProvedHistory(request);
                    } else {
                        slot.guard.earnHistory(request);
                    }
                } catch (RuntimeException e) {
                    slot.failures.warn(log, "Guard '" + slot.guard.name() + "' failed to write a history", e);
                }
            }
        }
    }

    /**
     * Gives the request's client every history the guards keep ({@link Guard#earnHistory}), as a successful
     * answer on a watched route would: for a client that proved something a request alone cannot (the
     * servlet filter's browser proof: the page's script ran). An adapter that vouches this way marks every
     * other request {@link GuardRequest#historySettled(boolean) settled} without asking {@link
     * #awaitsHistory}, so that nothing else earns a history. Exceptions are contained like those of
     * {@link #complete}.
     */
    public void vouch(GuardRequest request) {
        earn(request, -1L, true); // every guard that keeps a history
    }

    /** Whether any guard or observer learns from outcomes, so adapters can skip {@link #complete} otherwise. */
    public boolean observesOutcomes() {
        return observingGuards.length > 0 || observers.length > 0;
    }

    /** The outcome observers, in the order they hear an outcome. */
    public List<OutcomeObserver> observers() {
        List<OutcomeObserver> list = new ArrayList<>(observers.length);
        for (ObserverSlot slot : observers) {
            list.add(slot.observer);
        }
        return List.copyOf(list);
    }

    /** The guards, in the order they are asked. */
    public List<Guard> guards() {
        List<Guard> guards = new ArrayList<>(slots.length);
        for (GuardSlot slot : slots) {
            guards.add(slot.guard);
        }
        return List.copyOf(guards);
    }

    /**
     * The mode a guard effectively runs in: monitor when the engine or the guard is in monitor mode,
     * the guard's mode switched at run time if it was.
     */
    public Mode modeOf(Guard guard) {
        for (GuardSlot slot : slots) {
            if (slot.guard == guard) {
                return mode == Mode.MONITOR ? Mode.MONITOR : modeOf(slot, null);
            }
        }
        throw new IllegalArgumentException("not a guard of this engine: " + guard.name());
    }

    /**
     * The mode of the cross-site check ({@link CrossSiteRequests}), which refuses before any guard: its configured
     * one ({@code abuse-guard.cross-site.mode}) or the one switched live under the name
     * {@value CrossSiteRequests#NAME}, and {@link Mode#MONITOR} under an engine-wide monitor. Whether it refuses
     * anything at all is {@link #checksCrossSiteRequests()}.
     */
    public Mode crossSiteMode() {
        if (mode == Mode.MONITOR) {
            return Mode.MONITOR;
        }
        Mode switched = modeOverrides.isEmpty() ? null : modeOverrides.get(CrossSiteRequests.NAME);
        if (switched != null) {
            return switched;
        }
        return crossSiteRequests.isMonitored() ? Mode.MONITOR : Mode.ENFORCE;
    }

    /** Whether the engine checks cross-site requests at all: not under {@code cross-site.enabled: false}. */
    public boolean checksCrossSiteRequests() {
        return crossSiteRequests.checks();
    }

    private Mode modeOf(GuardSlot slot, String rule) {
        if (modeOverrides.isEmpty()) {
            return slot.mode;
        }
        Mode switched = rule == null ? null : modeOverrides.get(slot.guard.name() + "/" + rule);
        if (switched == null) {
            switched = modeOverrides.get(slot.guard.name());
        }
        return switched == null ? slot.mode : switched;
    }

    /**
     * Switches a guard, or one rule of it, to a mode at run time, without a rebuild; a rule's mode wins
     * over its guard's. The switch lasts until {@link #clearMode} or restart. An engine-wide
     * {@link Mode#MONITOR} still wins over both.
     *
     * @param guard the guard's name
     * @param rule a rule of the guard, as its decisions name it, or {@code null} for the whole guard
     * @throws IllegalArgumentException if the engine has no guard of that name
     */
    public void switchMode(String guard, @Nullable String rule, Mode mode) {
        Objects.requireNonNull(mode, "mode");
        modeOverrides.put(overrideKey(guard, rule), mode);
    }

    /** Returns a guard, or a rule, to its configured mode; see {@link #switchMode}. */
    public void clearMode(String guard, String rule) {
        modeOverrides.remove(overrideKey(guard, rule));
    }

    /** The modes switched at run time, by {@code guard} or {@code guard/rule}. */
    public Map<String, Mode> switchedModes() {
        return Map.copyOf(modeOverrides);
    }

    /**
     * The key of a mode switched for a guard, or one of its rules: a rule its description does not list is refused
     * (probe46d F1: an operator who switched {@code T} for {@code t} was told it worked, and nothing changed). A
     * guard that describes no rules (one of your own) takes any rule name.
     */
    private String overrideKey(String guard, String rule) {
        Guard named = null;
        for (GuardSlot slot : slots) {
            if (slot.guard.name().equals(guard)) {
                named = slot.guard;
            }
        }
        if (named == null) {
            if (guard.equals(CrossSiteRequests.NAME) && checksCrossSiteRequests()) {
                if (rule != null && !rule.isEmpty()) {
                    throw new IllegalArgumentException("the cross-site check has no rules: leave 'rule' out");
                }
                return guard; // the check before the guards, switched as a whole (user68 F1)
            }
            List<String> names = new ArrayList<>();
            for (GuardSlot slot : slots) {
                names.add(slot.guard.name());
            }
            if (checksCrossSiteRequests()) {
                names.add(CrossSiteRequests.NAME);
            }
            // user68 F3: "email" (the property section) for the guard named disposable-email
            throw new IllegalArgumentException(
                    "no guard named '" + guard + "'; the guards: " + String.join(", ", names));
        }
        if (rule == null || rule.isEmpty()) {
            return guard;
        }
        List<String> rules = named.describe().rules().stream()
                .map(GuardDescription.Rule::name)
                .toList();
        if (!rules.isEmpty() && !rules.contains(rule)) {
            throw new IllegalArgumentException("guard '" + guard + "' has no rule named '" + rule + "'; its rules: "
                    + String.join(", ", rules.subList(0, Math.min(rules.size(), 20)))
                    + (rules.size() > 20 ? ", ..." : ""));
        }
        return guard + "/" + rule;
    }

    /** The engine-wide mode. */
    public Mode mode() {
        return mode;
    }

    public FailurePolicy failurePolicy() {
        return failurePolicy;
    }

    /** The risk score at which the engine denies; 0 when risk never denies. */
    public int riskThreshold() {
        return riskThreshold;
    }

    public Action riskAction() {
        return riskAction;
    }

    /**
     * Reports a refusal decided before the guards (such as the servlet filter's required browser proof) to
     * the listeners as a guard's refusal is reported (metrics, decision log, the clients denied most), and
     * says whether to carry it out: not in {@link Mode#MONITOR}, not on a monitored route, and not when the
     * refusal's own mode is {@link Mode#MONITOR}. A request it does not carry out goes on to {@link #evaluate}.
     *
     * @param refusal the refusal, naming its {@link Decision#guard() guard} and reason
     * @param refusalMode the refusal's own setting, such as {@code abuse-guard.proof.mode} for the proof's
     *     required paths
     * @return whether to answer the request with {@code refusal}
     */
    public boolean refusesBeforeGuards(GuardRequest request, Decision refusal, Mode refusalMode) {
        return reported(
                request,
                refusal,
                refusalMode != Mode.MONITOR && mode != Mode.MONITOR && !monitored(plan(request), request));
    }

    /**
     * The refusal of a request that an endpoint of the filter's own answers before the guards (the browser proof's
     * {@code POST}) when it is a cross-site or proxied cross-site request the {@link CrossSiteRequests} policy refuses
     * (probe67e F2: a clone's relay forwarded its visitors' proofs and earned their history for its own address):
     * reported as the guards' refusals are, and carried out unless the engine, the policy or the path's route is
     * monitored.
     *
     * @return the refusal to answer with, or {@code null} when the request goes on
     */
    public @Nullable Decision crossSiteRefusal(GuardRequest request) {
        return crossSiteRefusal(request, false);
    }

    /**
     * {@link #crossSiteRefusal(GuardRequest)} for an endpoint of the filter's own that only the site's own pages call
     * (the browser proof's {@code POST}): a request without Fetch Metadata is judged by its {@code Origin} or {@code
     * Referer} as a same-origin request is (probe80b F1: a plain-http clone's relay, to which browsers send no {@code
     * Sec-Fetch-*}, forwarded its visitors' proofs with the clone's {@code Origin}).
     */
    public @Nullable Decision sameOriginOnlyRefusal(GuardRequest request) {
        return crossSiteRefusal(request, true);
    }

    private @Nullable Decision crossSiteRefusal(GuardRequest request, boolean sameOriginOnly) {
        MethodPlan plan = plan(request);
        Decision refusal = crossSiteRefusal(request, plan, sameOriginOnly);
        if (refusal == null) {
            return null;
        }
        boolean enforced = crossSiteMode() == Mode.ENFORCE && !monitored(plan, request);
        return reported(request, refusal, enforced) ? refusal : null;
    }

    /**
     * The refusal {@link #crossSiteRefusal} would report, enforced or not, without reporting it: for an endpoint that
     * lets such a request go on to the guards, which report it once (review120 F4: a monitored route's request was
     * reported twice).
     */
    public @Nullable Decision unreportedCrossSiteRefusal(GuardRequest request) {
        return crossSiteRefusal(request, plan(request), false);
    }

    private @Nullable Decision crossSiteRefusal(
            GuardRequest request, @Nullable MethodPlan plan, boolean sameOriginOnly) {
        Decision refusal = crossSiteRequests.refusalOf(request, sameOriginOnly);
        if (refusal == null) {
            return null;
        }
        if (exempt(plan == null ? null : plan.route, request) || anyAllowsCrossSite(request)) {
            // as decide() answers a watched route: an exempt path, or an origin a rule lets in (review115 F1)
            return null;
        }
        return refusal;
    }

    /**
     * Whether the guards' own check of cross-site requests ({@link #decide}) looks at the request: on a route a rule
     * watches. Elsewhere an endpoint that lets a cross-site request go on reports it itself (review122 F2: on a route
     * only a monitored proof guards, such a request was reported nowhere).
     */
    public boolean checksCrossSite(GuardRequest request) {
        MethodPlan plan = plan(request);
        return plan == null ? mayBeWatched(request.method(), request.path()) : plan.watched;
    }

    /** Whether {@code abuse-guard.routes.monitor} covers the request: a refusal there is reported, not carried out. */
    public boolean monitors(GuardRequest request) {
        return monitored(plan(request), request);
    }

    /**
     * Reports a refusal of a request whose path the guards cannot judge (one the container resolves otherwise
     * than the application does, such as a {@code ..} segment) as {@link #refusesBeforeGuards} does, and says
     * whether to carry it out: on every route, monitored ones included, since the route read off such a path
     * is the one in doubt (review46 F9: a monitored route let the refusal through to another handler); only
     * {@link Mode#MONITOR} reports it without.
     */
    public boolean refusesUnjudgeablePath(GuardRequest request, Decision refusal) {
        return reported(request, refusal, mode != Mode.MONITOR);
    }

    private boolean reported(GuardRequest request, Decision refusal, boolean enforced) {
        String guard = refusal.guard();
        publish(
                request,
                guard == null ? "filter" : guard,
                enforced ? GuardEvent.Kind.DENY : GuardEvent.Kind.WOULD_DENY,
                refusal,
                null);
        return enforced;
    }

    /** Whether {@code abuse-guard.routes.monitor} covers the request's path, through its route's plan when it has one. */
    private boolean monitored(@Nullable MethodPlan plan, GuardRequest request) {
        boolean marked;
        if (plan == null) {
            marked = matchesAny(monitoredRoutes, request, request.path());
        } else {
            RoutePlan route = plan.route;
            marked = route.monitored == Scope.ALWAYS
                    || (route.monitored == Scope.SOME && matchesAny(monitoredRoutes, request, request.path()));
        }
        // strictly, as an exemption: Spring MVC serves /a/ with another handler than /a's (review46 F7)
        return marked && PathPattern.isExact(request.path());
    }

    private void publish(GuardRequest request, String guard, GuardEvent.Kind kind, Decision decision, Throwable error) {
        if (listeners.length == 0) {
            return;
        }
        GuardEvent event = new GuardEvent(request, guard, kind, decision, error);
        for (GuardListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                listenerFailures.warn(log, "GuardListener " + listener + " failed", e);
            }
        }
    }

    /**
     * Whether no guard checks the path: an exempt pattern matches it exactly ({@link
     * PathPattern#matchesExactly}), through the route's plan when there is one. Rules match leniently, so
     * {@code /login/} cannot slip past a rule for {@code /login}; an exemption must not, because a
     * security configuration matches paths strictly too (Spring Security's path matchers do): an exempt
     * {@code /actuator/health} that also covered {@code /actuator/health/} would exempt a path that
     * Spring Security sends to the password check, an oracle no failure rule counts.
     */
    private boolean exempt(@Nullable RoutePlan route, GuardRequest request) {
        if (exemptRoutes.length == 0 || (route != null && route.exempt == Scope.NONE)) {
            return false; // the path is not even read
        }
        String path = request.path();
        if (!PathPattern.isExact(path)) {
            return false;
        }
        if (route == null) {
            return matchesAny(exemptRoutes, request, path);
        }
        return route.exempt == Scope.ALWAYS || (route.exempt == Scope.SOME && matchesAny(exemptRoutes, request, path));
    }

    /**
     * The method a route marker of one method is asked about: the request's, or for a CORS preflight the method
     * it asks leave for, so that the preflight of an exempt {@code GET} is exempt as the {@code GET} is (review45
     * F2: refused as cross-site, the browser never sent the {@code GET}). Spring MVC answers a preflight itself;
     * no handler runs.
     */
    private static String markedMethod(GuardRequest request) {
        String method = request.method();
        if (method.equals("OPTIONS")) {
            // a preflight as Spring MVC tells one (CorsUtils.isPreFlightRequest): Origin too, or it is an OPTIONS
            // request an OPTIONS handler may serve (probe45c F4)
            String asked = request.header("Access-Control-Request-Method");
            String origin = request.header("Origin");
            if (asked != null && !asked.isEmpty() && origin != null && !origin.isEmpty()) {
                return asked;
            }
        }
        return method;
    }

    private static boolean matchesAny(RouteMarker[] markers, GuardRequest request, String path) {
        String method = markedMethod(request);
        for (RouteMarker marker : markers) {
            if (marker.matches(method, path, marker.handlerRoute() ? request.route() : null)) {
                return true;
            }
        }
        return false;
    }

    /** The clock the engine and its guards read. */
    public TimeSource timeSource() {
        return timeSource;
    }

    /** The routes no guard checks: {@code /pattern} for every method, {@code METHOD /pattern} for one. */
    public List<String> exemptRoutes() {
        return Arrays.stream(exemptRoutes).map(RouteMarker::toString).toList();
    }

    /** The routes whose denials are only reported, written as {@link #exemptRoutes()} are. */
    public List<String> monitoredRoutes() {
        return Arrays.stream(monitoredRoutes).map(RouteMarker::toString).toList();
    }

    private static List<Decision> add(List<Decision> list, Decision decision) {
        List<Decision> target = list == null ? new ArrayList<>(4) : list;
        target.add(decision);
        return target;
    }

    private static boolean overridesObserve(Guard guard) {
        try {
            Class<?> type = guard.getClass();
            return type.getMethod("observe", GuardRequest.class, int.class).getDeclaringClass() != Guard.class
                    || type.getMethod("observe", GuardRequest.class, int.class, boolean.class)
                                    .getDeclaringClass()
                            != Guard.class;
        } catch (NoSuchMethodException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static boolean overridesOnEvaluation(GuardListener listener) {
        try {
            return listener.getClass()
                            .getMethod("onEvaluation", GuardRequest.class, Evaluation.class, long.class)
                            .getDeclaringClass()
                    != GuardListener.class;
        } catch (NoSuchMethodException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static boolean overridesWatchedObserve(Guard guard) {
        try {
            return guard.getClass()
                            .getMethod("observe", GuardRequest.class, int.class, boolean.class)
                            .getDeclaringClass()
                    != Guard.class;
        } catch (NoSuchMethodException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static boolean overridesLacksHistory(Guard guard) {
        try {
            return guard.getClass()
                            .getMethod("lacksHistory", GuardRequest.class)
                            .getDeclaringClass()
                    != Guard.class;
        } catch (NoSuchMethodException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Whether the guard gives anything back: it overrides {@link Guard#cancel}, or {@link Guard#decoyed} alone. */
    private static boolean overridesCancel(Guard guard) {
        return overrides(guard, "cancel") || overrides(guard, "decoyed");
    }

    /** Whether the guard's class overrides {@link Guard}'s default of the method {@code name(GuardRequest)}. */
    private static boolean overrides(Guard guard, String name) {
        try {
            return guard.getClass().getMethod(name, GuardRequest.class).getDeclaringClass() != Guard.class;
        } catch (NoSuchMethodException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private record GuardSlot(Guard guard, Mode mode, RateLimitedLog failures, boolean cancels) {

        Decision charge(GuardRequest request, RuleGuard.@Nullable Applying applying) {
            return applying == null ? guard.charge(request) : ((RuleGuard<?>) guard).charge(request, applying);
        }

        void decoyed(GuardRequest request, RuleGuard.@Nullable Applying applying) {
            if (applying == null) {
                guard.decoyed(request);
            } else {
                ((RuleGuard<?>) guard).decoyed(request, applying);
            }
        }

        void cancel(GuardRequest request, RuleGuard.@Nullable Applying applying) {
            if (applying == null) {
                guard.cancel(request);
            } else {
                ((RuleGuard<?>) guard).cancel(request, applying);
            }
        }

        void observe(GuardRequest request, int status, boolean watched, RuleGuard.@Nullable Applying applying) {
            if (applying == null) {
                guard.observe(request, status, watched);
            } else {
                ((RuleGuard<?>) guard).observe(request, status, watched, applying);
            }
        }
    }

    private record ObserverSlot(OutcomeObserver observer, RateLimitedLog failures) {}

    /** Builds an {@link AbuseGuard}. Every method validates its argument at once. */
    public static final class Builder {
        private final List<GuardSlot> slots = new ArrayList<>();
        private final Set<String> names = new LinkedHashSet<>();
        private final List<GuardListener> listeners = new ArrayList<>();
        private final List<OutcomeObserver> observers = new ArrayList<>();
        // the defaults are the settings' (EngineSettings), written once there
        private Mode mode = Mode.of(EngineSettings.DEFAULT_MODE);
        private FailurePolicy failurePolicy =
                Settings.constant(FailurePolicy.class, EngineSettings.DEFAULT_FAILURE_POLICY);
        private int riskThreshold = EngineSettings.DEFAULT_RISK_THRESHOLD;
        private Action riskAction = Settings.constant(Action.class, EngineSettings.DEFAULT_RISK_ACTION);
        private TimeSource timeSource = TimeSource.system();
        private Duration failureLogInterval =
                SettingsBinder.duration("failure-log-interval", EngineSettings.DEFAULT_FAILURE_LOG_INTERVAL);
        private CrossSiteRequests crossSiteRequests = !EngineSettings.DEFAULT_ENABLED
                ? CrossSiteRequests.allowed()
                : Mode.of(EngineSettings.DEFAULT_MODE) == Mode.MONITOR
                        ? CrossSiteRequests.refused().monitored()
                        : CrossSiteRequests.refused();
        private final List<RouteMarker> exemptRoutes = new ArrayList<>();
        private final List<RouteMarker> monitoredRoutes = new ArrayList<>();
        private final List<AutoCloseable> resources = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a route no guard checks, such as a health check: a path pattern for every method
         * ({@code /actuator/health}) or {@code METHOD /pattern} for one ({@code GET /api/catalog/**}; a {@code GET}
         * covers {@code HEAD}). See {@link PathPattern}; unlike a rule's pattern, an exempt one matches a path only
         * exactly ({@link PathPattern#matchesExactly}): not with a trailing slash or an empty segment.
         *
         * @throws IllegalArgumentException if the pattern is not valid, or has a trailing slash or an
         *     empty segment, with which it would match no path
         */
        public Builder exemptRoute(String pattern) {
            RouteMarker parsed = RouteMarker.parse(pattern);
            if (!PathPattern.isExact(RouteMarker.pathOf(pattern))) {
                throw new IllegalArgumentException("exempt path pattern '" + pattern
                        + "' has a trailing slash or an empty segment; an exempt pattern matches paths exactly,"
                        + " so write it without (such as '/actuator/health')");
            }
            exemptRoutes.add(parsed);
            return this;
        }

        /**
         * What happens to requests another site's page makes a visitor's browser send to a watched route;
         * default {@link CrossSiteRequests#refused()}: refused before any guard counts them.
         */
        public Builder crossSiteRequests(CrossSiteRequests crossSiteRequests) {
            this.crossSiteRequests = Objects.requireNonNull(crossSiteRequests, "crossSiteRequests");
            return this;
        }

        /**
         * Adds the route of a handler no guard checks ({@code @AbuseGuardExempt}): {@code METHOD /template} as the
         * framework maps it, or {@code /template} for every method. It covers the requests whose route is that
         * template, not the paths of a more specific handler of the same shape ({@code /api/profiles/me} beside
         * {@code /api/profiles/{id}}).
         *
         * @throws IllegalArgumentException if the template is not valid
         */
        public Builder exemptHandlerRoute(String route) {
            exemptRoutes.add(RouteMarker.ofHandler(route));
            return this;
        }

        /** Adds the route of a handler whose denials are only reported, as {@link #exemptHandlerRoute} names it. */
        public Builder monitoredHandlerRoute(String route) {
            monitoredRoutes.add(RouteMarker.ofHandler(route));
            return this;
        }

        /**
         * Adds a route whose denials, by any guard, are only reported: a path pattern ({@link PathPattern}) for
         * every method, or {@code METHOD /pattern} for one.
         */
        public Builder monitoredRoute(String pattern) {
            monitoredRoutes.add(RouteMarker.parse(pattern));
            return this;
        }

        /** Adds a guard in {@link Mode#ENFORCE}; guards are asked in the order they are added. */
        public Builder guard(Guard guard) {
            return guard(guard, Mode.ENFORCE);
        }

        /**
         * Adds a guard in the given mode.
         *
         * @throws IllegalArgumentException if a guard of the same name was added already, the guard is named
         *     {@value CrossSiteRequests#NAME}, or the engine holds {@value #MAX_GUARDS} guards already
         */
        public Builder guard(Guard guard, Mode mode) {
            Objects.requireNonNull(guard, "guard");
            Objects.requireNonNull(mode, "mode");
            if (guard.name().equals(CrossSiteRequests.NAME)) {
                // the check before the guards reports and is switched live by that name
                throw new IllegalArgumentException(
                        "'" + CrossSiteRequests.NAME + "' is the cross-site check's name:" + " give the guard another");
            }
            if (!names.add(guard.name())) {
                throw new IllegalArgumentException("a guard named '" + guard.name() + "' was added already");
            }
            if (slots.size() == MAX_GUARDS) {
                throw new IllegalArgumentException("an engine holds at most " + MAX_GUARDS + " guards");
            }
            slots.add(new GuardSlot(guard, mode, null, false));
            return this;
        }

        /** Whether this very guard instance was added already. */
        public boolean holds(Guard guard) {
            for (GuardSlot slot : slots) {
                if (slot.guard() == guard) {
                    return true;
                }
            }
            return false;
        }

        /** The engine-wide mode; {@link Mode#MONITOR} turns every guard's denial into a report. Default {@link EngineSettings#DEFAULT_MODE}. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** What happens to a request when a guard throws. Default {@link EngineSettings#DEFAULT_FAILURE_POLICY}. */
        public Builder failurePolicy(FailurePolicy failurePolicy) {
            this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
            return this;
        }

        /**
         * The summed flag score at which the engine denies. Default {@value EngineSettings#DEFAULT_RISK_THRESHOLD}; 0
         * means flags never deny.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder riskThreshold(int riskThreshold) {
            if (riskThreshold < 0) {
                throw new IllegalArgumentException("riskThreshold must not be negative, was " + riskThreshold);
            }
            this.riskThreshold = riskThreshold;
            return this;
        }

        /** How a denial caused by the risk score is answered. Default {@link EngineSettings#DEFAULT_RISK_ACTION}. */
        public Builder riskAction(Action riskAction) {
            this.riskAction = Objects.requireNonNull(riskAction, "riskAction");
            return this;
        }

        /** Adds a listener; listeners are called in the order they are added. */
        public Builder listener(GuardListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds an observer of every answered request; observers hear outcomes in the order they are added,
         * after the guards.
         *
         * @throws IllegalArgumentException if this observer was added already
         */
        public Builder observer(OutcomeObserver observer) {
            Objects.requireNonNull(observer, "observer");
            for (OutcomeObserver added : observers) {
                if (added == observer) {
                    throw new IllegalArgumentException("observer '" + observer.name() + "' was added already");
                }
            }
            observers.add(observer);
            return this;
        }

        /** The clock. Default {@link TimeSource#system()}. */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        /**
         * The least time between two log lines about the same failing guard. Default
         * {@link EngineSettings#DEFAULT_FAILURE_LOG_INTERVAL}.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder failureLogInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException(
                        "failureLogInterval must not be negative, was " + Durations.written(interval));
            }
            this.failureLogInterval = interval;
            return this;
        }

        /**
         * A resource the engine closes last when it is {@linkplain AbuseGuard#close() closed}, such as the
         * state store its guards share.
         */
        public Builder closing(AutoCloseable resource) {
            resources.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /**
         * Builds the engine.
         *
         * @throws IllegalStateException if a guard that hears its rules' modes ({@link
         *     Guard#monitoredRules}) belongs to another engine that is not closed
         */
        public AbuseGuard build() {
            return new AbuseGuard(this);
        }
    }
}
