package io.github.abuseguard.sequence;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.abuseguard.Action;
import io.github.abuseguard.BodyField;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardDescription;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.internal.HttpMethods;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.store.TrailBlock;
import io.github.abuseguard.store.Trails;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request-sequence checks: precedence rules the owner writes and a Markov model the library learns.
 *
 * <p>Each session (by the configured key, such as the bearer token; the client key when a request has
 * none) has a trail of its last operations ({@code METHOD template}; a {@code HEAD} request is the
 * {@code GET} operation, whose handler answers it), their status and time, bounded
 * in length, kept in the state store so instances share it. A {@code requires} rule and the model see
 * only the current visit (the steps since the last idle gap); a {@code forbids} rule sees its whole window,
 * the trails being kept as long as the longest such window ({@link Builder#idleGap}). Before a
 * request, the rules for its operation look at the trail: a {@link PrecedenceRule.Kind#REQUIRES} rule
 * refuses it ({@code 403}) when the prerequisite is missing, too old, of the wrong status class or too
 * recent; a {@link PrecedenceRule.Kind#FORBIDS} rule refuses it after the forbidden operation. Then, when
 * a model scores, the session's recent path plus this operation is scored, and a score above the
 * learned threshold is flagged (or refused). After the response, the operation and its status join,
 * while learning, the model; they join the trail when a model is configured or a rule looks back for that
 * operation with that status class ({@code status: any} counts every status): other operations, and a
 * step no rule could count (a made-up session's 404 on a {@code 2xx} prior), cost no trail write, so a
 * flood of failing sessions cannot push real trails out of a bounded store. Paths become operations through the endpoint
 * inventory, which keeps the templates the rules name; the inventory counts requests on its own, as an
 * {@link io.github.abuseguard.OutcomeObserver} of the engine, whether or not this guard runs.
 *
 * <p>What is recorded when, so that parallel requests of one session cannot race past a rule:
 *
 * <ul>
 *   <li>An operation a {@link PrecedenceRule.Kind#FORBIDS} rule looks back for is <em>reserved</em>
 *       before the exchange: a pending entry ({@code status 0}) is appended in the same atomic store
 *       step ({@link Trails#appendUnless}) that checks the forbidding rules of the request itself. So of
 *       32 parallel requests under "at most once" ({@code X forbids X}) exactly one passes, and a
 *       forbidden successor sent while the prior step still runs is refused. After the response the
 *       entry is settled with its status ({@link Trails#settle}); a failed step then no longer
 *       forbids (when the rule names a status class). The status is the one the application's handler
 *       meant where the adapter can tell it ({@link GuardRequest#handlerStatusWanted()}, asked for by
 *       each reservation), and a {@code 406} never settles a reservation: a framework answers it, after
 *       the handler ran, to a client whose {@code Accept} names no type it can write, so the step stays
 *       pending and forbids for the rule's window. A {@code 5xx} does settle it as failed: a server
 *       error must not lock a user out of a once-only step. If the engine refuses the request after this
 *       guard passed it (flagged it, or answered a monitored rule's denial), {@link #cancel} withdraws
 *       the reservation. A monitored rule's denial, or a strange path's flag, never skips the other rules
 *       or the reservation.
 *   <li>A {@link PrecedenceRule.Kind#REQUIRES} rule needs a prior step that succeeded, so it only
 *       counts settled entries: a pending or failed step is never a prerequisite, and recording it
 *       after the outcome loses no race (a prerequisite sent in parallel simply is not there yet).
 *   <li>Entry times come from the injected monotonic clock ({@link TimeSource#nanoTime()}), anchored
 *       once to the wall clock, so a wall clock stepped back or forward cannot reopen or shorten a
 *       window.
 * </ul>
 *
 * <p>A {@link PrecedenceRule.Kind#REQUIRES} rule whose operation and prior share a path variable by name
 * ({@code {id}} in {@code POST /api/accounts/{id}/payment-methods} and {@code POST
 * /api/accounts/{id}/verify}) needs the prior done for the same value of each shared variable: a step
 * of the prior is recorded with a short digest of each such value, and verifying one account does not
 * let the session add a card to another. Values are compared as the decoded path carries them (no case
 * or encoding folding, which could make two resources of the application one); a path whose value
 * cannot be read is refused. Rules whose templates share no variable, and {@link
 * PrecedenceRule.Kind#FORBIDS} rules, match the template, whatever the values.
 */
public final class SequenceGuard implements Guard {

    /** The guard's name. */
    public static final String NAME = "sequence";

    private static final int WORST_KEPT = 20;

    /** The status of a reserved entry whose outcome is not known yet. */
    private static final int PENDING = 0;

    /** Not Acceptable: content negotiation, which never settles a reservation (see {@link #observe}). */
    private static final int NOT_ACCEPTABLE = 406;

    /** What separates an entry's operation from the digests of its variables' values. */
    private static final char BINDING = Trails.VALUES;

    /** The characters of one value's digest: 66 bits of SHA-256, base64url. */
    private static final int DIGEST_CHARS = 11;

    private final KeyResolver session;
    private static final Logger LOG = LoggerFactory.getLogger(SequenceGuard.class);

    private final Trails trails;
    /**
     * With a model: every answered request of a session, for the model alone. Kept apart from {@link #trails}, which
     * hold only the steps rules look back for, so that requests the model records never push a rule's step out
     * (probe47a F10: with the model on, 20 requests to made-up paths pushed a once-only step out of the shared
     * trail, and it passed again).
     */
    private final @Nullable Trails modelTrails;

    /**
     * The status a step the model refused is recorded with on the model's trail: none an application answers, so that
     * a step out of it is told apart from a step out of the application's own 403 (probe67b F1).
     */
    private static final int REFUSED = 999;

    /**
     * The status a step the model found strange but let through (a flag, or a monitored refusal) is recorded with on
     * the model's trail: the step into it is learned as before, the step out of it as out of a refused one (review112
     * F1: with the default flag answer, one address's flagged gift-card guesses, each followed by ordinary steps,
     * taught the way back from them at once, and 12 of its next 30 went unflagged).
     */
    private static final int LET_THROUGH = 998;

    /**
     * How many steps the model let through strange, by session and operation, have their answer still to be observed:
     * a count, as one session may send the same step twice at once (review114 F1: with one mark, the second copy of
     * a flagged guess was recorded with its status and taught the way back, 28 times from one address). Bounded; a
     * mark a refusal elsewhere left unobserved lasts 10 minutes idle, and marks the session's next such step at most.
     */
    private final @Nullable Cache<String, java.util.concurrent.atomic.AtomicInteger> letThrough;

    private final EndpointInventory inventory;
    private final List<PrecedenceRule> rules;
    private final MarkovModel model;
    private final boolean learning;
    private final boolean scoring;
    private final double quantile;
    private final int flagScore;
    private final boolean denyStrangePaths;
    private final int recent;
    private final TimeSource timeSource;
    private final ConcurrentSkipListSet<ScoredSession> worst = new ConcurrentSkipListSet<>(
            Comparator.comparingDouble(ScoredSession::score).reversed().thenComparing(ScoredSession::session));

    /**
     * The client sites (an IPv4 address, an IPv6 /48) whose refused step to an operation the model learned within
     * the last hour, at most {@value #REFUSALS_LEARNED_KEPT}: each teaches a refused operation once an hour, so a flow
     * is let through once many clients took it, not once one client retried it (review48 F3: one client's 201 retries
     * of a path the model refused taught it that path; review50 F3: so did one /48's 201 fresh /64s).
     */
    private final Cache<String, Boolean> refusalsLearned;

    private static final int REFUSALS_LEARNED_KEPT = 100_000;

    /**
     * The client sites whose refused step to an operation was counted within the day, at most {@value
     * #REFUSALS_LEARNED_KEPT}: each counts once a day towards {@link #refusedSites}.
     */
    private final Cache<String, Boolean> refusalsCounted;

    /**
     * How many client sites took each refused operation within a day of its first refusal, at most {@value
     * #REFUSED_OPERATIONS_KEPT} operations: a refused step is learned, its transition and its score, only from the
     * {@value #REFUSED_SITES_LEARNED}th. Over a day, not an hour (review55 F6: an ordinary flow ten users an hour take
     * was never learned, and every one of them was refused for good); a crowd of fifty sites teaches a step as it did.
     */
    private final Cache<String, java.util.concurrent.atomic.AtomicInteger> refusedSites;

    /** The sites that must take a refused operation within a day before it is learned: a crowd. */
    static final int REFUSED_SITES_LEARNED = 50;

    /** How long the sites that took a refused operation are counted; see {@link #refusedSites}. */
    private static final Duration REFUSED_SITES_COUNTED = Duration.ofDays(1);

    private static final int REFUSED_OPERATIONS_KEPT = 10_000;

    /**
     * The sessions whose steps this instance put on the model's trail, at most {@value #MODEL_SESSIONS_KEPT}, each
     * forgotten when idle as long as its trail: a step of one of them is recorded; a step of any other session is a new
     * session's, recorded within its client site's budget ({@link #newModelSessions}). About 110 bytes a session.
     */
    private final @Nullable Cache<String, Boolean> modelSessions;

    private static final int MODEL_SESSIONS_KEPT = 65_536;

    /** How long a session is remembered without a step: a session idle longer counts as new again. */
    private static final Duration MODEL_SESSION_IDLE = Duration.ofHours(1);

    /**
     * The new sessions each client site (an IPv4 address, an IPv6 /48) put on the model's trail in the last {@link
     * #NEW_MODEL_SESSIONS_WINDOW}, at most {@value #SITES_KEPT} sites: its sessions whose first step was answered, and
     * apart its sessions whose first step was refused (by the application, 4xx and 5xx, or by the model). Every step
     * of every session went on the shared store before, so one address making up a session per request wrote two keys
     * each, 39,978 for 20,000 requests, refused ones included (probe66c F1).
     */
    private final @Nullable Cache<String, SiteBudget> newModelSessions;

    private static final int SITES_KEPT = 100_000;

    /** New sessions whose first step was answered (1xx to 3xx) that a site puts on the model's trail per window. */
    static final int NEW_ANSWERED_SESSIONS = 1_000;

    /** New sessions whose first step was refused that a site puts on the model's trail per window. */
    static final int NEW_REFUSED_SESSIONS = 20;

    private static final Duration NEW_MODEL_SESSIONS_WINDOW = Duration.ofMinutes(10);

    /** New sessions past the budget whose trail a site keeps in this instance's memory per window. */
    static final int KEPT_SESSIONS_PER_SITE = 4_096;

    /**
     * The trails of the sessions past their site's budget, kept in this instance alone (at most {@value
     * #MODEL_SESSIONS_KEPT} sessions, each idle at most {@link #MODEL_SESSION_IDLE}): they are scored on their path as
     * the others are and teach nothing (review105 F1: scored on an empty trail, each step as a session's first, a
     * client that spent its address's budget walked the API unscored, and a crowd behind its address had every second
     * step refused). Full, a new session pushes out one of the site that holds the most (review107 F2).
     */
    private final @Nullable KeptTrails overflowTrails;

    /** What each client site taught the model within the hour: each teaches at most a share of it. */
    private final LearningShares learningShares;

    private final java.util.Set<String> priorOperations;
    /** Operations a FORBIDS rule looks back for: reserved in the trail before the exchange. */
    private final java.util.Set<String> reservedOperations;
    /**
     * The same operations and the rules' own, split into method and template, so a request that none of
     * them names is told apart without building its {@code METHOD template} string.
     */
    private final Operations guardedOperations;

    private final Operations priors;
    private final Operations reserved;
    /** The {@code HEAD} operations the rules name, as operation or prior; {@code null} when none does. */
    private final @Nullable Operations headOperations;
    /**
     * For each operation some rule looks back for, the status classes a rule counts a step of it with: bit
     * {@code c} for class {@code c}xx, bit 0 for a rule that counts any status. A step with another status
     * satisfies and forbids nothing, so it is not recorded (unless a model learns paths).
     */
    private final Map<String, Integer> countedClasses;
    /** The rules with what each shares with its prior, in order. */
    private final Bound[] bound;
    /**
     * For each prior a {@code requires} rule ties to the same resource: the variables whose values are
     * recorded with each of its steps ({@code operation#digests|status|millis}).
     */
    private final Map<String, Recorded> recorded;

    private final long clockOriginMillis;
    private final long clockOriginNanos;
    /**
     * The idle gap that ends a visit, in milliseconds, when the trails outlive it (a {@code forbids} window
     * longer than it keeps them); -1 when the trails' own expiry is the idle gap. A {@code requires} rule
     * and the model see only the steps of the current visit; a {@code forbids} rule sees its whole window.
     */
    private final long visitGapMillis;

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    });
    private volatile Predicate<String> monitored = rule -> false;
    private volatile double threshold = Double.POSITIVE_INFINITY;
    private volatile long thresholdComputedAt = Long.MIN_VALUE;

    private SequenceGuard(Builder builder) {
        this.session = builder.session;
        this.trails = Objects.requireNonNull(builder.trails, "trails");
        this.inventory = Objects.requireNonNull(builder.inventory, "inventory");
        this.rules = List.copyOf(builder.rules);
        this.model = builder.model;
        if (model != null && builder.modelTrails == null) {
            throw new IllegalStateException("a model needs modelTrails: its own trails, apart from the rules'");
        }
        this.modelTrails = model == null ? null : builder.modelTrails;
        this.learning = builder.learning;
        this.scoring = builder.scoring;
        this.quantile = builder.quantile;
        this.flagScore = builder.flagScore;
        this.denyStrangePaths = builder.denyStrangePaths;
        this.recent = builder.recent;
        this.timeSource = builder.timeSource;
        this.learningShares = new LearningShares(timeSource::nanoTime);
        this.letThrough = model == null
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(10_000)
                        .expireAfterAccess(Duration.ofMinutes(10))
                        .ticker(timeSource::nanoTime)
                        .<String, java.util.concurrent.atomic.AtomicInteger>build();
        this.refusedSites = Caffeine.newBuilder()
                .maximumSize(REFUSED_OPERATIONS_KEPT)
                .expireAfterWrite(REFUSED_SITES_COUNTED)
                .ticker(timeSource::nanoTime)
                .build();
        this.modelSessions = model == null
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(MODEL_SESSIONS_KEPT)
                        .expireAfterAccess(MODEL_SESSION_IDLE)
                        .ticker(timeSource::nanoTime)
                        .<String, Boolean>build();
        this.overflowTrails = model == null
                ? null
                : new KeptTrails(MODEL_SESSIONS_KEPT, recent + 1, MODEL_SESSION_IDLE, timeSource::nanoTime);
        this.newModelSessions = model == null
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(SITES_KEPT)
                        .expireAfterWrite(NEW_MODEL_SESSIONS_WINDOW)
                        .ticker(timeSource::nanoTime)
                        .<String, SiteBudget>build();
        this.refusalsCounted = Caffeine.newBuilder()
                .maximumSize(REFUSALS_LEARNED_KEPT)
                .expireAfterWrite(REFUSED_SITES_COUNTED)
                .ticker(timeSource::nanoTime)
                .build();
        this.refusalsLearned = Caffeine.newBuilder()
                .maximumSize(REFUSALS_LEARNED_KEPT)
                .expireAfterWrite(Duration.ofHours(1))
                .ticker(timeSource::nanoTime)
                .build();
        // The templates the rules name are routes in their own right: the inventory must never fold them
        // away, or a burst of junk paths could switch a rule off.
        for (PrecedenceRule rule : rules) {
            for (String operation : List.of(rule.operation(), rule.prior())) {
                inventory.keep(operation.substring(operation.indexOf(' ') + 1));
            }
        }
        this.priorOperations =
                rules.stream().map(PrecedenceRule::prior).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.reservedOperations = rules.stream()
                .filter(rule -> rule.kind() == PrecedenceRule.Kind.FORBIDS)
                .map(PrecedenceRule::prior)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.guardedOperations =
                new Operations(rules.stream().map(PrecedenceRule::operation).toList());
        this.priors = new Operations(priorOperations);
        List<String> heads = rules.stream()
                .flatMap(rule -> java.util.stream.Stream.of(rule.operation(), rule.prior()))
                .filter(operation -> operation.startsWith("HEAD "))
                .distinct()
                .toList();
        this.headOperations = heads.isEmpty() ? null : new Operations(heads);
        Map<String, Integer> classes = new java.util.HashMap<>();
        for (PrecedenceRule rule : rules) {
            classes.merge(rule.prior(), 1 << rule.statusClass(), (a, b) -> a | b);
        }
        this.countedClasses = Map.copyOf(classes);
        this.reserved = new Operations(reservedOperations);
        this.bound = new Bound[rules.size()];
        Map<String, java.util.SortedSet<String>> recordedNames = new LinkedHashMap<>();
        for (int i = 0; i < bound.length; i++) {
            PrecedenceRule rule = rules.get(i);
            TemplateVariables variables = TemplateVariables.of(templateOf(rule.operation()));
            TemplateVariables priorVariables = TemplateVariables.of(templateOf(rule.prior()));
            List<String> shared =
                    rule.kind() == PrecedenceRule.Kind.REQUIRES ? variables.sharedWith(priorVariables) : List.of();
            if (rule.kind() == PrecedenceRule.Kind.REQUIRES
                    && shared.isEmpty()
                    && variables.hasVariables()
                    && priorVariables.hasVariables()) {
                // probe47a F8: {accountId} and {id} are bound by name, so such a rule lets a step done for one
                // resource count for any; it may be meant, so it is said, not refused
                LOG.warn(
                        "Sequence rule '{}': {} and {} share no path variable by name, so the prior done for any"
                                + " resource counts; name the variables alike to require it for the same one",
                        rule.name(),
                        rule.operation(),
                        rule.prior());
            }
            bound[i] = new Bound(rule, List.copyOf(shared), variables);
            if (!shared.isEmpty()) {
                recordedNames
                        .computeIfAbsent(rule.prior(), prior -> new java.util.TreeSet<>())
                        .addAll(shared);
            }
        }
        Map<String, Recorded> recordedVariables = new java.util.HashMap<>();
        recordedNames.forEach((prior, names) -> recordedVariables.put(
                prior, new Recorded(TemplateVariables.of(templateOf(prior)), List.copyOf(names))));
        this.recorded = Map.copyOf(recordedVariables);
        this.clockOriginMillis = timeSource.instant().toEpochMilli();
        this.clockOriginNanos = timeSource.nanoTime();
        Duration longestForbids = longestForbidsWindow(rules);
        this.visitGapMillis = builder.idleGap != null && longestForbids.compareTo(builder.idleGap) > 0
                ? builder.idleGap.toMillis()
                : -1;
    }

    /** The longest window of the {@code forbids} rules, zero without any: how long trails must keep a step. */
    static Duration longestForbidsWindow(java.util.Collection<PrecedenceRule> rules) {
        Duration longest = Duration.ZERO;
        for (PrecedenceRule rule : rules) {
            if (rule.kind() == PrecedenceRule.Kind.FORBIDS && rule.window().compareTo(longest) > 0) {
                longest = rule.window();
            }
        }
        return longest;
    }

    /**
     * The steps of the session's current visit: those no idle gap (no step for {@link
     * Builder#idleGap}) separates from now. The whole trail when the trails expire after the idle gap
     * themselves; otherwise what the trail held before such a gap is what an expired trail would have
     * lost, and only a {@code forbids} rule still looks at it.
     */
    private List<String> visit(List<String> trail, long now) {
        if (visitGapMillis < 0 || trail.isEmpty()) {
            return trail;
        }
        long[] times = new long[trail.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = timeOf(trail.get(i));
        }
        long[] sorted = times.clone();
        java.util.Arrays.sort(sorted);
        long later = now;
        long start = Long.MAX_VALUE;
        for (int i = sorted.length - 1; i >= 0; i--) {
            if (later - sorted[i] >= visitGapMillis) {
                break;
            }
            start = Math.min(start, sorted[i]);
            later = Math.min(later, sorted[i]);
        }
        if (start <= sorted[0]) {
            return trail;
        }
        List<String> visit = new ArrayList<>(trail.size());
        for (int i = 0; i < times.length; i++) {
            if (times[i] >= start) {
                visit.add(trail.get(i));
            }
        }
        return visit;
    }

    /** A few {@code METHOD template} operations, matched against a request's method and template in place. */
    private static final class Operations {
        private final String[] methods;
        private final String[] templates;

        Operations(java.util.Collection<String> operations) {
            methods = new String[operations.size()];
            templates = new String[operations.size()];
            int i = 0;
            for (String operation : operations) {
                int space = operation.indexOf(' ');
                methods[i] = operation.substring(0, space);
                templates[i] = operation.substring(space + 1);
                i++;
            }
        }

        /** Whether {@code method + " " + template} is one of the operations. */
        boolean contains(String method, String template) {
            for (int i = 0; i < methods.length; i++) {
                if (templates[i].equals(template) && methods[i].equals(method)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A rule and the path variables its operation shares with its prior ({@code requires} rules only):
     * with any, the prior counts only when it was done for the same value of each.
     */
    private record Bound(PrecedenceRule rule, List<String> shared, TemplateVariables variables) {}

    /** The variables recorded with each step of a prior, and where its template holds them. */
    private record Recorded(TemplateVariables template, List<String> names) {}

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    public List<PrecedenceRule> rules() {
        return rules;
    }

    public EndpointInventory inventory() {
        return inventory;
    }

    /** The model, or {@code null} when none is configured. */
    public @Nullable MarkovModel model() {
        return model;
    }

    /** The sessions with the highest scores recently, highest first. */
    public List<ScoredSession> worstSessions() {
        return List.copyOf(worst);
    }

    @Override
    public Decision check(GuardRequest request) {
        String template = template(request);
        String method = method(request, template);
        boolean score = scoring && model != null;
        boolean reserve = reserved.contains(method, template);
        if (!score && !reserve && !guardedOperations.contains(method, template)) {
            return Decision.allow(); // no rule guards the operation: its string is never built
        }
        String operation = operation(method, template);
        List<Bound> applicable = null;
        for (Bound candidate : bound) {
            if (candidate.rule.operation().equals(operation)) {
                if (applicable == null) {
                    applicable = new ArrayList<>(2);
                }
                applicable.add(candidate);
            }
        }
        if (applicable == null && !score && !reserve) {
            return Decision.allow();
        }
        // A monitored rule's denial is kept and the other rules still run, so it never lets a request skip
        // an enforced rule or its reservation; the first enforced refusal is answered before anything is
        // reserved, so a refused request holds nothing.
        Decision reported = null;
        BodyField.Unreadable ambiguous = session == null ? null : session.unreadable(request);
        if (ambiguous != null) {
            // Two Authorization headers: the trail of either could be judged while the application uses
            // the other, so neither is.
            Decision refusal = BodyField.unreadable(ambiguous).refusal(NAME, "session");
            if (!monitored.test(refusal.rule())) {
                return refusal;
            }
            reported = refusal;
        }
        String sessionKey = sessionKey(request);
        long now = nowMillis();
        List<PrecedenceRule> forbidding = null;
        if (reserve && applicable != null) {
            for (Bound candidate : applicable) {
                if (checkedByReservation(candidate.rule, true)) {
                    forbidding = forbidding == null ? new ArrayList<>(2) : forbidding;
                    forbidding.add(candidate.rule);
                }
            }
        }
        Decision flag = null;
        if (applicable != null && needsTrail(applicable, reserve)) {
            // An enforced forbids rule read here must not pass on a trail the shared store did not answer.
            List<String> trail =
                    forbidsRead(applicable, reserve) ? trails.getConfirmed(sessionKey) : trails.get(sessionKey);
            List<String> visit = visit(trail, now);
            for (Bound rule : applicable) {
                if (checkedByReservation(rule.rule, reserve)) {
                    continue;
                }
                Decision refusal =
                        apply(rule, request, rule.rule.kind() == PrecedenceRule.Kind.FORBIDS ? trail : visit, now);
                if (refusal != null) {
                    if (!monitored.test(refusal.rule())) {
                        return refusal;
                    }
                    reported = reported == null ? refusal : reported;
                }
            }
        }
        if (score) {
            List<String> modelTrail = modelTrail(sessionKey);
            Decision strange = score(
                    sessionKey, visit(modelTrail, now), operation, modelTrail.isEmpty() && spentBothBudgets(request));
            if (strange != null) {
                if (strange.isFlag() || monitored.test(strange.rule())) {
                    letThrough(sessionKey, request, operation);
                }
                if (strange.isFlag()) {
                    flag = strange; // a strange path adds risk; it does not excuse it from the rules
                } else if (!monitored.test(strange.rule())) {
                    if (learning && !recordsOnModelTrail(sessionKey, request, false)) {
                        keep(sessionKey, request, operation + "|" + REFUSED + "|" + now, false);
                    } else if (learning) {
                        // A refused step is learned as if answered (a monitored one is, when it is answered): a model
                        // that learns only what it let through never learns an ordinary flow it once refused
                        // (probe47a F5). Once an hour per client site (an IPv4 address, an IPv6 /48): its retries teach
                        // nothing more (review48 F3), nor do its many /64s (review50 F3).
                        List<String> path = modelTrails.append(sessionKey, operation + "|" + REFUSED + "|" + now);
                        String siteOperation = IpAddresses.site(request.client().key()) + ' ' + operation;
                        // Learned, its transition and its score, only once a crowd of sites took the refused
                        // operation within a day: then it raises the threshold to the flow. A few addresses'
                        // made-up steps, each learned once, held more than the quantile's tail and raised the
                        // threshold tenfold (review52 F3: 12 addresses × 167 steps), and their transitions, 200
                        // an hour each, made every ordinary step less likely (review53 F2: ten addresses got
                        // 5,907 of 14,000 honest steps refused).
                        int sites = countCrowd(siteOperation, operation);
                        if (sites >= REFUSED_SITES_LEARNED
                                && refusalsLearned.asMap().putIfAbsent(siteOperation, Boolean.TRUE) == null) {
                            learn(operation, path, now, request);
                        }
                    }
                    return strange;
                } else {
                    reported = reported == null ? strange : reported;
                }
            }
        }
        if (reserve) {
            List<TrailBlock> blocks = new ArrayList<>(forbidding == null ? 0 : forbidding.size());
            if (forbidding != null) {
                for (PrecedenceRule rule : forbidding) {
                    blocks.add(new TrailBlock(
                            rule.prior(),
                            rule.statusClass(),
                            now - rule.window().toMillis()));
                }
            }
            String reservation = trails.reservation(operation, now);
            // named before the store answers: a reservation whose call failed open is settled by its own entry too,
            // never another request's (review134 F6)
            request.reservedStep(reservation);
            int blocked = trails.appendUnless(sessionKey, reservation, blocks);
            if (blocked >= 0) {
                return forbidden(forbidding.get(blocked));
            }
            if (blocked == Trails.TOO_MANY_PENDING) {
                return tooManyPending(inFlightRule(operation, forbidding));
            }
            // The reservation is settled by the outcome: the status the handler meant, where the adapter can
            // tell it from one a framework wrote after the handler ran (a 406 for the client's Accept).
            request.handlerStatusWanted(true);
        }
        if (flag != null) {
            return flag; // it counts towards the risk score; a monitored denial only reports
        }
        return reported == null ? Decision.allow() : reported;
    }

    /**
     * Whether the rule is checked by the reservation of a reserved operation, in the same atomic store
     * step: its enforced forbidding rules. A monitored one reads the trail before, as other rules do, so
     * that its would-be denial never keeps the request from reserving its step.
     */
    private boolean checkedByReservation(PrecedenceRule rule, boolean reserve) {
        return reserve && rule.kind() == PrecedenceRule.Kind.FORBIDS && !monitored.test(rule.name());
    }

    /**
     * Whether a rule must read the trail before the request's own step: an enforced forbidding rule of a
     * reserved operation is checked by that step itself, so an operation with only those costs one store
     * step.
     */
    private boolean needsTrail(@Nullable List<Bound> applicable, boolean reserve) {
        if (applicable == null) {
            return false;
        }
        for (Bound rule : applicable) {
            if (!checkedByReservation(rule.rule, reserve)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an enforced {@code forbids} rule of the request reads the trail before its step (one not checked by
     * the reservation): the trail must then be the shared store's, as an empty one would pass it.
     */
    private boolean forbidsRead(@Nullable List<Bound> applicable, boolean reserve) {
        if (applicable == null) {
            return false;
        }
        for (Bound rule : applicable) {
            if (rule.rule.kind() == PrecedenceRule.Kind.FORBIDS
                    && !checkedByReservation(rule.rule, reserve)
                    && !monitored.test(rule.rule.name())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param pathless a step of a session with no trail whose site spent both its budgets of new sessions: flagged,
     *     never refused, as it may be a crowd's ordinary step whose trail could not be kept (review107 F1)
     */
    private Decision score(String sessionKey, List<String> trail, String operation, boolean pathless) {
        List<String> path = recentPath(trail);
        path.add(operation);
        double value = model.score(path);
        double limit = currentThreshold();
        if (value <= limit) {
            return null;
        }
        remember(sessionKey, value);
        if (denyStrangePaths && !pathless) {
            return Decision.deny(Action.REJECT)
                    .guard(NAME)
                    .reason("unusual-sequence")
                    .status(403)
                    .detail("This sequence of requests is not accepted.")
                    .build();
        }
        return Decision.flag(NAME, "unusual-sequence", flagScore);
    }

    /**
     * Withdraws the reservation of a request the engine refused after this guard let it pass, flagged it
     * or answered it with a monitored denial: each of those made its reservation, and a refusal of this
     * guard's own made none (the engine does not cancel it).
     */
    @Override
    public void cancel(GuardRequest request) {
        String operation = operation(request);
        if (reservedOperations.contains(operation)) {
            settle(request, sessionKey(request), operation, null);
        }
    }

    /** Settles the request's reserved step: the entry it reserved, where the request kept it. */
    private void settle(GuardRequest request, String sessionKey, String operation, @Nullable String outcome) {
        trails.settle(sessionKey, operation, request.reservedStep(), outcome);
    }

    /** A reservation is withdrawn only by the request that made it, also after a monitored denial. */
    @Override
    public boolean cancelsOnlyWhatItCharged() {
        return true;
    }

    @Override
    public void monitoredRules(Predicate<String> monitored) {
        this.monitored = Objects.requireNonNull(monitored, "monitored");
    }

    /**
     * A step some rule looks back for (a {@code requires} rule's prior, a once-only step) is recorded as its status is
     * final, before the answer is committed: a client sending its next step the instant it receives this answer finds
     * it in its trail (probe71c F3: a card added at once after the verify's answer was refused).
     */
    @Override
    public boolean observesBeforeCommit(GuardRequest request) {
        String template = template(request);
        String method = method(request, template);
        return priors.contains(method, template) || reserved.contains(method, template);
    }

    @Override
    public void observe(GuardRequest request, int status) {
        String template = template(request);
        String method = method(request, template);
        boolean ruleStep = priors.contains(method, template) || reserved.contains(method, template);
        if (model == null && !ruleStep) {
            return; // only the operations rules look back for need a trail, unless a model learns paths
        }
        String operation = operation(method, template);
        String sessionKey = sessionKey(request);
        long now = nowMillis();
        if (model != null) {
            int recorded = letThrough.estimatedSize() > 0 && takeMark(sessionKey + ' ' + operation)
                    ? LET_THROUGH
                    : status; // no key made while nothing was let through
            if (recordsOnModelTrail(sessionKey, request, status < 400)) {
                // every answered step, on the model's own trail: none of them pushes a rule's step out
                List<String> path = modelTrails.append(sessionKey, operation + "|" + recorded + "|" + now);
                if (learning) {
                    learn(operation, path, now, request);
                }
            } else {
                keep(sessionKey, request, operation + "|" + recorded + "|" + now, status < 400);
            }
        }
        if (!ruleStep) {
            return;
        }
        if (status == NOT_ACCEPTABLE && reservedOperations.contains(operation)) {
            // 406 is content negotiation, not the application refusing the step: a framework answers it
            // after the handler ran when it cannot write the answer in a type the client's Accept names
            // (Spring MVC's @ResponseBody), so a client could repeat a once-only step at will by asking for
            // a type nobody writes. The reservation stays pending: it forbids for the rules' windows and
            // is never a prerequisite. (An adapter that knows the handler's own status reports that instead.)
            return;
        }
        if (!counted(operation, status)) {
            // No rule counts a step with this status (a made-up session's 404 on the verify step): recording
            // it would only let a flood of such sessions push real trails out of the store. A reservation
            // is withdrawn, as a failed step under a rule naming a status class no longer forbids.
            if (reservedOperations.contains(operation)) {
                settle(request, sessionKey, operation, null);
            }
            return;
        }
        if (request.unhandled(status)) {
            // the framework answered without running the step's handler (a body it could not bind, answered 200 by
            // the application's error handler): no step was taken, and a reservation is withdrawn (probe71c F4: 5
            // of 5 cards passed after a verify whose handler never ran)
            if (reservedOperations.contains(operation)) {
                settle(request, sessionKey, operation, null);
            }
            return;
        }
        String outcome = recorded(request, operation) + "|" + status + "|" + now;
        String given = session == KeyResolver.session() ? request.sessionIdGiven() : null;
        if (reservedOperations.contains(operation)) {
            settle(request, sessionKey, operation, outcome);
        } else if (given == null || !sessionKey.startsWith(CLIENT_TRAIL)) {
            trails.append(sessionKey, outcome);
        }
        if (given != null) {
            // A log-in or sign-up that created the session (or changed its id) is a step of that session too: the
            // client's next request presents it (probe47a F3: "card requires login" refused every user right
            // after logging in, the step being recorded under the address only). A prior of a request that came
            // without a session and leaves with one (a remember-me sign-in) is that session's alone, not the
            // address's every other user there shares (probe71c F1: another user's verify let 18 of 20 cards in).
            trails.append(sessionKeyOf(KeyResolver.bounded(given)), outcome);
        }
    }

    /**
     * The session's trail the model scores: the shared one, or for a session past its site's budget ({@link
     * #recordsOnModelTrail}) the one this instance keeps of it.
     */
    private List<String> modelTrail(String sessionKey) {
        List<String> shared = modelTrails.get(sessionKey);
        List<String> kept = overflowTrails.get(sessionKey);
        if (kept.isEmpty()) {
            return shared;
        }
        if (shared.isEmpty()) {
            return kept;
        }
        // Both: a session another instance recorded, stepping here past its site's budget (review106 F1: scored on
        // the shared trail alone, which no step here changed, it walked unscored), in the order the steps were taken
        List<String> merged = new ArrayList<>(shared.size() + kept.size());
        int i = 0;
        int j = 0;
        while (i < shared.size() || j < kept.size()) {
            boolean fromShared =
                    j >= kept.size() || (i < shared.size() && timeOf(shared.get(i)) <= timeOf(kept.get(j)));
            merged.add(fromShared ? shared.get(i++) : kept.get(j++));
        }
        return merged;
    }

    /**
     * Whether a step of the session goes on the model's trail: always for a session this instance recorded, and for a
     * new one within its client site's budget ({@link #newModelSessions}), which {@code answered} tells apart.
     */
    private boolean recordsOnModelTrail(String sessionKey, GuardRequest request, boolean answered) {
        if (modelSessions.getIfPresent(sessionKey) != null) {
            return true;
        }
        if (!siteBudget(IpAddresses.site(request.client().key())).takeShared(answered)) {
            return false;
        }
        modelSessions.put(sessionKey, Boolean.TRUE);
        return true;
    }

    private SiteBudget siteBudget(String site) {
        return newModelSessions.get(site, newSite -> new SiteBudget());
    }

    /**
     * Whether the request's site spent both its budgets in this window, of new answered sessions on the model's trail
     * and of new sessions kept here: only then may a session of it have no trail for want of room (review108 F1: with
     * the first budget alone, 1,000 made-up sessions made every strange first step, or steps sent together, a flag).
     */
    private boolean spentBothBudgets(GuardRequest request) {
        SiteBudget budget =
                newModelSessions.getIfPresent(IpAddresses.site(request.client().key()));
        return budget != null && budget.spentBoth();
    }

    /**
     * Keeps a step of a session past its site's budget on this instance's own trail, at most {@value
     * #KEPT_SESSIONS_PER_SITE} new sessions a site per window, and only sessions whose first step here was answered:
     * one site's flood of made-up sessions cannot push the kept trails of every other site's out (review106 F2: 70,000
     * sessions of one address did, and a crowd behind another had every second step refused; review109 F1: three
     * addresses' made-up sessions answered 401, kept for an hour, did), nor can several sites' (review107 F2: a full
     * store pushes out a session of the site that holds the most).
     */
    private void keep(String sessionKey, GuardRequest request, String entry, boolean answered) {
        String site = IpAddresses.site(request.client().key());
        // a made-up session's 401 is kept nowhere (review109 F1); the place is taken under the trails' lock, so two
        // steps of one new session sent together take one (review110 F2)
        overflowTrails.append(
                site, sessionKey, entry, () -> answered && siteBudget(site).takeKept());
    }

    /** The new sessions a client site put on the model's trail and kept here in the current window. */
    private static final class SiteBudget {
        private int answered;
        private int refused;
        private int kept;

        /** Takes a place on the shared trail for a new session whose first step was answered or refused. */
        synchronized boolean takeShared(boolean answeredFirst) {
            if (answeredFirst ? answered >= NEW_ANSWERED_SESSIONS : refused >= NEW_REFUSED_SESSIONS) {
                return false;
            }
            if (answeredFirst) {
                answered++;
            } else {
                refused++;
            }
            return true;
        }

        /** Takes a place among the sessions kept in this instance's memory. */
        synchronized boolean takeKept() {
            if (kept >= KEPT_SESSIONS_PER_SITE) {
                return false;
            }
            kept++;
            return true;
        }

        synchronized boolean spentBoth() {
            return answered >= NEW_ANSWERED_SESSIONS && kept >= KEPT_SESSIONS_PER_SITE;
        }
    }

    /**
     * Lets the model learn the step to {@code operation}, the last entry of the session's trail, and keeps one path's
     * score in eight in the threshold's sample.
     */
    private void learn(String operation, List<String> trail, long now, GuardRequest request) {
        String site = IpAddresses.site(request.client().key());
        if (!learningShares.teach(site)) {
            return; // the site taught its share of the hour: its flood of cheap sessions cannot reshape the counts
        }
        trail = visit(trail, now); // a step before an idle gap starts no transition
        String before = trail.size() >= 2 ? trail.get(trail.size() - 2) : null;
        String previous = before == null ? MarkovModel.START : operationOf(before);
        if (before != null && strange(statusOf(before)) && !crowdTook(previous)) {
            // A step out of one the model refused teaches nothing until a crowd of sites took that one (probe67b F1:
            // three addresses' refused gift-card guesses, each followed by ordinary steps, taught the way back from
            // them, and a fourth's guesses padded with five ordinary steps were answered 30 of 30)
            return;
        }
        model.learn(previous, operation);
        // One path in eight is enough to know the distribution the threshold is taken from, chosen by a mix of the
        // steps' count, as no pattern of traffic lines up with (every eighth step sampled one step of two-step
        // sessions only); each client site holds a bounded share of it, so that one client's flood of cheap
        // sessions cannot move the threshold.
        if ((mixed(observed.incrementAndGet()) & 7) == 0) {
            model.sample(model.score(recentPath(trail)), site);
        }
    }

    /** Whether a step recorded with the status was one the model found strange, refused or let through. */
    private static boolean strange(int recordedStatus) {
        return recordedStatus == REFUSED || recordedStatus == LET_THROUGH;
    }

    /**
     * Notes a step the model found strange and let through, for {@link #observe} to record it so, and counts its site
     * among those that took the operation strange.
     */
    private void letThrough(String sessionKey, GuardRequest request, String operation) {
        if (learning) {
            letThrough
                    .asMap()
                    .computeIfAbsent(
                            sessionKey + ' ' + operation, key -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet();
            countCrowd(IpAddresses.site(request.client().key()) + ' ' + operation, operation);
        }
    }

    /** Takes one of the marks {@link #letThrough} left on the session's operation: whether there was one. */
    private boolean takeMark(String sessionOperation) {
        var marks = letThrough.getIfPresent(sessionOperation);
        return marks != null && marks.getAndUpdate(left -> Math.max(0, left - 1)) > 0;
    }

    /** Counts the site of {@code siteOperation} once a day among the sites that took the strange operation: how many. */
    private int countCrowd(String siteOperation, String operation) {
        var crowd = refusedSites.get(operation, key -> new java.util.concurrent.atomic.AtomicInteger());
        return refusalsCounted.asMap().putIfAbsent(siteOperation, Boolean.TRUE) == null
                ? crowd.incrementAndGet()
                : crowd.get();
    }

    /** Whether a crowd of client sites took the operation the model refused: then it is learned as any other. */
    private boolean crowdTook(String operation) {
        var crowd = refusedSites.getIfPresent(operation);
        return crowd != null && crowd.get() >= REFUSED_SITES_LEARNED;
    }

    /** SplitMix64's finaliser: every bit of the result depends on every bit of {@code value}. */
    private static long mixed(long value) {
        long z = (value ^ (value >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The steps learned with a sample drawn; see {@link #mixed}. */
    private final java.util.concurrent.atomic.AtomicLong observed = new java.util.concurrent.atomic.AtomicLong();

    /** Whether some rule counts a step of the operation answered with the status: any status, or its class. */
    private boolean counted(String operation, int status) {
        Integer classes = countedClasses.get(operation);
        if (classes == null) {
            return false;
        }
        int statusClass = status / 100;
        return (classes & 1) != 0 || (statusClass > 0 && statusClass <= 5 && (classes & 1 << statusClass) != 0);
    }

    private Decision apply(Bound bound, GuardRequest request, List<String> trail, long now) {
        PrecedenceRule rule = bound.rule;
        String[] needed = null;
        if (!bound.shared.isEmpty()) {
            String[] values = bound.variables.values(request.path(), bound.shared);
            if (values == null) {
                // the resource cannot be told from the path: no step can have been done for it
                return missing(bound, null);
            }
            needed = digests(bound.shared, values);
        }
        boolean found = false;
        boolean tooSoon = false;
        long soonestAt = Long.MAX_VALUE; // when the latest too-soon step becomes a prerequisite
        for (int i = trail.size() - 1; i >= 0; i--) {
            String entry = trail.get(i);
            if (!isStepOf(entry, rule.prior(), needed)) {
                continue;
            }
            long at = timeOf(entry);
            if (now - at > rule.window().toMillis()) {
                continue; // settled entries keep their reservation's place, so older ones may follow
            }
            int status = statusOf(entry);
            if (status == PENDING) {
                if (rule.kind() == PrecedenceRule.Kind.REQUIRES) {
                    continue; // not a prerequisite until it has succeeded
                }
                found = true; // it may still succeed: a forbidding rule refuses meanwhile
                break;
            }
            if (rule.statusClass() != 0 && status / 100 != rule.statusClass()) {
                continue;
            }
            if (now - at < rule.minimumDelay().toMillis()) {
                tooSoon = true;
                soonestAt = Math.min(soonestAt, at + rule.minimumDelay().toMillis());
                continue;
            }
            found = true;
            break;
        }
        if (rule.kind() == PrecedenceRule.Kind.REQUIRES && !found) {
            return missing(bound, tooSoon ? Duration.ofMillis(Math.max(1, soonestAt - now)) : null);
        }
        if (rule.kind() == PrecedenceRule.Kind.FORBIDS && (found || tooSoon)) {
            return forbidden(rule);
        }
        return null;
    }

    /**
     * The refusal of a missing prerequisite; {@code wait}, for one done too soon: how long until it counts, sent as
     * {@code Retry-After} (probe47a F9: none was, and a window under a minute read "within 0 minutes").
     */
    private static Decision missing(Bound bound, @Nullable Duration wait) {
        boolean tooSoon = wait != null;
        PrecedenceRule rule = bound.rule;
        String status = rule.statusClass() == 0 ? "" : " answered " + rule.statusClass() + "xx";
        String resource = bound.shared.isEmpty()
                ? ""
                : " for the same "
                        + bound.shared.stream()
                                .map(name -> "{" + name + "}")
                                .collect(java.util.stream.Collectors.joining(" and "));
        Decision.Builder refusal = Decision.deny(Action.REJECT)
                .guard(NAME)
                .rule(rule.name())
                .reason(tooSoon ? "too-soon" : "missing-prerequisite")
                .status(403)
                .detail((tooSoon ? "Too soon after " : "This request needs ") + rule.prior() + status + resource
                        + " earlier in the same session, within " + spoken(rule.window()) + ".");
        if (wait != null) {
            refusal.retryAfter(wait);
        }
        return refusal.build();
    }

    /** A window as a person reads it: {@code 45 seconds}, {@code 30 minutes}, {@code 2 hours}, {@code 90 seconds}. */
    static String spoken(Duration window) {
        long seconds = Math.max(1, (window.toMillis() + 999) / 1000);
        if (seconds % 3600 == 0) {
            return plural(seconds / 3600, "hour");
        }
        if (seconds % 60 == 0) {
            return plural(seconds / 60, "minute");
        }
        return plural(seconds, "second");
    }

    private static String plural(long count, String unit) {
        return count + " " + unit + (count == 1 ? "" : "s");
    }

    /**
     * Whether a trail entry is a step of {@code prior}: {@code prior|status|millis}, or with the values of
     * its variables {@code prior#digests|status|millis}; when {@code needed} is given, only a step whose
     * digests include every one of them.
     */
    static boolean isStepOf(String entry, String prior, String @Nullable [] needed) {
        int second = entry.lastIndexOf('|');
        int first = second < 1 ? -1 : entry.lastIndexOf('|', second - 1);
        int length = prior.length();
        if (first < length || !entry.startsWith(prior)) {
            return false;
        }
        if (first == length) {
            return needed == null; // a step recorded without values tells no resource
        }
        if (entry.charAt(length) != BINDING) {
            return false;
        }
        if (needed == null) {
            return true;
        }
        int from = length + 1;
        if ((first - from) % DIGEST_CHARS != 0) {
            return false;
        }
        for (String digest : needed) {
            boolean has = false;
            for (int at = from; at < first && !has; at += DIGEST_CHARS) {
                has = entry.startsWith(digest, at);
            }
            if (!has) {
                return false;
            }
        }
        return true;
    }

    /** The operation as a step records it: with the digests of its recorded variables' values, if any. */
    private String recorded(GuardRequest request, String operation) {
        Recorded variables = recorded.isEmpty() ? null : recorded.get(operation);
        if (variables == null) {
            return operation;
        }
        String[] values = variables.template.values(request.path(), variables.names);
        if (values == null) {
            return operation; // no resource to tell: a step no rule that binds it will count
        }
        StringBuilder entry = new StringBuilder(operation.length() + 1 + DIGEST_CHARS * values.length);
        entry.append(operation).append(BINDING);
        for (String digest : digests(variables.names, values)) {
            entry.append(digest);
        }
        return entry.toString();
    }

    /**
     * Each variable's value as a short digest of its name and value: a fixed size whatever the client
     * puts in the path, and no identifier kept in the store as it was sent.
     */
    private static String[] digests(List<String> names, String[] values) {
        String[] digests = new String[values.length];
        MessageDigest sha = SHA_256.get();
        for (int i = 0; i < values.length; i++) {
            String name = names.get(i);
            sha.update((name.length() + ":" + name).getBytes(StandardCharsets.UTF_8));
            byte[] digest = sha.digest(values[i].getBytes(StandardCharsets.UTF_8));
            digests[i] = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(digest)
                    .substring(0, DIGEST_CHARS);
        }
        return digests;
    }

    /**
     * The refusal of a step whose session has a trail's length of steps in flight already, none of them answered
     * yet: a reservation must not push a step out of the trail, and an ordinary session never has that many at once
     * (probe73a F1, stop 69).
     */
    private static Decision tooManyPending(@Nullable PrecedenceRule rule) {
        return Decision.deny(Action.THROTTLE)
                .guard(NAME)
                .rule(rule == null ? null : rule.name())
                .reason("too-many-steps-in-flight")
                .status(429)
                .retryAfter(Duration.ofSeconds(1))
                .detail("Too many of this session's requests are still being answered; try again once they are.")
                .build();
    }

    /**
     * The rule a refusal of too many steps in flight is told as, whose mode it follows (review129 F3: it named none,
     * and refused while every rule was monitored): an enforced rule forbidding the request, else a rule looking back
     * for its operation, an enforced one first.
     */
    private @Nullable PrecedenceRule inFlightRule(String operation, @Nullable List<PrecedenceRule> forbidding) {
        if (forbidding != null && !forbidding.isEmpty()) {
            return forbidding.get(0);
        }
        PrecedenceRule found = null;
        for (PrecedenceRule rule : rules) {
            if (rule.kind() == PrecedenceRule.Kind.FORBIDS && rule.prior().equals(operation)) {
                if (!monitored.test(rule.name())) {
                    return rule;
                }
                found = found == null ? rule : found;
            }
        }
        return found;
    }

    private static Decision forbidden(PrecedenceRule rule) {
        return Decision.deny(Action.REJECT)
                .guard(NAME)
                .rule(rule.name())
                .reason("forbidden-sequence")
                .status(403)
                .detail("This request may not follow " + rule.prior() + ".")
                .build();
    }

    /**
     * Milliseconds on the injected monotonic clock, anchored once to the wall clock so that instances
     * sharing trails agree roughly: a wall clock stepped back (or forward) later cannot reopen or close
     * a window early.
     */
    private long nowMillis() {
        return clockOriginMillis + (timeSource.nanoTime() - clockOriginNanos) / 1_000_000;
    }

    private String operation(GuardRequest request) {
        String template = template(request);
        return operation(method(request, template), template);
    }

    /**
     * The method of the request's operation: a {@code HEAD} request is the {@code GET} operation of its
     * route, as a servlet container and Spring MVC answer it with the GET handler, which runs in full (only
     * the body is dropped), and as every other guard's rules match it ({@code RequestMatcher}). Else a
     * once-only GET would run again on every HEAD, and a GET that requires a prior would run without it.
     * Only where a rule names {@code HEAD} for the route itself does a HEAD request stay HEAD.
     */
    private String method(GuardRequest request, String template) {
        // a made-up method token is OTHER: as sent, 8 KB of it would be kept in every entry of a trail
        String method = HttpMethods.recorded(request.method());
        if (!"HEAD".equals(method) || (headOperations != null && headOperations.contains(method, template))) {
            return method;
        }
        return "GET";
    }

    /**
     * {@code METHOD template}, a {@code #} in it (a decoded {@code %23}) written {@code %23} again: in a
     * trail entry the first {@code #} starts the recorded variables, so no path can forge them.
     */
    private static String operation(String method, String template) {
        String operation = method + " " + template;
        return operation.indexOf(BINDING) < 0 ? operation : operation.replace("#", "%23");
    }

    private static String templateOf(String operation) {
        return operation.substring(operation.indexOf(' ') + 1);
    }

    /** The request's template: its route, or its path folded by the inventory, which keeps the rules' templates. */
    private String template(GuardRequest request) {
        String template = inventory.template(request.path(), request.route());
        if (template.length() <= MAX_FOLDED_TEMPLATE
                || request.route() != null
                || inventory.keptTemplates().contains(template)) {
            return template;
        }
        return shortened(template);
    }

    /**
     * The longest template of a path no route serves that a trail entry or the model keeps as it is. Such a
     * template is the client's path folded by the inventory (up to 32 segments of 64 characters): kept in
     * full, 20 steps of 2 KB paths cost a session 40 KB (probe31 F2).
     */
    static final int MAX_FOLDED_TEMPLATE = 128;

    /**
     * A long folded template as its first 64 characters, {@code ~} and a 64-bit FNV-1a digest of the whole
     * in 16 hex digits:
     * every instance writes the same entry for the same path, and no rule names it (a rule's template is a
     * route's or a kept one, which are never shortened).
     */
    static String shortened(String template) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < template.length(); i++) {
            hash = (hash ^ template.charAt(i)) * 0x100000001b3L;
        }
        return template.substring(0, 64) + "~" + String.format("%016x", hash);
    }

    /**
     * The session's key: a digest of the configured source (a bearer token must not be stored or shown
     * as it is), or the client key when the request has none.
     */
    private String sessionKey(GuardRequest request) {
        String key = session == null ? null : session.resolve(request);
        if (key == null || namesNoSession(key)) {
            return CLIENT_TRAIL + request.client().key();
        }
        return sessionKeyOf(key);
    }

    /** The start of the trail key of a request without a session: its client's. */
    private static final String CLIENT_TRAIL = "c:";

    /** The trail key of a session value. */
    private static String sessionKeyOf(String key) {
        byte[] digest = SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8));
        return "s:"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    }

    /**
     * Whether a session value names no session: blank. The placeholders a client sends before it has credentials
     * ({@code Authorization: Bearer null}, an empty cookie) are no value of a header or cookie key at all, so they
     * are the client's own key, as an absent one is (probe47a F4); a principal named {@code null} is an account
     * like any other (review48 F2: such a user replayed a once-only step from every address).
     */
    static boolean namesNoSession(String key) {
        return key.isBlank();
    }

    private List<String> recentPath(List<String> trail) {
        List<String> path = new ArrayList<>(recent + 1);
        for (int i = Math.max(0, trail.size() - recent); i < trail.size(); i++) {
            path.add(operationOf(trail.get(i)));
        }
        return path;
    }

    private double currentThreshold() {
        long now = timeSource.nanoTime();
        // Taken again every 10 s, and at every request while there is none yet (fewer than MIN_SAMPLES scores, which
        // costs no sort): probe50a F5, the 900 made-up steps of one run came within the 10 s after the sample reached
        // its minimum, all answered and learned.
        if (now - thresholdComputedAt > Duration.ofSeconds(10).toNanos()
                || thresholdComputedAt == Long.MIN_VALUE
                || threshold == Double.POSITIVE_INFINITY) {
            threshold = model.threshold(quantile) + MARGIN;
            thresholdComputedAt = now;
        }
        return threshold;
    }

    /**
     * What a path must score above the configured quantile of the sampled scores to be strange: {@code ln 2}, a path
     * half as likely as the quantile's. An ordinary path whose score is the quantile's (a bookmark a tenth of the
     * visitors start from, the rarest usual first step) drifts above it as the model learns the others, and was
     * refused (review53 F2's runs, probe50a F3); a made-up step scores many times more.
     */
    static final double MARGIN = Math.log(2);

    private void remember(String sessionKey, double score) {
        worst.add(new ScoredSession(sessionKey.length() > 64 ? sessionKey.substring(0, 64) : sessionKey, score));
        while (worst.size() > WORST_KEPT) {
            worst.pollLast();
        }
    }

    /** The operation of a trail entry, without the values recorded with it. */
    static String operationOf(String entry) {
        int second = entry.lastIndexOf('|');
        int first = entry.lastIndexOf('|', second - 1);
        int binding = entry.indexOf(BINDING);
        return entry.substring(0, binding >= 0 && binding < first ? binding : first);
    }

    private static int statusOf(String entry) {
        int second = entry.lastIndexOf('|');
        int first = entry.lastIndexOf('|', second - 1);
        return Integer.parseInt(entry.substring(first + 1, second));
    }

    private static long timeOf(String entry) {
        return Long.parseLong(entry.substring(entry.lastIndexOf('|') + 1));
    }

    /**
     * A session and its path score.
     *
     * @param session the session key, shortened
     * @param score the mean surprise of its recent path
     */
    public record ScoredSession(String session, double score) {}

    /** How the guard answers a session whose path the model scores as strange. */
    public enum StrangePathAnswer {
        /** Adds the configured score to the request's risk. */
        FLAG,
        /** Refuses the request. */
        DENY
    }

    /** What the guard does with its Markov model, as {@code abuse-guard.sequence.model} names it. */
    public enum ModelUse {
        /** Learns from traffic, scores nothing: the model's first weeks. */
        LEARN,
        /** Scores sessions against a model learned before, learning nothing more. */
        SCORE,
        /** Learns and scores at once. */
        LEARN_AND_SCORE
    }

    /** Builds a {@link SequenceGuard}. */
    public static final class Builder {
        private KeyResolver session = KeyResolver.parse(SequenceSettings.DEFAULT_SESSION);
        private Trails trails;
        private @Nullable Trails modelTrails;
        private EndpointInventory inventory;
        private final List<PrecedenceRule> rules = new ArrayList<>();
        private MarkovModel model;
        private boolean learning;
        private boolean scoring;
        private double quantile = SequenceSettings.DEFAULT_MODEL_QUANTILE;
        private int flagScore = SequenceSettings.DEFAULT_MODEL_SCORE;
        private boolean denyStrangePaths;
        private int recent = 5;
        private TimeSource timeSource = TimeSource.system();
        private @Nullable Duration idleGap;

        private Builder() {}

        /**
         * What identifies a session; {@code header:Authorization} by default, the client key when absent.
         *
         * @throws IllegalArgumentException if it is {@link KeyResolver#global()}
         */
        public Builder session(KeyResolver session) {
            if (session.isGlobal()) {
                // One trail for every client: each client's steps would complete or break another's.
                throw new IllegalArgumentException("session 'global' would make one trail of every client's"
                        + " requests; use a key that tells one client's visit, such as cookie:SESSION or ip");
            }
            this.session = session;
            return this;
        }

        /**
         * Where trails live: the state store's trails, bounded in length and expiring after the idle gap, or
         * after the longest {@code forbids} window when that is longer (see {@link #idleGap}). Required.
         */
        public Builder trails(Trails trails) {
            this.trails = trails;
            return this;
        }

        /**
         * Where the model's trails live: every answered request of a session, which the model learns and scores
         * paths from; a namespace of their own, apart from the {@link #trails} rules read, so that the steps the
         * model records never push a rule's step out. Required with a {@link #model}.
         */
        public Builder modelTrails(Trails modelTrails) {
            this.modelTrails = modelTrails;
            return this;
        }

        /**
         * The idle gap after which a session starts a new visit, when the {@link #trails} are kept longer
         * than it (for a {@code forbids} window longer than the gap): a {@code requires} rule and the model
         * then look only at the steps since the session's last gap of this length, as if the trail had
         * expired, while a {@code forbids} rule holds for its whole window. Unset, the trails' own expiry
         * is the idle gap.
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder idleGap(Duration idleGap) {
            if (idleGap.isNegative() || idleGap.isZero()) {
                throw new IllegalArgumentException("idle gap must be positive, was " + idleGap);
            }
            this.idleGap = idleGap;
            return this;
        }

        /**
         * The endpoint inventory that folds paths into operations; the guard keeps the templates its rules
         * name in it. Required. The guard does not count requests in it: the engine's observer does.
         */
        public Builder inventory(EndpointInventory inventory) {
            this.inventory = inventory;
            return this;
        }

        public Builder rule(PrecedenceRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /**
         * A Markov model, learning from traffic, scoring sessions, or both.
         *
         * @param quantile the share of learned sessions considered normal, such as 0.99
         * @throws IllegalArgumentException if the quantile is not between 0.5 and 1 (or is NaN)
         */
        public Builder model(MarkovModel model, ModelUse use, double quantile) {
            if (!(quantile >= 0.5 && quantile <= 1)) { // written so that NaN is refused too
                throw new IllegalArgumentException("quantile must be between 0.5 and 1, was " + quantile);
            }
            this.model = Objects.requireNonNull(model, "model");
            this.learning = Objects.requireNonNull(use, "use") != ModelUse.SCORE;
            this.scoring = use != ModelUse.LEARN;
            this.quantile = quantile;
            return this;
        }

        /** What a strange path gets: a flag of {@code score}, or a refusal. Default flag, 60. */
        public Builder strangePaths(int score, StrangePathAnswer answer) {
            if (score < 1) {
                throw new IllegalArgumentException("score must be positive, was " + score);
            }
            this.flagScore = score;
            this.denyStrangePaths = Objects.requireNonNull(answer, "answer") == StrangePathAnswer.DENY;
            return this;
        }

        /** How many recent operations a path score covers. Default 5. */
        public Builder recent(int recent) {
            if (recent < 1) {
                throw new IllegalArgumentException("recent must be positive, was " + recent);
            }
            this.recent = recent;
            return this;
        }

        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        public SequenceGuard build() {
            return new SequenceGuard(this);
        }
    }

    /**
     * Each precedence rule with its operation, prior, status class and window; and as state, when a model
     * is configured, its size, its {@value #DESCRIBED_TRANSITIONS} most frequent transitions and the
     * worst-scored sessions ({@code model}). The endpoint inventory describes itself.
     */
    @Override
    public GuardDescription describe() {
        GuardDescription.Builder description = GuardDescription.builder(NAME);
        for (Bound entry : bound) {
            PrecedenceRule rule = entry.rule;
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("operation", rule.operation());
            settings.put(rule.kind() == PrecedenceRule.Kind.REQUIRES ? "requires" : "forbids", rule.prior());
            settings.put("statusClass", rule.statusClass() == 0 ? "any" : rule.statusClass() + "xx");
            settings.put("within", rule.window());
            if (!entry.shared.isEmpty()) {
                settings.put("sameResource", entry.shared);
            }
            description.rule(rule.name(), rule.source(), settings);
        }
        if (model != null) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("states", model.states());
            view.put("topTransitions", model.topTransitions(DESCRIBED_TRANSITIONS));
            view.put(
                    "worstSessions",
                    worstSessions().stream()
                            .map(worst -> Map.of("session", worst.session(), "score", worst.score()))
                            .toList());
            description.state("model", view);
        }
        return description.build();
    }

    private static final int DESCRIBED_TRANSITIONS = 20;
}
