package io.github.abuseguard.origin;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRule;
import io.github.abuseguard.internal.OriginPattern;
import io.github.abuseguard.internal.WebOrigin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which origins may call a set of routes. By default a rule protects the unsafe methods (POST, PUT,
 * PATCH, DELETE), allows the application's own origin, refuses the {@code null} origin and
 * cross-site requests, and flags a request without {@code Origin} or {@code Referer} with a score of
 * 40: browsers send {@code Origin} on every unsafe request, so its absence means a non-browser client,
 * suspicious but not a verdict on its own.
 */
public final class OriginRule extends GuardRule {

    /** The default of {@link Builder#allowSameOrigin}. */
    public static final boolean DEFAULT_ALLOW_SAME_ORIGIN = true;

    /** The default of {@link Builder#allowNull}. */
    public static final boolean DEFAULT_ALLOW_NULL = false;

    /** The default of {@link Builder#allowSameSite}. */
    public static final boolean DEFAULT_ALLOW_SAME_SITE = false;

    /** The default policy of {@link Builder#missing}. */
    public static final MissingOriginPolicy DEFAULT_MISSING = MissingOriginPolicy.FLAG;

    /** The default score of {@link Builder#missing}. */
    public static final int DEFAULT_MISSING_SCORE = 40;

    /** The default of {@link Builder#action}: 403. */
    public static final Action DEFAULT_ACTION = Action.REJECT;

    /** The default of {@link Builder#apiKeyHeader}. */
    public static final String DEFAULT_API_KEY_HEADER = "X-Api-Key";

    private final List<OriginPattern> allowedOrigins;
    private final boolean allowSameOrigin;
    private final boolean allowNull;
    private final boolean allowSameSite;
    private final MissingOriginPolicy missing;
    private final int missingScore;
    private final Action action;
    private final String apiKeyHeader;
    private final Map<String, List<OriginPattern>> apiKeyOrigins;
    private final @Nullable String decoy;

    private OriginRule(Builder builder) {
        super(builder);
        this.allowedOrigins = List.copyOf(builder.allowedOrigins);
        this.allowSameOrigin = builder.allowSameOrigin;
        this.allowNull = builder.allowNull;
        this.allowSameSite = builder.allowSameSite;
        this.missing = builder.missing;
        this.missingScore = builder.missingScore;
        this.action = builder.action;
        this.apiKeyHeader = builder.apiKeyHeader;
        Map<String, List<OriginPattern>> keys = new LinkedHashMap<>();
        builder.apiKeyOrigins.forEach((key, origins) -> keys.put(key, List.copyOf(origins)));
        this.apiKeyOrigins = Map.copyOf(keys);
        this.decoy = builder.decoy;
    }

    /** The decoy a {@link Action#DECOY} refusal answers with, or {@code null} for the default. */
    public @Nullable String decoy() {
        return decoy;
    }

    /** Starts a rule; the name follows the rate-limit rule names' form. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The allowed origins as configured, such as {@code https://*.example.com}. */
    public List<String> allowedOrigins() {
        return allowedOrigins.stream().map(OriginPattern::toString).toList();
    }

    public boolean allowSameOrigin() {
        return allowSameOrigin;
    }

    public boolean allowNull() {
        return allowNull;
    }

    public boolean allowSameSite() {
        return allowSameSite;
    }

    public MissingOriginPolicy missing() {
        return missing;
    }

    public int missingScore() {
        return missingScore;
    }

    public Action action() {
        return action;
    }

    String apiKeyHeader() {
        return apiKeyHeader;
    }

    /** The origins an API key is bound to, or {@code null} when the key is not bound. */
    @Nullable
    List<OriginPattern> originsOfApiKey(String key) {
        return key == null ? null : apiKeyOrigins.get(key);
    }

    /** Whether the rule binds API keys to origins. */
    boolean bindsKeys() {
        return !apiKeyOrigins.isEmpty();
    }

    /** Whether some API key of the rule is bound to {@code origin}. */
    boolean bindsKeyTo(WebOrigin origin) {
        for (List<OriginPattern> bound : apiKeyOrigins.values()) {
            for (OriginPattern pattern : bound) {
                if (pattern.matches(origin)) {
                    return true;
                }
            }
        }
        return false;
    }

    boolean listed(WebOrigin origin) {
        for (OriginPattern pattern : allowedOrigins) {
            if (pattern.matches(origin)) {
                return true;
            }
        }
        return false;
    }

    /** Builds an {@link OriginRule}; with no methods given it protects POST, PUT, PATCH and DELETE. */
    public static final class Builder extends GuardRule.Builder<Builder> {
        private final List<OriginPattern> allowedOrigins = new ArrayList<>();
        private boolean allowSameOrigin = DEFAULT_ALLOW_SAME_ORIGIN;
        private boolean allowNull = DEFAULT_ALLOW_NULL;
        private boolean allowSameSite = DEFAULT_ALLOW_SAME_SITE;
        private MissingOriginPolicy missing = DEFAULT_MISSING;
        private int missingScore = DEFAULT_MISSING_SCORE;
        private Action action = DEFAULT_ACTION;
        private String apiKeyHeader = DEFAULT_API_KEY_HEADER;
        private final Map<String, List<OriginPattern>> apiKeyOrigins = new LinkedHashMap<>();
        private @Nullable String decoy;

        private Builder(String name) {
            super(name, "origin");
        }

        /** Adds an allowed origin; see {@link OriginPattern}. */
        public Builder allowOrigin(String pattern) {
            allowedOrigins.add(OriginPattern.parse(pattern));
            return this;
        }

        /**
         * Whether the application's own origin is allowed: one of the guard's own origins when they are
         * named ({@link OriginGuard#of(List, List)}), else the request's target origin, which comes from
         * the {@code Host} the client sent. Default {@code true}.
         */
        public Builder allowSameOrigin(boolean allowSameOrigin) {
            this.allowSameOrigin = allowSameOrigin;
            return this;
        }

        /** Whether {@code Origin: null} (sandboxed frames, some redirects) is allowed. Default {@code false}. */
        public Builder allowNull(boolean allowNull) {
            this.allowNull = allowNull;
            return this;
        }

        /** Whether {@code Sec-Fetch-Site: same-site} passes without a listed origin. Default {@code false}. */
        public Builder allowSameSite(boolean allowSameSite) {
            this.allowSameSite = allowSameSite;
            return this;
        }

        /**
         * What to do with a request that has neither {@code Origin} nor {@code Referer}. Default
         * {@link MissingOriginPolicy#FLAG} with {@code score}.
         *
         * @throws IllegalArgumentException if the score is not positive
         */
        public Builder missing(MissingOriginPolicy missing, int score) {
            if (score < 1) {
                throw new IllegalArgumentException("missing-origin score must be positive, was " + score);
            }
            this.missing = Objects.requireNonNull(missing, "missing");
            this.missingScore = score;
            return this;
        }

        /** How a refused request is answered. Default {@link Action#REJECT} (403). */
        public Builder action(Action action) {
            this.action = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * The header carrying API keys bound to origins. Default {@code X-Api-Key}.
         *
         * @throws IllegalArgumentException if the name is blank: no request carries such a header, so the
         *     keys bound to origins would never be checked
         */
        public Builder apiKeyHeader(String apiKeyHeader) {
            if (Objects.requireNonNull(apiKeyHeader, "apiKeyHeader").isBlank()) {
                throw new IllegalArgumentException("must name a header, such as " + DEFAULT_API_KEY_HEADER);
            }
            this.apiKeyHeader = apiKeyHeader;
            return this;
        }

        /** Binds an API key to origins: a request with this key must come from one of them. */
        public Builder bindApiKey(String key, List<String> origins) {
            List<OriginPattern> patterns = new ArrayList<>();
            for (String origin : origins) {
                patterns.add(OriginPattern.parse(origin));
            }
            apiKeyOrigins.put(Objects.requireNonNull(key, "key"), patterns);
            return this;
        }

        /** The decoy a {@link Action#DECOY} refusal answers with; the default decoy when not set. */
        public Builder decoy(String decoy) {
            this.decoy = decoy;
            return this;
        }

        /** @throws IllegalStateException if there is no path */
        public OriginRule build() {
            methodsUnlessGiven("POST", "PUT", "PATCH", "DELETE");
            return new OriginRule(this);
        }
    }
}
