package io.github.abuseguard.origin;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRule;
import io.github.abuseguard.config.GuardSettingsBean;
import io.github.abuseguard.config.RuleScopeBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code abuse-guard.origin.*}: Origin and Referer validation. */
public class OriginSettings extends GuardSettingsBean {

    /**
     * The application's public origins, scheme://host[:port] or scheme://*.domain: when set, the own origin that allow-same-origin lets through is one of these and the request's Host is never read; unset, it is the Host each request names.
     */
    private List<String> ownOrigins = new ArrayList<>();

    /** The rules by name, each with paths, methods, allowed-origins, allow-same-origin, allow-null, allow-same-site, missing, missing-score, action and api-keys. */
    private Map<String, Rule> rules = new LinkedHashMap<>();

    public List<String> getOwnOrigins() {
        return ownOrigins;
    }

    public void setOwnOrigins(List<String> ownOrigins) {
        this.ownOrigins = ownOrigins;
    }

    public Map<String, Rule> getRules() {
        return rules;
    }

    public void setRules(Map<String, Rule> rules) {
        this.rules = rules;
    }

    /** {@code abuse-guard.origin.rules.NAME.*}: one origin rule. */
    public static class Rule extends RuleScopeBean {

        /** The default of {@code paths}: every path. */
        public static final List<String> DEFAULT_PATHS = List.of("/**");

        public Rule() {
            super(DEFAULT_PATHS);
        }

        /** Origins allowed besides the application's own: scheme://host[:port] or scheme://*.domain. */
        private List<String> allowedOrigins = new ArrayList<>();

        /** Whether the application's own origin is allowed: own-origins when set, else the request's Host. */
        private boolean allowSameOrigin = OriginRule.DEFAULT_ALLOW_SAME_ORIGIN;

        /** Whether the opaque origin null is allowed. */
        private boolean allowNull = OriginRule.DEFAULT_ALLOW_NULL;

        /** Whether Sec-Fetch-Site: same-site passes without a listed origin. */
        private boolean allowSameSite = OriginRule.DEFAULT_ALLOW_SAME_SITE;

        /** What a request with neither Origin nor Referer gets: allow, reject or flag. */
        private MissingOriginPolicy missing = OriginRule.DEFAULT_MISSING;

        /** The risk score of a request without Origin or Referer under the flag policy. */
        private int missingScore = OriginRule.DEFAULT_MISSING_SCORE;

        /** How a refused request is answered: reject (403), decoy, tarpit, tag or log. */
        private Action action = OriginRule.DEFAULT_ACTION;

        /** The decoy answered with when the action is decoy. */
        private String decoy = GuardRule.DEFAULT_DECOY;

        /** The header carrying API keys that are bound to origins. */
        private String apiKeyHeader = OriginRule.DEFAULT_API_KEY_HEADER;

        /** API keys bound to origins: a request with such a key must come from one of its origins. */
        private Map<String, List<String>> apiKeys = new LinkedHashMap<>();

        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }

        public boolean isAllowSameOrigin() {
            return allowSameOrigin;
        }

        public void setAllowSameOrigin(boolean allowSameOrigin) {
            this.allowSameOrigin = allowSameOrigin;
        }

        public boolean isAllowNull() {
            return allowNull;
        }

        public void setAllowNull(boolean allowNull) {
            this.allowNull = allowNull;
        }

        public boolean isAllowSameSite() {
            return allowSameSite;
        }

        public void setAllowSameSite(boolean allowSameSite) {
            this.allowSameSite = allowSameSite;
        }

        public MissingOriginPolicy getMissing() {
            return missing;
        }

        public void setMissing(MissingOriginPolicy missing) {
            this.missing = missing;
        }

        public int getMissingScore() {
            return missingScore;
        }

        public void setMissingScore(int missingScore) {
            this.missingScore = missingScore;
        }

        public Action getAction() {
            return action;
        }

        public void setAction(Action action) {
            this.action = action;
        }

        public String getDecoy() {
            return decoy;
        }

        public void setDecoy(String decoy) {
            this.decoy = decoy;
        }

        public String getApiKeyHeader() {
            return apiKeyHeader;
        }

        public void setApiKeyHeader(String apiKeyHeader) {
            this.apiKeyHeader = apiKeyHeader;
        }

        public Map<String, List<String>> getApiKeys() {
            return apiKeys;
        }

        public void setApiKeys(Map<String, List<String>> apiKeys) {
            this.apiKeys = apiKeys;
        }
    }
}
