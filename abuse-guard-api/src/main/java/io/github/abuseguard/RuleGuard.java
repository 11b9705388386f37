package io.github.abuseguard;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * A guard that is its rules: it reports them in the order they are checked, and it is asked only on
 * routes one of them may watch, so {@link #mayApply} follows from the rules unless the guard also
 * learns from requests elsewhere.
 *
 * @param <R> the guard's rule type
 */
public abstract class RuleGuard<R extends GuardRule> implements Guard {

    /** Where the engine asks the guard. */
    protected enum Asked {
        /** Only on routes one of its rules may watch. */
        WHERE_RULES_APPLY,
        /** On every route: the guard also learns from requests its rules do not watch. */
        ON_EVERY_ROUTE
    }

    /**
     * The most rules a guard's route plans select among ({@link Applying} holds a bit per rule); a guard
     * of more rules matches each of them against every request, as without a plan.
     */
    static final int MAX_PLANNED_RULES = Long.SIZE;

    private final String name;
    private final List<R> rules;
    /** The rules as an array, for the per-request look-up by index. */
    private final GuardRule[] indexed;

    private final Asked asked;

    /** The indexes of the rules that may answer with a decoy ({@link #decoys}), worked out on the first request. */
    private volatile int @Nullable [] decoying;

    /** A guard asked only where its rules apply; {@code rules} in the order they are checked, copied. */
    protected RuleGuard(String name, List<R> rules) {
        this(name, rules, Asked.WHERE_RULES_APPLY);
    }

    /** @param rules the rules in the order they are checked; copied */
    protected RuleGuard(String name, List<R> rules, Asked asked) {
        this.name = Objects.requireNonNull(name, "name");
        this.rules = List.copyOf(rules);
        this.indexed = this.rules.toArray(GuardRule[]::new);
        this.asked = Objects.requireNonNull(asked, "asked");
    }

    @Override
    public final String name() {
        return name;
    }

    /** The rules, in the order they are checked. */
    public final List<R> rules() {
        return rules;
    }

    /**
     * Whether any rule may match a request of the route, so the engine skips this guard elsewhere; always
     * for a guard {@linkplain Asked#ON_EVERY_ROUTE asked on every route}.
     */
    @Override
    public final boolean mayApply(String method, PathPattern route) {
        return asked == Asked.ON_EVERY_ROUTE || GuardRule.anyMayApply(rules, method, route);
    }

    /** The routes its rules name are watched, however it is asked: a client may earn a history there. */
    @Override
    public final boolean watches(String method, PathPattern route) {
        return GuardRule.anyMayApply(rules, method, route);
    }

    /**
     * Which rules apply to requests of the method whose paths belong to the route template, worked out
     * once when the engine plans the route: a rule that matches every path of the template applies
     * without matching the path again, a rule that can match none of them (or not the method) is skipped,
     * and only a rule that matches some of them (a literal {@code /api/scores/chess} under the template
     * {@code /api/scores/{game}}) is matched per request. {@link #eachRuleMatched()} for a guard of more
     * than {@link #MAX_PLANNED_RULES} rules.
     */
    final Applying applying(String method, PathPattern route) {
        if (indexed.length > MAX_PLANNED_RULES) {
            return Applying.EACH_MATCHED;
        }
        long covers = 0;
        long may = 0;
        for (int i = 0; i < indexed.length; i++) {
            if (indexed[i].coversRoute(method, route)) {
                covers |= 1L << i;
            } else if (indexed[i].mayApplyToRoute(method, route)) {
                may |= 1L << i;
            }
        }
        return new Applying(this, covers, may);
    }

    /**
     * Whether checking a request under {@code rule} may read the request's body; by default, whether the
     * rule's key does ({@link KeyResolver#readsBody()}). The engine asks the guards whose applying rules read
     * no body first, so that a client they refuse (over a rate limit) has no body read. A guard asked after
     * them whose check {@linkplain Decision#exempt() exempts} the request gets back what they took, but cannot
     * spare it a refusal they already gave: a guard that exempts by what the body holds should answer
     * {@code false}, to be asked in its own place.
     */
    protected boolean readsBody(R rule) {
        return rule.keyResolver().readsBody();
    }

    /** Whether a rule that {@code applying} selects reads the body ({@link #readsBody(GuardRule)}). */
    final boolean readsBody(Applying applying) {
        for (int i = 0; i < rules.size(); i++) {
            if (selects(applying, i) && readsBody(rules.get(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the rule at {@code index} may apply to some requests of the route {@code applying} was worked out
     * for: each rule may, under a selection worked out for another guard's rules (or none).
     */
    protected final boolean selects(Applying applying, int index) {
        return applying.guard != this || ((applying.covers | applying.may) & 1L << index) != 0;
    }

    /**
     * Whether this guard, some of whose rules that {@code applying} selects read the body, asks its rules that read
     * none first and refuses a request on one of them without reading its body (a limit per address before a limit
     * per mailbox). The engine then asks {@link #refusesUnread} before the other guards that read the body. Asked
     * once per route and method. Default {@code false}.
     */
    protected boolean refusesBeforeReading(Applying applying) {
        return false;
    }

    /**
     * Whether a check of {@code request} is known to refuse it on a rule that reads no body, as far as this guard
     * knows without taking anything and without asking a remote store: a bucket this instance holds, or a refusal it
     * remembers until its retry-after. Asked where {@link #refusesBeforeReading} is {@code true}, after the guards
     * that read no body and before the others that do: {@code true} has the engine ask this guard next, so that a
     * client over its limit on a sign-up route is refused before the e-mail guard reads a body it has no use for. A
     * wrong answer (a token given back between this look and the check) changes the order the guards are asked in:
     * the guard may then refuse on another rule (a site-wide cap) in the place of a body-reading guard's refusal, a
     * refusal either way. Default {@code false}.
     */
    protected boolean refusesUnread(GuardRequest request, Applying applying) {
        return false;
    }

    /**
     * Whether {@code rule} may answer a request it watches with a decoy: its action, or the action of a mode it
     * starts, is {@link Action#DECOY}. A guard whose rules may decoy overrides it; the default is {@code false}.
     */
    protected boolean decoys(R rule) {
        return false;
    }

    /** Whether a rule that may answer with a decoy ({@link #decoys}) watches the request. */
    @Override
    public final boolean mayDecoy(GuardRequest request) {
        return mayDecoy(request, Applying.EACH_MATCHED);
    }

    /** As {@link #mayDecoy(GuardRequest)}, for a request of a planned route. */
    protected final boolean mayDecoy(GuardRequest request, Applying applying) {
        return mayDecoy(request, applying, rule -> false);
    }

    /**
     * As {@link #mayDecoy(GuardRequest, Applying)}, leaving out the rules {@code monitored} names: a rule on trial
     * answers nothing with a decoy (probe80a F6: a decoying rule switched live to monitor, or a monitored rate-limit
     * guard's own decoy rule, took the route's {@code RateLimit} fields off every honest answer).
     */
    protected final boolean mayDecoy(
            GuardRequest request, Applying applying, java.util.function.Predicate<String> monitored) {
        int[] rulesThatDecoy = decoying;
        if (rulesThatDecoy == null) {
            rulesThatDecoy = IntStream.range(0, rules.size())
                    .filter(i -> decoys(rules.get(i)))
                    .toArray();
            decoying = rulesThatDecoy;
        }
        for (int index : rulesThatDecoy) {
            if (applies(applying, index, request)
                    && !monitored.test(rules.get(index).name())) {
                return true;
            }
        }
        return false;
    }

    /** What a request without a route plan is checked with: each rule matched against its method and path. */
    protected static Applying eachRuleMatched() {
        return Applying.EACH_MATCHED;
    }

    /**
     * Whether the rule at {@code index} of {@link #rules()} applies to the request, as {@code applying}
     * says: without matching the path when the route's plan found that the rule covers every path of the
     * route or none, else by {@link GuardRule#appliesTo(String, String)}. A selection worked out for
     * another guard's rules is ignored: each rule is then matched.
     *
     * @param applying what the engine planned for the request's route and method, or
     *     {@link #eachRuleMatched()}
     */
    protected final boolean applies(Applying applying, int index, GuardRequest request) {
        if (applying.guard == this) {
            long bit = 1L << index;
            if ((applying.covers & bit) != 0) {
                return true;
            }
            if ((applying.may & bit) == 0) {
                return false;
            }
        }
        return indexed[index].appliesTo(request);
    }

    /**
     * As {@link #check(GuardRequest)}, for a request of a route the engine planned: {@code applying}
     * says which rules apply ({@link #applies}). The default ignores it and calls {@link #check(GuardRequest)}.
     */
    protected Decision check(GuardRequest request, Applying applying) {
        return check(request);
    }

    /** As {@link #charge(GuardRequest)}, for a request of a planned route; the default ignores {@code applying}. */
    protected Decision charge(GuardRequest request, Applying applying) {
        return charge(request);
    }

    /** As {@link #decoyed(GuardRequest)}, for a request of a planned route; the default ignores {@code applying}. */
    protected void decoyed(GuardRequest request, Applying applying) {
        decoyed(request);
    }

    /** As {@link #cancel(GuardRequest)}, for a request of a planned route; the default ignores {@code applying}. */
    protected void cancel(GuardRequest request, Applying applying) {
        cancel(request);
    }

    /**
     * As {@link #observe(GuardRequest, int, boolean)}, for a request of a planned route; the default
     * ignores {@code applying}.
     */
    protected void observe(GuardRequest request, int status, boolean watched, Applying applying) {
        observe(request, status, watched);
    }

    /**
     * Which of a guard's rules apply to the requests of one route template and method, a bit per rule:
     * those that apply to all of them, and those that apply to some and are matched per request. Worked
     * out by the engine once per route and method; immutable.
     */
    protected static final class Applying {
        static final Applying EACH_MATCHED = new Applying(null, 0, 0);

        /** The guard whose rules the bits are of; {@code null}: none, each rule is matched. */
        private final @Nullable RuleGuard<?> guard;
        /** The rules that match every path of the route and its method. */
        private final long covers;
        /** The rules that match some paths of the route: matched per request. */
        private final long may;

        Applying(@Nullable RuleGuard<?> guard, long covers, long may) {
            this.guard = guard;
            this.covers = covers;
            this.may = may;
        }
    }

    /**
     * Each rule, in the order checked, with its source, paths and methods and what {@link #describeRule}
     * adds; then what {@link #describeState} adds.
     */
    @Override
    public GuardDescription describe() {
        GuardDescription.Builder description = GuardDescription.builder(name);
        for (R rule : rules) {
            Map<String, Object> settings = new LinkedHashMap<>();
            describeRule(rule, settings);
            description.rule(rule, settings);
        }
        describeState(description);
        return description.build();
    }

    /** Puts what {@code rule} holds besides its scope into {@code settings}, in the order shown; nothing by default. */
    protected void describeRule(R rule, Map<String, Object> settings) {}

    /** Adds what the guard has learned or holds beyond its rules; nothing by default. */
    protected void describeState(GuardDescription.Builder description) {}
}
