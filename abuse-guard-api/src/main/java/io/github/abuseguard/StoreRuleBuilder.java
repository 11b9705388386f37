package io.github.abuseguard;

import io.github.abuseguard.store.StateStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the builders of the guards that keep their rules' state in a {@link StateStore} share: the store
 * (required), the clock (the system clock by default) and the rules, at least one, each under a name of
 * its own.
 *
 * @param <R> the guard's rule type
 * @param <B> the concrete builder, returned by each setter
 */
public abstract class StoreRuleBuilder<R extends GuardRule, B extends StoreRuleBuilder<R, B>> {

    private final String guard;
    private final List<R> rules = new ArrayList<>();
    private final Set<String> names = new LinkedHashSet<>();
    private StateStore store;
    private TimeSource timeSource = TimeSource.system();

    /** @param guard the guard's name, for the messages of a wrong build */
    protected StoreRuleBuilder(String guard) {
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    /** The store every rule keeps its counts, sketches and bans in. Required. */
    public B store(StateStore store) {
        this.store = Objects.requireNonNull(store, "store");
        return self();
    }

    /** The clock; the system clock by default. */
    public B timeSource(TimeSource timeSource) {
        this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
        return self();
    }

    /**
     * Adds a rule after those added before; rules are checked in that order.
     *
     * @throws IllegalArgumentException if a rule of that name was added already
     */
    public B rule(R rule) {
        Objects.requireNonNull(rule, "rule");
        if (!names.add(rule.name())) {
            throw new IllegalArgumentException("a " + guard + " rule named '" + rule.name() + "' exists already");
        }
        rules.add(rule);
        return self();
    }

    /** The store, set once {@link #validate()} passed. */
    protected final StateStore store() {
        return store;
    }

    /** The clock. */
    protected final TimeSource timeSource() {
        return timeSource;
    }

    /** The rules in the order they were added. */
    protected final List<R> rules() {
        return List.copyOf(rules);
    }

    /**
     * Checks what every such guard needs; a subclass calls it first in its {@code build()}.
     *
     * @throws IllegalStateException without a store or a rule
     */
    protected final void validate() {
        if (store == null) {
            throw new IllegalStateException("a " + guard + " guard needs a store");
        }
        if (rules.isEmpty()) {
            throw new IllegalStateException("a " + guard + " guard needs at least one rule");
        }
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
