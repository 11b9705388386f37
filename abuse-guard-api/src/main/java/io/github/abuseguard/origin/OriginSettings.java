package io.github.abuseguard.origin;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRule;
import io.github.abuseguard.Mode;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.RuleScopeSettings;
import io.github.abuseguard.internal.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code abuse-guard.origin.*}: Origin and Referer validation.
 *
 * @param enabled Whether the guard runs; abuse-guard.enabled=false switches the whole library off.
 * @param mode Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's.
 * @param ownOrigins The application's public origins, scheme://host[:port] or scheme://*.domain: when set, the own origin that allow-same-origin lets through is one of these and the request's Host is never read; unset, it is the Host each request names.
 * @param rules The rules by name, each with paths, methods, allowed-origins, allow-same-origin, allow-null, allow-same-site, missing, missing-score, action and api-keys.
 */
public record OriginSettings(
        @Default("" + DEFAULT_ENABLED) boolean enabled,
        @Default(DEFAULT_MODE) Mode mode,
        List<String> ownOrigins,
        Map<String, Rule> rules)
        implements GuardSettings {

    public OriginSettings {
        ownOrigins = Settings.copy(ownOrigins);
        rules = Settings.copy(rules);
    }

    /**
     * {@code abuse-guard.origin.rules.NAME.*}: one origin rule.
     *
     * @param paths Path patterns the rule applies to.
     * @param methods HTTP methods the rule applies to; empty means the guard's default methods.
     * @param allowedOrigins Origins allowed besides the application's own: scheme://host[:port] or scheme://*.domain.
     * @param allowSameOrigin Whether the application's own origin is allowed: own-origins when set, else the request's Host.
     * @param allowNull Whether the opaque origin null is allowed.
     * @param allowSameSite Whether Sec-Fetch-Site: same-site passes without a listed origin.
     * @param missing What a request with neither Origin nor Referer gets: allow, reject or flag.
     * @param missingScore The risk score of a request without Origin or Referer under the flag policy.
     * @param action How a refused request is answered: reject (403), decoy, tarpit, tag or log.
     * @param decoy The decoy answered with when the action is decoy.
     * @param apiKeyHeader The header carrying API keys that are bound to origins.
     * @param apiKeys API keys bound to origins: a request with such a key must come from one of its origins.
     */
    public record Rule(
            @Default(DEFAULT_PATHS) List<String> paths,
            List<String> methods,
            List<String> allowedOrigins,

            @Default("" + OriginRule.DEFAULT_ALLOW_SAME_ORIGIN)
            boolean allowSameOrigin,

            @Default("" + OriginRule.DEFAULT_ALLOW_NULL) boolean allowNull,

            @Default("" + OriginRule.DEFAULT_ALLOW_SAME_SITE)
            boolean allowSameSite,

            @Default(DEFAULT_MISSING) MissingOriginPolicy missing,
            @Default("" + OriginRule.DEFAULT_MISSING_SCORE) int missingScore,
            @Default(DEFAULT_ACTION) Action action,
            @Default(GuardRule.DEFAULT_DECOY) String decoy,
            @Default(OriginRule.DEFAULT_API_KEY_HEADER) String apiKeyHeader,
            Map<String, List<String>> apiKeys)
            implements RuleScopeSettings {

        /** The default of {@code paths}: every path. */
        public static final String DEFAULT_PATHS = "/**";

        /** The default of {@code missing}: {@link OriginRule#DEFAULT_MISSING}, as a property value. */
        public static final String DEFAULT_MISSING = "flag";

        /** The default of {@code action}: {@link OriginRule#DEFAULT_ACTION}, as a property value. */
        public static final String DEFAULT_ACTION = "reject";

        public Rule {
            paths = Settings.copy(paths);
            methods = Settings.copy(methods);
            allowedOrigins = Settings.copy(allowedOrigins);
            Map<String, List<String>> keys = new LinkedHashMap<>();
            if (apiKeys != null) {
                apiKeys.forEach((key, origins) -> keys.put(key, Settings.copy(origins)));
            }
            apiKeys = Settings.copy(keys);
        }
    }
}
