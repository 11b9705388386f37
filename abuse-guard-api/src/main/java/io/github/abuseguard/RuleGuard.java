package io.github.abuseguard;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

    private final String name;
    private final List<R> rules;
    private final Asked asked;

    /** A guard asked only where its rules apply; {@code rules} in the order they are checked, copied. */
    protected RuleGuard(String name, List<R> rules) {
        this(name, rules, Asked.WHERE_RULES_APPLY);
    }

    /** @param rules the rules in the order they are checked; copied */
    protected RuleGuard(String name, List<R> rules, Asked asked) {
        this.name = Objects.requireNonNull(name, "name");
        this.rules = List.copyOf(rules);
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
