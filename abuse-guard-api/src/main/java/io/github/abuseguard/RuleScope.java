package io.github.abuseguard;

import io.github.abuseguard.internal.HttpMethods;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What every rule shares, whatever its guard: its name and where it was declared, the paths and methods
 * it watches, and the key it counts per. {@link GuardRule} holds one and its builder holds a
 * {@link Builder}, to which it hands its {@code path}, {@code methods}, {@code key} and {@code source}
 * calls, so the validation is written once. Implementation: guards see it only through {@link GuardRule}.
 */
final class RuleScope {

    /** A rule's name: it appears in namespaces, metrics and the {@code RateLimit} fields' policy names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String name;
    private final String source;
    private final List<String> paths;
    private final List<PathPattern> patterns;
    private final Set<String> methods;
    private final RequestMatcher matcher;
    private final String keySpec;
    private final KeyResolver key;

    private RuleScope(Builder builder) {
        this.name = builder.name;
        this.source = builder.source;
        this.paths = List.copyOf(builder.paths);
        this.methods = Set.copyOf(builder.methods);
        this.patterns = paths.stream().map(PathPattern::parse).toList();
        this.matcher = builder.byHandlerRoute
                ? RequestMatcher.ofHandlerRoutes(patterns, methods)
                : RequestMatcher.of(patterns, methods);
        this.keySpec = builder.keySpec;
        this.key = builder.key;
    }

    /**
     * Starts a scope for the rule {@code name}.
     *
     * @throws IllegalArgumentException unless the name is 1-64 letters, digits, '.', '_' or '-'
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /** The rule's name. */
    public String name() {
        return name;
    }

    /** Where the rule was declared: {@code code}, {@code properties}, or an annotation. */
    public String source() {
        return source;
    }

    /** The path patterns, as given. */
    public List<String> paths() {
        return paths;
    }

    /** The path patterns, parsed. */
    public List<PathPattern> patterns() {
        return patterns;
    }

    /** The methods, upper case; empty means every method. */
    public Set<String> methods() {
        return methods;
    }

    /** Matches a request's method and path against the paths and methods. */
    RequestMatcher matcher() {
        return matcher;
    }

    /** The key as written, such as {@code ip+body:/username}. */
    public String keySpec() {
        return keySpec;
    }

    /** The key. */
    public KeyResolver key() {
        return key;
    }

    /** Builds a {@link RuleScope}; every method validates its argument at once. */
    static final class Builder {
        private final String name;
        private String source = "code";
        private final List<String> paths = new ArrayList<>();
        private final Set<String> methods = new LinkedHashSet<>();
        private String keySpec = GuardRule.DEFAULT_KEY;
        private KeyResolver key = KeyResolver.ip();
        private boolean byHandlerRoute;

        private Builder(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("rule name '" + name
                        + "' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            this.name = name;
        }

        /** Where the rule was declared, for reports. Default {@code code}. */
        public void source(String source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        /**
         * Adds a path pattern.
         *
         * @throws IllegalArgumentException if the pattern is malformed
         */
        public void path(String pattern) {
            PathPattern.parse(pattern);
            paths.add(pattern);
        }

        /**
         * The methods; none means every method.
         *
         * @throws IllegalArgumentException if one is not a registered HTTP method ({@code get} is {@code GET})
         */
        public void methods(String... methods) {
            for (String method : methods) {
                this.methods.add(HttpMethods.canonical(method));
            }
        }

        /**
         * The key, as {@link KeyResolver#parse} reads it. Default {@code ip}.
         *
         * @throws IllegalArgumentException if the key is malformed
         */
        public void key(String spec) {
            this.key = KeyResolver.parse(spec);
            this.keySpec = spec.trim();
        }

        /** The key as a resolver, for keys that a specification cannot express. */
        public void key(KeyResolver key, String description) {
            this.key = Objects.requireNonNull(key, "key");
            this.keySpec = Objects.requireNonNull(description, "description");
        }

        /** The paths are a handler's route templates, matched against a request's route; see {@link GuardRule.Builder#byHandlerRoute()}. */
        public void byHandlerRoute() {
            this.byHandlerRoute = true;
        }

        /** Sets the methods unless some were given, for rules whose default is not every method. */
        public void methodsUnlessGiven(String... methods) {
            if (this.methods.isEmpty()) {
                methods(methods);
            }
        }

        /** The rule's name. */
        public String name() {
            return name;
        }

        /** Whether no path was added yet. */
        boolean hasNoPaths() {
            return paths.isEmpty();
        }

        /** How many paths were added. */
        int pathCount() {
            return paths.size();
        }

        /** The scope. */
        public RuleScope build() {
            return new RuleScope(this);
        }
    }
}
