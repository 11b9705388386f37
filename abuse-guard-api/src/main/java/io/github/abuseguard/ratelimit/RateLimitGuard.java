package io.github.abuseguard.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.abuseguard.Action;
import io.github.abuseguard.BodyField;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.RateLimitStatus;
import io.github.abuseguard.ResponseHints;
import io.github.abuseguard.RuleGuard;
import io.github.abuseguard.internal.RuleKeys;
import io.github.abuseguard.store.BucketLimit;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.ConsumptionProbe;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.TokenBuckets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Token-bucket rate limiting. Every rule that matches a request takes its cost from the bucket of the
 * request's key; the first rule whose bucket cannot pay and whose denial refuses the request denies it
 * with the rule's action ({@code THROTTLE}, 429, by default), and later rules are not charged. A rule
 * whose denial passes the request on ({@code TAG}, {@code LOG}) or is monitored is answered while the
 * other rules are still charged, so it never lets a request skip an enforced limit. When the engine
 * refuses the request for another reason (a later guard, the risk score), every rule that took tokens
 * gives them back, and only those: a rule whose bucket could not pay gets nothing.
 *
 * <p>A rule keyed {@code global} ({@link io.github.abuseguard.KeyResolver#global()}) is a cap on its routes
 * for every client together. Such rules are charged after every per-client rule, whatever their order, and
 * only for a request that all per-client rules let through: a client refused by its own limit spends nothing
 * of the cap, so one client cannot exhaust it alone. A request the cap refuses gives back the tokens its
 * per-client rules took (the refusal is everyone's traffic, not the client's doing), and a request another
 * guard refused on evidence about the client ({@link #charge}) is not counted by the cap, which counts what
 * gets through. A cap reports nothing on allowed requests (its remaining tokens are the whole site's traffic,
 * which no client needs to see) and refuses with 429, {@code Retry-After} and the reason
 * {@value #CAPACITY_REACHED}, without its capacity or {@code RateLimit} fields.
 *
 * <p>Allowed requests report the state of every matched rule keyed by the client's own (its address, session,
 * principal, a header), so responses can carry the {@code RateLimit} field; a rule keyed by a value any client may
 * send for another ({@link io.github.abuseguard.KeyResolver#namesOthers()}: a user name, a mailbox) reports
 * nothing, and refuses with its window as {@code Retry-After}: what is left of its quota, and when it comes back,
 * are that other person's. A rule advertises its first limit as its policy; when a rule has several
 * limits the remaining count is that of the whole bucket, which is never more than any single limit's.
 * A request that a rule answering with a decoy watches reports no state at all, allowed or denied:
 * the last real answer's {@code r=0} would announce the decoy, and any figure on the decoy is either
 * that truth or a count the client can check against the quota it was told.
 */
public sealed class RateLimitGuard extends RuleGuard<RateLimitRule> permits RateLimitGuard.Refunding {

    /** The guard's name. */
    public static final String NAME = "rate-limit";

    /** The reason of a denial by a rule's own quota: the client's key spent it. */
    public static final String RATE_LIMITED = "rate-limited";

    /** The reason of a denial by a rule keyed {@code global}: the route's cap for every client is spent. */
    public static final String CAPACITY_REACHED = "capacity-reached";

    private final RuleBuckets[] rules;

    /**
     * The indexes of {@link #rules} in the order a request is charged: the per-client rules keyed by what the
     * client does not choose (its address, a header) as added, then those keyed by a body field or a name it sends
     * for someone else (a user name, also a Basic one), then the global ones, so that a request refused by a
     * per-client rule never reaches a global bucket, and one refused by its address's rule writes no bucket under the name it sends (probe44b
     * F2: one address's refused logins naming new users evicted another address's spent bucket).
     */
    private final int[] order;

    /**
     * Each request thread's holder of a bucket's answer, read before the thread's next bucket call: the
     * allow path then allocates no answer object ({@link TokenBuckets#tryConsume(String, long,
     * ConsumptionProbe)}). A field of the guard, not a static, so an application that is stopped leaves
     * nothing behind it is the key of.
     */
    private final ThreadLocal<ConsumptionProbe> probes = ThreadLocal.withInitial(ConsumptionProbe::new);

    private volatile Predicate<String> monitored = rule -> false;

    /** The requests on a route the engine only reports ({@link #monitoredRoutes}), which decoys nothing. */
    private volatile Predicate<GuardRequest> onTrial = request -> false;

    /**
     * The rules that took tokens for a request this guard answered with a denial: only those give tokens
     * back if the request is refused later (or cancelled at all, as after a mode switch between this
     * guard's answer and the engine's reading of the rule's mode). Written only for denials, never for an
     * allowed request; held by the request's identity and weakly, so an entry lasts as long as its request
     * and costs nothing else.
     */
    private final Cache<GuardRequest, BitSet> partlyCharged =
            Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();

    private RateLimitGuard(Builder builder) {
        super(NAME, builder.rules);
        List<RuleBuckets> compiled = new ArrayList<>();
        for (RateLimitRule rule : builder.rules) {
            List<BucketLimit> limits = new ArrayList<>(rule.limits().size());
            for (Limit limit : rule.limits()) {
                limits.add(limit.toBucketLimit());
            }
            boolean global = rule.keyResolver().isGlobal();
            // others' requests spend the bucket of a key another may name, a site-wide cap and a network's limit
            boolean sharedByOthers = rule.keyResolver().namesOthers() || global || refusesForNeighbours(rule);
            TokenBuckets buckets =
                    builder.store.tokenBuckets(NAME + ":" + rule.name(), new BucketSpec(limits, sharedByOthers));
            compiled.add(new RuleBuckets(
                    rule,
                    buckets,
                    global ? null : RulePolicy.of(rule),
                    global,
                    rule.keyResolver().sharedWithNeighbours()));
        }
        this.rules = compiled.toArray(RuleBuckets[]::new);
        this.order = new int[rules.length];
        int next = 0;
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < rules.length; i++) {
                boolean global = rules[i].global;
                // what the client writes for a value of its choosing: a body field, or a name it sends for someone
                // else (a Basic user name, review117 F4)
                KeyResolver key = rules[i].rule.keyResolver();
                boolean chosen = key.readsBody() || key.namesOthers();
                if (pass == 0 ? !global && !chosen : pass == 1 ? !global && chosen : global) {
                    order[next++] = i;
                }
            }
        }
    }

    /** Starts a guard with no rules, keeping buckets in a default {@link LocalStateStore}. */
    public static Builder builder() {
        return new Builder();
    }

    /** About how many keys the rule's buckets track now. */
    public long trackedKeys(String ruleName) {
        for (RuleBuckets rule : rules) {
            if (rule.rule.name().equals(ruleName)) {
                return rule.buckets.trackedKeys();
            }
        }
        throw new IllegalArgumentException("no rate-limit rule named '" + ruleName + "'");
    }

    @Override
    public Decision check(GuardRequest request) {
        return consume(request, false, eachRuleMatched());
    }

    @Override
    protected Decision check(GuardRequest request, Applying applying) {
        return consume(request, false, applying);
    }

    /**
     * Its per-client rules keyed by what is not in the body are asked first ({@link #order}), and one that refuses
     * answers before the body is read: true where such a rule, keyed by the client's own values (its address, not a
     * user name it sends), refuses and a rule keyed by the body applies too.
     */
    @Override
    protected boolean refusesBeforeReading(Applying applying) {
        boolean reads = false;
        boolean refusesFirst = false;
        for (int i = 0; i < rules.length; i++) {
            if (!selects(applying, i)) {
                continue;
            }
            RateLimitRule rule = rules[i].rule;
            if (rule.keyResolver().readsBody()) {
                reads = true;
            } else if (!rules[i].global && !rule.keyResolver().namesOthers() && refuses(rule.action())) {
                refusesFirst = true;
            }
        }
        return reads && refusesFirst;
    }

    /**
     * Whether a per-client rule keyed by the client's own values, not in the body, refuses the request, as its
     * bucket on this instance, or a refusal remembered until the retry-after, says: such a client is then refused
     * before another guard reads its body ({@link TokenBuckets#knownToRefuse}). A rule keyed by a value others may
     * send (a user name in a header) asked before it is never looked at, and makes the answer {@code false}: its
     * bucket is another person's, and its refusal would stand in for the e-mail guard's (review73 F1).
     */
    @Override
    protected boolean refusesUnread(GuardRequest request, Applying applying) {
        for (int i : order) {
            RuleBuckets entry = rules[i];
            RateLimitRule rule = entry.rule;
            if (entry.global || rule.keyResolver().readsBody()) {
                return false; // the rules keyed by what is not in the body come first in the order
            }
            if (!applies(applying, i, request)) {
                continue;
            }
            if (rule.keyResolver().namesOthers()) {
                return false;
            }
            if (refuses(rule.action())
                    && !monitored.test(rule.name())
                    && rule.keyResolver().unreadable(request) == null
                    && entry.buckets.knownToRefuse(key(rule, request), rule.cost())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a rule's denial answers the request itself: not a tarpit, which may let it on, nor a log or a tag. */
    private static boolean refuses(Action action) {
        return action == Action.REJECT || action == Action.THROTTLE || action == Action.DECOY;
    }

    /**
     * Spends the tokens of a request an earlier guard refused on evidence about the client (a throw-away
     * e-mail address): probing such a rule costs the client's quota like any other request, and once the
     * quota is spent the answer is this guard's {@code 429}. A rule whose body key cannot be read charges
     * nothing, and neither does a rule whose key names someone else (a mailbox, a user name the request
     * typed): a refused request must not spend another person's quota. The earlier refusal stands.
     */
    @Override
    public Decision charge(GuardRequest request) {
        return consume(request, true, eachRuleMatched());
    }

    @Override
    protected Decision charge(GuardRequest request, Applying applying) {
        return consume(request, true, applying);
    }

    private Decision consume(GuardRequest request, boolean charging, Applying applying) {
        ResponseHints hints = null;
        Decision passedOn = null;
        BitSet paid = null; // kept only once a rule's denial passes the request on
        boolean silent = mayDecoy(request, applying, monitored) && !onTrial.test(request);
        boolean tarpitted = false; // by an enforced rule: the request may yet go on, so the rules after it are asked
        boolean decoyed = false; // by an enforced rule: answered as if served, so the rules after it are charged
        for (int n = 0; n < order.length; n++) {
            int i = order[n];
            RuleBuckets entry = rules[i];
            RateLimitRule rule = entry.rule;
            if (!applies(applying, i, request)
                    || ((charging || decoyed) && (entry.global || refusesForNeighbours(rule)))) {
                // A request refused on evidence about its client spends that client's quota, not the cap,
                // which counts what gets through: a flood of refused sign-ups must not shut out the others, nor a
                // network's (review140 F2); neither does a decoyed one (review139 F1: a decoyed flood spent its /24's).
                continue;
            }
            Decision denial;
            BodyField.Unreadable unreadable = rule.keyResolver().unreadable(request);
            if (unreadable != null) {
                if (charging) {
                    continue;
                }
                // No fall-back to a shared key: a padded or repeated user name must not escape its own limit.
                denial = BodyField.unreadable(unreadable).refusal(NAME, rule.name());
            } else {
                String key = key(rule, request);
                // a key naming others' quota that the request left out is its own address's (probe52c F3): told as
                // an `ip` rule's is, not as a stranger's
                boolean othersQuota = rule.keyResolver().namesOthers()
                        && !RuleKeys.standsFor(key, request.client().key());
                if ((charging || decoyed) && othersQuota) {
                    // A refused request's key names someone else (a mailbox, a user name it typed): charging it would
                    // let anyone spend a victim's quota with requests that never go through (probe57a F8:
                    // `@mailinator.com:victim@gmail.com`, refused as disposable, spent the victim's sign-ups). The
                    // client pays on its own keys. So does a decoyed one, past its decoying rule (review138 F2: a
                    // decoyed attacker's guesses spent a victim's per-user quota without bound), and neither reaches
                    // a cap, which counts what reaches the application (review138 F1).
                    continue;
                }
                ConsumptionProbe probe = probes.get();
                entry.buckets.tryConsume(key, rule.cost(), probe);
                if (probe.consumed()) {
                    if (!entry.global && !silent && !othersQuota && !entry.neighbours) {
                        ResponseHints status =
                                entry.policy.hints(probe.remainingTokens(), ceilSeconds(probe.nanosToWaitForReset()));
                        hints = hints == null ? status : hints.merge(status);
                    }
                    if (paid != null) {
                        paid.set(i);
                    }
                    continue;
                }
                denial = entry.global ? capDenial(entry, probe) : denial(entry, probe, silent, othersQuota);
            }
            if (!entry.global && denial.action() == Action.TARPIT && !monitored.test(rule.name())) {
                // review14 F7: a tarpit passes the request on after its delay (then: pass) or at once when it is
                // full, so the rules after it are checked and charged as for a request that goes on, and everything
                // taken is given back through cancel if the tarpit refuses it in the end; a rule after it that
                // refuses answers instead of the tarpit. review93 F4: the client's own rules after it too, not the
                // caps alone (a network rule tarpitting for its neighbours' traffic, declared first, skipped the
                // address's own limit, and under then: pass six requests went through a limit of two; a per-client
                // tarpit skipped the network's limit after it). review94 F3: charging a request another guard
                // refused too, or a network tarpit let its client probe that guard without paying its own limit.
                if (paid == null) {
                    paid = paidBefore(applying, request, n);
                }
                if (!tarpitted && !decoyed) {
                    // a tarpit holds the request, where an earlier tag, log or monitored rule let it pass (review94
                    // F1: a monitored tarpit kept the place, and the request went through)
                    passedOn = denial;
                    tarpitted = true;
                }
                continue;
            }
            if (!charging
                    && !entry.global
                    && !refusesForNeighbours(rule)
                    && denial.action() == Action.DECOY
                    && !monitored.test(rule.name())) {
                // review137 F1: a decoy stands for a real answer, which the rules after it charge too (a bucket they
                // share with a route that reports it must show the token taken); one of them that refuses answers
                // instead, as it would a real client. What the rules took stays spent: the engine cancels no guard
                // for its own refusal.
                if (paid == null) {
                    paid = paidBefore(applying, request, n);
                }
                refundNotOwn(paid, request); // review140 F1, F3: the neighbours' and others' tokens taken before it
                passedOn = denial;
                decoyed = true;
                continue;
            }
            if (!denial.action().passesRequestOn() && !monitored.test(rule.name())) {
                if (!charging) {
                    // The rules before it keep their tokens: a guard's own denial counts. Should the engine
                    // still cancel the request (the rule's mode switched before it read it), only the rules
                    // that paid get tokens back, never this one.
                    BitSet before = paid != null ? paid : paidBefore(applying, request, n);
                    if (entry.global || (refusesForNeighbours(rule) && denial.action() != Action.TARPIT)) {
                        // The cap refused it for everyone's traffic, a network or allocation rule for the
                        // neighbours' too: nothing it took stays spent, neither the client's own tokens nor another
                        // cap's (probe63a F1: retrying while its /24 was full, an address then met its own limit
                        // with no request through). Not for a tarpit, which may pass the request on after all: the
                        // engine gives the tokens back if it refuses in the end (review91 F1: refunded at once, an
                        // address under then: pass went through its own limit for free).
                        refund(before, request);
                        before = new BitSet(0);
                    } else if (denial.action() != Action.TARPIT) {
                        // The client's own limit refused it: its own tokens stay spent, but not its neighbours' (a
                        // network rule declared before it) nor those of a key naming someone else (review140 F1b,
                        // F3b: one address's throttled flood spent its /24's quota; a refused guess kept the token of
                        // the code it typed, probe57a F8)
                        refundNotOwn(before, request);
                    }
                    partlyCharged.put(request, before);
                }
                return denial;
            }
            if (passedOn == null) {
                passedOn = denial;
                paid = paidBefore(applying, request, n);
            }
        }
        if (passedOn != null) {
            if (!charging) {
                partlyCharged.put(request, paid);
            }
            return tarpitted || decoyed ? passedOn : reportingCharged(passedOn, hints);
        }
        return hints == null ? Decision.allow() : Decision.allow(hints);
    }

    /**
     * A denial that passes the request on (a monitored rule's, a {@code log} or {@code tag} rule's) reporting the
     * rules that charged the request too, as an allowed answer does; a monitored rule's own state is left out, so that
     * a rule on trial tells clients nothing (user75 F2: a monitored would-deny's answer showed that rule alone with
     * {@code r=0}, and the fields of the enforced rules that charged the request were gone).
     */
    private Decision reportingCharged(Decision passedOn, @Nullable ResponseHints charged) {
        boolean trial = passedOn.rule() != null && monitored.test(passedOn.rule());
        ResponseHints own = trial ? ResponseHints.none() : passedOn.hints();
        if (charged == null) {
            return own == passedOn.hints() ? passedOn : passedOn.withHints(own);
        }
        return passedOn.withHints(charged.merge(own));
    }

    /**
     * Gives back, of the rules in {@code paid}, the tokens that were not the client's own: a network or allocation
     * rule's (its neighbours') and a key's naming someone else; they are cleared from {@code paid}, which keeps the
     * client's own. For a request this guard refused or decoyed on the client's own limit.
     */
    private void refundNotOwn(BitSet paid, GuardRequest request) {
        for (int i = paid.nextSetBit(0); i >= 0; i = paid.nextSetBit(i + 1)) {
            RuleBuckets entry = rules[i];
            RateLimitRule rule = entry.rule;
            String key = key(rule, request);
            if (entry.global
                    || refusesForNeighbours(rule)
                    || (rule.keyResolver().namesOthers()
                            && !RuleKeys.standsFor(key, request.client().key()))) {
                entry.buckets.refund(key, rule.cost());
                paid.clear(i);
            }
        }
    }

    /** Whether the rule is keyed by the client's network or allocation alone, shared with its neighbours. */
    private static boolean refusesForNeighbours(RateLimitRule rule) {
        KeyResolver key = rule.keyResolver();
        return key == KeyResolver.network() || key == KeyResolver.allocation();
    }

    /**
     * A rule answering with a decoy: where it watches a request, none of the rules reports its state, so that the
     * route's real answers and its decoys carry the same fields (none), whoever asks.
     */
    @Override
    protected boolean decoys(RateLimitRule rule) {
        return rule.action() == Action.DECOY;
    }

    /**
     * The matching rules charged before position {@code end} of {@link #order}: every one of them paid, or the
     * request was refused.
     */
    private BitSet paidBefore(Applying applying, GuardRequest request, int end) {
        BitSet paid = new BitSet(rules.length);
        for (int n = 0; n < end; n++) {
            if (applies(applying, order[n], request)) {
                paid.set(order[n]);
            }
        }
        return paid;
    }

    private void refund(BitSet paid, GuardRequest request) {
        for (int i = paid.nextSetBit(0); i >= 0; i = paid.nextSetBit(i + 1)) {
            RateLimitRule rule = rules[i].rule;
            rules[i].buckets.refund(key(rule, request), rule.cost());
        }
    }

    /**
     * Gives back the tokens the request took: another guard refused it. After an allow every matching rule
     * had paid; after this guard's own denial, only the rules recorded then.
     */
    @Override
    public void cancel(GuardRequest request) {
        cancel(request, eachRuleMatched());
    }

    @Override
    protected void cancel(GuardRequest request, Applying applying) {
        BitSet paid = partlyCharged.asMap().remove(request);
        if (paid != null) {
            refund(paid, request);
            return;
        }
        for (int i = 0; i < rules.length; i++) {
            RateLimitRule rule = rules[i].rule;
            if (applies(applying, i, request)) {
                rules[i].buckets.refund(key(rule, request), rule.cost());
            }
        }
    }

    /**
     * A decoy stands for a real answer, which spends the client's own tokens: they stay spent. A cap's tokens, those of
     * a network or allocation rule (the neighbours' quota) and those of keys naming someone else are given back, as a
     * refusal's are (review138 F1: a decoyed flood spent the route's cap for everyone; F2: a decoyed attacker spent a
     * victim's per-user quota; review139 F1: a decoyed address spent its /24's).
     */
    @Override
    public void decoyed(GuardRequest request) {
        decoyed(request, eachRuleMatched());
    }

    @Override
    protected void decoyed(GuardRequest request, Applying applying) {
        BitSet paid = partlyCharged.asMap().remove(request);
        // after an allow every matching rule paid; after a denial that passed the request on, those recorded then
        refundNotOwn(paid != null ? paid : paidBefore(applying, request, order.length), request);
    }

    /** Its tokens are given back exactly, also after its own tag, log or monitored denial. */
    @Override
    public boolean cancelsOnlyWhatItCharged() {
        return true;
    }

    @Override
    public void monitoredRules(Predicate<String> monitored) {
        this.monitored = Objects.requireNonNull(monitored, "monitored");
    }

    @Override
    public void monitoredRoutes(Predicate<GuardRequest> onTrial) {
        this.onTrial = Objects.requireNonNull(onTrial, "onTrial");
    }

    private static long longestWindowSeconds(RateLimitRule rule) {
        long longest = 0;
        for (Limit limit : rule.limits()) {
            longest = Math.max(longest, limit.windowSeconds());
        }
        return longest;
    }

    private static String key(RateLimitRule rule, GuardRequest request) {
        return RuleKeys.of(rule.keyResolver(), request);
    }

    /**
     * The denial of a per-client rule. A rule keyed by a value any client may send for another (a mailbox, a user
     * name) tells neither what is left nor when it comes back, which are that other person's (review45 F6: a
     * stranger's refused sign-up naming an inbox read when its owner had signed up): its {@code Retry-After} is
     * its longest limit's window, the longest a token can take to come back (review46 F6: the first limit's, a
     * minute, for a rule whose daily limit was spent).
     *
     * @param othersQuota whether the key names a value others may send (a key the request left out stands for its
     *     own address, which is its own to be told of)
     */
    private static Decision denial(RuleBuckets entry, ConsumptionProbe probe, boolean silent, boolean othersQuota) {
        RateLimitRule rule = entry.rule;
        Limit limit = rule.limits().get(0);
        long waitSeconds = othersQuota ? longestWindowSeconds(rule) : ceilSeconds(probe.nanosToWaitForRefill());
        List<RateLimitStatus> statuses = silent || othersQuota || entry.neighbours
                ? List.of()
                : entry.policy.hints(probe.remainingTokens(), waitSeconds).rateLimits();
        return Decision.deny(rule.action())
                .guard(NAME)
                .rule(rule.name())
                .reason(RATE_LIMITED)
                .status(429)
                .detail("Rate limit '" + rule.name() + "' exceeded: " + limit.capacity()
                        + (limit.capacity() == 1 ? " request per " : " requests per ")
                        + limit.windowSeconds() + " s"
                        + (othersQuota ? " for this value." : ". Retry in " + waitSeconds + " s."))
                .retryAfter(Duration.ofSeconds(waitSeconds))
                .decoy(rule.decoy())
                .rateLimits(statuses)
                .build();
    }

    /**
     * The denial of a rule keyed {@code global}: when to retry, but neither the cap's size nor what is left of
     * it, which would tell every client the site's traffic (and a crowd how many requests keep it spent).
     */
    private static Decision capDenial(RuleBuckets entry, ConsumptionProbe probe) {
        RateLimitRule rule = entry.rule;
        long waitSeconds = ceilSeconds(probe.nanosToWaitForRefill());
        return Decision.deny(rule.action())
                .guard(NAME)
                .rule(rule.name())
                .reason(CAPACITY_REACHED)
                .status(429)
                .detail("Too many requests from all clients together (limit '" + rule.name() + "'). Retry in "
                        + waitSeconds + " s.")
                .retryAfter(Duration.ofSeconds(waitSeconds))
                .decoy(rule.decoy())
                .build();
    }

    /**
     * What a rule reports, computed once: one status per limit, so a client sees every quota it is held
     * to. A single limit is named by the rule; several are named {@code <rule>-<window>s} ({@code -<n>}
     * added if two share a window). The store reports the tokens left across all limits of a bucket, so
     * each limit reports that smallest figure: never more than what is really left. Its reset is at most
     * its own window. The {@code RateLimit-Policy} field depends on none of the per-request figures, so
     * it is rendered here once.
     */
    private record RulePolicy(ResponseHints limits) {
        static RulePolicy of(RateLimitRule rule) {
            List<Limit> limits = rule.limits();
            Set<String> taken = new HashSet<>();
            List<RateLimitStatus> policies = new ArrayList<>(limits.size());
            for (int i = 0; i < limits.size(); i++) {
                Limit limit = limits.get(i);
                String name = rule.name();
                if (limits.size() > 1) {
                    name = rule.name() + "-" + limit.windowSeconds() + "s";
                    if (!taken.add(name)) {
                        name = name + "-" + (i + 1);
                    }
                }
                policies.add(new RateLimitStatus(
                        name, limit.capacity(), limit.windowSeconds(), limit.capacity(), limit.windowSeconds()));
            }
            return new RulePolicy(ResponseHints.of(policies, ResponseHints.policyField(policies)));
        }

        /** The rule's state: one object, the statuses built only if something asks for them. */
        ResponseHints hints(long remaining, long resetSeconds) {
            return ResponseHints.of(limits, remaining, resetSeconds);
        }
    }

    private static long ceilSeconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /**
     * A rule with its buckets; {@code policy} is {@code null} for a global rule, which reports no quota;
     * {@code neighbours}: its key holds other clients' requests too ({@link KeyResolver#sharedWithNeighbours}), whose
     * quota it does not report either.
     */
    private record RuleBuckets(
            RateLimitRule rule,
            TokenBuckets buckets,
            @Nullable RulePolicy policy,
            boolean global,
            boolean neighbours) {}

    /** Builds a {@link RateLimitGuard}. */
    public static final class Builder {
        private final List<RateLimitRule> rules = new ArrayList<>();
        private final Set<String> names = new LinkedHashSet<>();
        private StateStore store;

        private Builder() {}

        /**
         * Adds a rule; rules are applied in the order they are added, except that rules keyed {@code global}
         * come after every per-client rule.
         *
         * @throws IllegalArgumentException if a rule of the same name was added already
         */
        public Builder rule(RateLimitRule rule) {
            Objects.requireNonNull(rule, "rule");
            if (!names.add(rule.name())) {
                throw new IllegalArgumentException("a rate-limit rule named '" + rule.name() + "' was added already");
            }
            rules.add(rule);
            return this;
        }

        /** Where buckets live. Default: a new {@link LocalStateStore} with its default bounds. */
        public Builder store(StateStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * The guard. One with a rule that {@linkplain RateLimitRule.Builder#refundStatuses refunds} hears the
         * application's answers; one without hears none, so the engine does not report outcomes to it.
         */
        public RateLimitGuard build() {
            if (store == null) {
                store = LocalStateStore.builder().build();
            }
            for (RateLimitRule rule : rules) {
                if (refunds(rule)) {
                    return new Refunding(this);
                }
            }
            return new RateLimitGuard(this);
        }
    }

    /**
     * Whether a rule may give back what it charged a request, so that its keys are kept until the answer: one
     * with refund statuses, or one keyed by a value any client may send for another (a mailbox), whose request
     * the framework answered without running a handler ({@link GuardRequest#unhandled()}: probe46b F2, three
     * {@code POST /api/accounts/} that Spring answered {@code 404} spent a stranger's sign-ups for the day).
     */
    private static boolean refunds(RateLimitRule rule) {
        return rule.refundStatuses() != null || rule.keyResolver().namesOthers();
    }

    /**
     * Whether the framework ran no handler for the request, as a rule keyed by a value others may send asks: an
     * inbox rule is also told the status, by which a {@code 403} a filter after the guards answered (a CSRF
     * refusal) gives its tokens back; a user name's or a query code's rule is not, since a log-in checked in a filter
     * or another servlet may answer a wrong password so (review49 F2: six guesses at one user name, each 403, were
     * all given back).
     */
    private static boolean unhandled(RateLimitRule rule, GuardRequest request, int status) {
        return rule.keyResolver().namesMailbox() ? request.unhandled(status) : request.unhandled();
    }

    /**
     * Gives back the tokens a request took under each rule whose refund statuses hold the application's answer,
     * or whose key names others and whose request no handler ran for:
     * every rule that applied, or, when the request was answered while a rule could not pay (a monitored or
     * tagging denial), only the rules that paid. Each goes back to the bucket it was taken from, under the key
     * read when the request was charged ({@code keys}): the handler may since have opened a session or signed
     * a user in, and a key read now would name another bucket (review44 F9).
     */
    final void refundOutcome(GuardRequest request, int status, Applying applying, String @Nullable [] keys) {
        if (keys == null) {
            return;
        }
        BitSet paid = partlyCharged.asMap().remove(request);
        for (int i = 0; i < rules.length; i++) {
            RateLimitRule rule = rules[i].rule;
            if (keys[i] != null
                    && (rule.refundsOn(status)
                            || (rule.keyResolver().namesOthers() && unhandled(rule, request, status)))
                    && (paid != null ? paid.get(i) : applies(applying, i, request))) {
                rules[i].buckets.refund(keys[i], rule.cost());
            }
        }
    }

    /**
     * The keys the refunding rules that charged the request charge it under, by rule index, or {@code null} when no
     * such rule did: after this guard's {@code decision}, every rule that applies, or after its denial only those
     * that paid, so that a mailbox is not read from the body of a request its address's limit refused first. A
     * rule whose key cannot be read charges nothing and has none.
     */
    final String @Nullable [] refundKeys(GuardRequest request, Applying applying, Decision decision) {
        BitSet paid = decision.isDeny() ? partlyCharged.getIfPresent(request) : null;
        String[] keys = null;
        for (int i = 0; i < rules.length; i++) {
            RateLimitRule rule = rules[i].rule;
            if (refunds(rule)
                    && (paid != null ? paid.get(i) : applies(applying, i, request))
                    && rule.keyResolver().unreadable(request) == null) {
                if (keys == null) {
                    keys = new String[rules.length];
                }
                keys[i] = key(rule, request);
            }
        }
        return keys;
    }

    /** A guard with a rule that refunds on some answers: it hears the application's answers. */
    static final class Refunding extends RateLimitGuard {
        /**
         * The keys each request that a refunding rule charged was charged under, until its answer is heard: held
         * by the request's identity and weakly, so an entry lasts as long as its request.
         */
        private final Cache<GuardRequest, String[]> chargedKeys =
                Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();

        private Refunding(Builder builder) {
            super(builder);
        }

        /**
         * Asks, when a refunding rule applies, for the status the handler meant: Spring MVC answers {@code 406}
         * after the handler ran when it cannot write its answer in the client's {@code Accept}, and such a
         * sign-up opened an account all the same (review44 F4: three with {@code Accept: application/xml} were
         * refunded, and the inbox opened five).
         */
        @Override
        public Decision check(GuardRequest request) {
            return check(request, eachRuleMatched());
        }

        @Override
        protected Decision check(GuardRequest request, Applying applying) {
            Decision decision = super.check(request, applying);
            String[] keys = refundKeys(request, applying, decision);
            if (keys != null) {
                chargedKeys.put(request, keys);
                request.handlerStatusWanted(true);
            }
            return decision;
        }

        /**
         * A request a refunding rule charged hears its answer as soon as the status is final, before the response is
         * committed: a client that never reads a large answer holds the request in the container until the write
         * gives up, and its token with it (probe82a F1: twelve unread {@code 404}s naming a stranger's inbox kept
         * that inbox's three daily sign-ups spent, a minute at a time, and its owner was refused {@code 429}).
         */
        @Override
        public boolean observesBeforeCommit(GuardRequest request) {
            // the request's own flag first (set with its keys): a route no refunding rule charged touches no cache
            return request.handlerStatusWanted() && chargedKeys.getIfPresent(request) != null;
        }

        /** Gives back what the request took, once: its answer, heard later, refunds nothing more. */
        @Override
        protected void cancel(GuardRequest request, Applying applying) {
            chargedKeys.invalidate(request);
            super.cancel(request, applying);
        }

        /**
         * A decoyed request's answer (an {@code OPTIONS} the filter hands the application) refunds nothing: what the
         * decoy gave back is given back once (review139 F2: a cap was refunded again by the answer's {@code 404}, a
         * free token each time).
         */
        @Override
        protected void decoyed(GuardRequest request, Applying applying) {
            chargedKeys.invalidate(request);
            super.decoyed(request, applying);
        }

        @Override
        public void observe(GuardRequest request, int status) {
            observe(request, status, false, eachRuleMatched());
        }

        @Override
        protected void observe(GuardRequest request, int status, boolean watched, Applying applying) {
            // a request this guard charged was put there by this thread, before: while no charged request is in
            // flight, the other routes' answers skip the weak-keyed remove and the garbage it makes
            if (chargedKeys.estimatedSize() != 0) {
                refundOutcome(request, status, applying, chargedKeys.asMap().remove(request));
            }
        }
    }

    /** Each rule with its paths, methods, key, cost, action and limits. */
    @Override
    protected void describeRule(RateLimitRule rule, Map<String, Object> settings) {
        settings.put("key", rule.keySpec());
        settings.put("cost", rule.cost());
        settings.put("action", rule.action());
        if (rule.refundStatuses() != null) {
            settings.put("refundStatuses", rule.refundStatuses());
        }
        List<Map<String, Object>> limits = new ArrayList<>();
        for (Limit limit : rule.limits()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("capacity", limit.capacity());
            view.put("refillTokens", limit.refillTokens());
            view.put("period", limit.period());
            view.put("refill", limit.refill());
            limits.add(view);
        }
        settings.put("limits", limits);
    }
}
