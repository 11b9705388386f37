package io.github.abuseguard;

import java.util.List;
import java.util.Objects;

/**
 * A guard that is its rules: it reports them in the order they are checked, and it is asked only on
 * routes one of them may watch, so {@link #mayApply} follows from the rules unless the guard also
 * learns from requests elsewhere.
 *
 * @param <R> the guard's rule type
 */
public abstract class RuleGuard<R extends GuardRule> implements Guard {

    private final String name;
    private final List<R> rules;

    /** @param rules the rules in the order they are checked; copied */
    protected RuleGuard(String name, List<R> rules) {
        this.name = Objects.requireNonNull(name, "name");
        this.rules = List.copyOf(rules);
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
     * Whether any rule may match a request of the route: the engine skips this guard elsewhere. A guard
     * that observes every outcome, to learn what its rules judge by, answers {@code true} instead.
     */
    @Override
    public boolean mayApply(String method, PathPattern route) {
        return GuardRule.anyMayApply(rules, method, route);
    }
}
