package io.github.abuseguard;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What every guard's rule shares: its scope (name, where it was declared, the paths and methods it
 * watches, the key it counts per) and the matching that follows from it. Each guard's rule extends this
 * class and adds only what is its own; its builder extends {@link Builder} (or {@link KeyedBuilder} when
 * the rule counts per key), so the scope's validation and accessors are written once.
 */
public abstract class GuardRule {

    /** The key of a rule that names none: the client address, the one key a client cannot choose. */
    public static final String DEFAULT_KEY = "ip";

    /** The decoy a rule's {@link Action#DECOY} answer names when its settings name none. */
    public static final String DEFAULT_DECOY = "default";

    private final RuleScope scope;

    /**
     * Takes the scope from the rule's builder.
     *
     * @throws IllegalStateException if the builder was given no path
     */
    protected GuardRule(Builder<?> builder) {
        this.scope = builder.buildScope();
    }

    /** The rule's name, unique within its guard; used in namespaces, metrics and problem details. */
    public final String name() {
        return scope.name();
    }

    /** Where the rule was declared: {@code code}, {@code properties}, or an annotated handler. */
    public final String source() {
        return scope.source();
    }

    /** The methods in upper case; empty means every method. */
    public final Set<String> methods() {
        return scope.methods();
    }

    /** The path patterns as written; the rule applies when any matches. */
    public final List<String> paths() {
        return scope.paths();
    }

    /** The path patterns, parsed, in the order of {@link #paths()}. */
    public final List<PathPattern> patterns() {
        return scope.patterns();
    }

    /** The key as written, such as {@code ip+body:/username}; {@code ip} for a rule with no key of its own. */
    public final String keySpec() {
        return scope.keySpec();
    }

    /** The key that finds whose count a request goes to; {@link KeyResolver#ip()} for a rule with no key of its own. */
    public final KeyResolver keyResolver() {
        return scope.key();
    }

    /**
     * Whether a request of this method and path is one the rule watches; always {@code false} for a rule scoped
     * by a handler's routes ({@link Builder#byHandlerRoute()}), which needs the request: {@link #appliesTo(GuardRequest)}.
     *
     * @deprecated a guard of your own that asks by method and path never applies a rule of an annotation
     *     (review47 F7); ask {@link #appliesTo(GuardRequest)}, which answers for every rule
     */
    @Deprecated
    public final boolean appliesTo(String method, String path) {
        return scope.matcher().matches(method, path);
    }

    /** Whether the request is one the rule watches: by its method and path, or its route ({@link Builder#byHandlerRoute()}). */
    public final boolean appliesTo(GuardRequest request) {
        return scope.matcher().matches(request.method(), request);
    }

    /** As {@link #appliesTo(GuardRequest)} for the request taken as one of {@code method} (a CORS preflight's asked method). */
    public final boolean appliesTo(String method, GuardRequest request) {
        return scope.matcher().matches(method, request);
    }

    /** Whether some request of the method whose path belongs to the route template may be watched. */
    public final boolean mayApplyToRoute(String method, PathPattern route) {
        return scope.matcher().mayMatchRoute(method, route);
    }

    /**
     * Whether every request of the method whose path belongs to the route template is watched, so that its
     * path need not be matched. Conservative: {@code false} when unsure (a template with {@code **}).
     */
    final boolean coversRoute(String method, PathPattern route) {
        return scope.matcher().coversRoute(method, route);
    }

    /**
     * Whether any of the rules may watch some request of the method whose path belongs to the route
     * template: what {@link Guard#mayApply} answers for a guard that is its rules.
     */
    public static boolean anyMayApply(Iterable<? extends GuardRule> rules, String method, PathPattern route) {
        for (GuardRule rule : rules) {
            if (rule.mayApplyToRoute(method, route)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What every rule builder shares: the name, paths, methods and source, validated at once.
     *
     * @param <B> the concrete builder, returned by each call so calls chain
     */
    public abstract static class Builder<B extends Builder<B>> {

        private final RuleScope.Builder scope;
        private final String kind;

        /**
         * @param name the rule's name: 1-64 letters, digits, {@code .}, {@code _} or {@code -}
         * @param kind the rule's kind in messages, such as {@code rate-limit}
         * @throws IllegalArgumentException if the name is not of that form
         */
        protected Builder(String name, String kind) {
            this.scope = RuleScope.builder(name);
            this.kind = kind;
        }

        /** This builder, typed as the concrete builder {@code B} that every subclass names itself as. */
        @SuppressWarnings("unchecked")
        protected final B self() {
            return (B) this;
        }

        /**
         * Adds a path pattern; see {@link PathPattern}. A rule needs at least one.
         *
         * @throws IllegalArgumentException if the pattern is malformed
         */
        public final B path(String pattern) {
            scope.path(pattern);
            return self();
        }

        /**
         * Adds methods the rule watches (calls add up); each rule says what none means.
         *
         * @throws IllegalArgumentException if one is not an HTTP method token
         */
        public final B methods(String... methods) {
            scope.methods(methods);
            return self();
        }

        /**
         * The paths are the route templates of the handler the rule is declared on: the rule watches the requests
         * the framework routes to that handler ({@link GuardRequest#route()}), not every path its templates match,
         * so that the rule of {@code /items/{id}} does not hold the handler of {@code /items/me} beside it
         * (probe46b F1). A request without a route (an adapter with no route table) is watched by none.
         */
        public final B byHandlerRoute() {
            scope.byHandlerRoute();
            return self();
        }

        /** Where the rule was declared, for reports. Default {@code code}. */
        public final B source(String source) {
            scope.source(source);
            return self();
        }

        /** The rule's name. */
        protected final String name() {
            return scope.name();
        }

        /** The rule's kind in messages, such as {@code rate-limit}. */
        protected final String kind() {
            return kind;
        }

        /** Sets the methods unless some were given, for a rule whose default is not every method. */
        protected final void methodsUnlessGiven(String... methods) {
            scope.methodsUnlessGiven(methods);
        }

        /**
         * Refuses a rule without a path; the concrete builder's {@code build()} calls it before checking
         * its own settings, so a missing path is the first thing reported.
         *
         * @throws IllegalStateException if no path was added
         */
        protected final void requirePath() {
            if (scope.hasNoPaths()) {
                throw new IllegalStateException(kind + " rule '" + scope.name() + "' needs at least one path");
            }
        }

        /** How many paths were added. */
        protected final int pathCount() {
            return scope.pathCount();
        }

        private RuleScope buildScope() {
            requirePath();
            return scope.build();
        }
    }

    /**
     * A builder of a rule that counts per key: adds {@link #key(String)}.
     *
     * @param <B> the concrete builder
     */
    public abstract static class KeyedBuilder<B extends KeyedBuilder<B>> extends Builder<B> {

        /** How a rule that counts per key answers what it refuses unless told otherwise: 429 with Retry-After. */
        public static final Action DEFAULT_ACTION = Action.THROTTLE;

        /** See {@link Builder#Builder(String, String)}. */
        protected KeyedBuilder(String name, String kind) {
            super(name, kind);
        }

        /**
         * What the rule counts per, as {@link KeyResolver#parse} reads it. Default {@code ip}. A request
         * without what the key needs counts against its client address instead, so leaving out a header
         * never escapes the rule. {@code global} ({@link KeyResolver#global()}) only where the rule
         * {@linkplain #takesGlobalKey() takes it}.
         *
         * @throws IllegalArgumentException if the key is malformed, or {@code global} and this kind of rule
         *     does not take it
         */
        public final B key(String spec) {
            Objects.requireNonNull(spec, "spec");
            requireKeyOfItsKind(KeyResolver.parse(spec));
            super.scope.key(spec);
            return self();
        }

        /**
         * The key as a resolver, for keys that a specification cannot express.
         *
         * @throws IllegalArgumentException if the key is {@link KeyResolver#global()} and this kind of rule
         *     does not take it
         */
        public final B key(KeyResolver key, String description) {
            requireKeyOfItsKind(Objects.requireNonNull(key, "key"));
            super.scope.key(key, description);
            return self();
        }

        /**
         * Whether this kind of rule counts a {@link KeyResolver#global()} key: one count for every client
         * together. Only a rate-limit rule does (a cap on a route). A rule that bans, blocks or refuses
         * its key for what the key did would refuse every client for one client's doing, so the default
         * is {@code false}.
         */
        protected boolean takesGlobalKey() {
            return false;
        }

        private void requireKeyOfItsKind(KeyResolver key) {
            if (key.isGlobal() && !takesGlobalKey()) {
                throw new IllegalArgumentException(kind() + " rule '" + name()
                        + "': key 'global' counts every client together, which only a rate-limit rule may"
                        + " (a cap on the route); here it would refuse every client for what one did."
                        + " Use ip, network or another per-client key");
            }
        }
    }
}
