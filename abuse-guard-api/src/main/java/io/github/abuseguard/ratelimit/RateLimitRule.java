package io.github.abuseguard.ratelimit;

import io.github.abuseguard.Action;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.RequestMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A rate-limit rule: which requests it counts (path patterns and methods), whose bucket they count
 * against (the key), how many tokens each takes (the cost), the limits of the bucket, and how a
 * request over the limit is answered.
 */
public final class RateLimitRule {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String name;
    private final List<PathPattern> paths;
    private final Set<String> methods;
    private final RequestMatcher matcher;
    private final KeyResolver key;
    private final String keySpec;
    private final List<Limit> limits;
    private final long cost;
    private final Action action;
    private final String source;
    private final String decoy;

    private RateLimitRule(Builder builder) {
        this.name = builder.name;
        this.paths = List.copyOf(builder.paths);
        this.methods = Set.copyOf(builder.methods);
        this.matcher = RequestMatcher.of(this.paths, this.methods);
        this.key = builder.key;
        this.keySpec = builder.keySpec;
        this.limits = List.copyOf(builder.limits);
        this.cost = builder.cost;
        this.action = builder.action;
        this.source = builder.source;
        this.decoy = builder.decoy;
    }

    /** The decoy a {@link Action#DECOY} denial answers with, or {@code null} for the default. */
    public @Nullable String decoy() {
        return decoy;
    }

    /**
     * Starts a rule.
     *
     * @param name the rule's name, also the policy name in the {@code RateLimit} fields: letters, digits,
     *     {@code . _ -}, at most 64 characters
     * @throws IllegalArgumentException if the name is not of that form
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** The path patterns; the rule applies when any matches. */
    public List<PathPattern> paths() {
        return paths;
    }

    /** The methods, upper case; empty means every method. */
    public Set<String> methods() {
        return methods;
    }

    public KeyResolver key() {
        return key;
    }

    /** The key as configured, such as {@code ip+body:/username}, for reports. */
    public String keySpec() {
        return keySpec;
    }

    public List<Limit> limits() {
        return limits;
    }

    /** Tokens one request takes. */
    public long cost() {
        return cost;
    }

    public Action action() {
        return action;
    }

    /** Where the rule came from, such as {@code properties} or an annotated method, for reports. */
    public String source() {
        return source;
    }

    boolean appliesTo(String method, String path) {
        return matcher.matches(method, path);
    }

    /** Whether some request of the method whose path belongs to the route template may be matched. */
    boolean mayApplyToRoute(String method, PathPattern route) {
        return matcher.mayMatchRoute(method, route);
    }

    @Override
    public String toString() {
        return "RateLimitRule[" + name + " " + methods + " " + paths + " key=" + keySpec + " " + limits + "]";
    }

    /** Builds a {@link RateLimitRule}. */
    public static final class Builder {
        private final String name;
        private final List<PathPattern> paths = new ArrayList<>();
        private final Set<String> methods = new LinkedHashSet<>();
        private KeyResolver key = KeyResolver.ip();
        private String keySpec = "ip";
        private final List<Limit> limits = new ArrayList<>();
        private long cost = 1;
        private Action action = Action.THROTTLE;
        private String source = "code";
        private String decoy;

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("rule name '" + name
                        + "' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            this.name = name;
        }

        /** Adds a path pattern; see {@link PathPattern}. At least one is required. */
        public Builder path(String pattern) {
            paths.add(PathPattern.parse(pattern));
            return this;
        }

        /** Restricts the rule to these methods; every method by default. */
        public Builder methods(String... methods) {
            for (String method : methods) {
                this.methods.add(method.trim().toUpperCase(Locale.ROOT));
            }
            return this;
        }

        /**
         * The key, as a specification for {@link KeyResolver#parse(String)}. Default {@code ip}. A request
         * without what the key needs counts against its client address instead, so leaving out a header
         * never escapes the limit.
         */
        public Builder key(String spec) {
            this.key = KeyResolver.parse(spec);
            this.keySpec = spec;
            return this;
        }

        /** The key as a resolver, for keys that a specification cannot express. */
        public Builder key(KeyResolver key, String description) {
            this.key = Objects.requireNonNull(key, "key");
            this.keySpec = Objects.requireNonNull(description, "description");
            return this;
        }

        /** Adds a limit; at least one is required. */
        public Builder limit(Limit limit) {
            limits.add(Objects.requireNonNull(limit, "limit"));
            return this;
        }

        /**
         * Tokens one request takes. Default 1.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder cost(long cost) {
            if (cost < 1) {
                throw new IllegalArgumentException("cost must be positive, was " + cost);
            }
            this.cost = cost;
            return this;
        }

        /** How a request over the limit is answered. Default {@link Action#THROTTLE} (429). */
        public Builder action(Action action) {
            this.action = Objects.requireNonNull(action, "action");
            return this;
        }

        /** The decoy a {@link Action#DECOY} denial answers with; the default decoy when not set. */
        public Builder decoy(String decoy) {
            this.decoy = decoy;
            return this;
        }

        /** Where the rule came from, for reports. Default {@code code}. */
        public Builder source(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * @throws IllegalStateException if there is no path or no limit, or the cost exceeds a limit's
         *     capacity (no request could ever pass)
         */
        public RateLimitRule build() {
            if (paths.isEmpty()) {
                throw new IllegalStateException("rate-limit rule '" + name + "' needs at least one path");
            }
            if (limits.isEmpty()) {
                throw new IllegalStateException("rate-limit rule '" + name + "' needs at least one limit");
            }
            for (Limit limit : limits) {
                if (cost > limit.capacity()) {
                    throw new IllegalStateException("rate-limit rule '" + name + "' costs " + cost
                            + " tokens per request but a limit holds only " + limit.capacity());
                }
            }
            return new RateLimitRule(this);
        }
    }
}
