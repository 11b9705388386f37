package io.github.abuseguard.client;

import io.github.abuseguard.Action;
import io.github.abuseguard.config.GuardSettingsBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code abuse-guard.client-signals.*}: user-agent and proxy/CDN signals. */
public class ClientSignalsSettings extends GuardSettingsBean {

    /** The default of {@code builtin-signatures}. */
    public static final boolean DEFAULT_BUILTIN_SIGNATURES = true;

    /** The default of {@code missing-user-agent-score}. */
    public static final int DEFAULT_MISSING_USER_AGENT_SCORE = 15;

    /** The default of {@code via-score}. */
    public static final int DEFAULT_VIA_SCORE = 10;

    /** The default of {@code amazon-cloud-front-id-score}. */
    public static final int DEFAULT_AMAZON_CLOUD_FRONT_ID_SCORE = 60;

    /** The default of {@code cloud-front-headers-score}. */
    public static final int DEFAULT_CLOUD_FRONT_HEADERS_SCORE = 15;

    /** The default of {@code untrusted-forwarding-score}. */
    public static final int DEFAULT_UNTRUSTED_FORWARDING_SCORE = 10;

    /** The default of {@code cdn-user-agent-score}. */
    public static final int DEFAULT_CDN_USER_AGENT_SCORE = 30;

    /** Whether the built-in automation signatures (HTTP libraries 20, headless browsers 30, attack tools 100) apply. */
    private boolean builtinSignatures = DEFAULT_BUILTIN_SIGNATURES;

    /** Risk score of a request without a User-Agent. */
    private int missingUserAgentScore = DEFAULT_MISSING_USER_AGENT_SCORE;

    /** Risk score of a Via header from a peer that is not a trusted proxy. */
    private int viaScore = DEFAULT_VIA_SCORE;

    /** Risk score of an X-Amz-Cf-Id header from a peer that is not a trusted proxy. */
    private int amazonCloudFrontIdScore = DEFAULT_AMAZON_CLOUD_FRONT_ID_SCORE;

    /** Risk score of CloudFront-* viewer headers from a peer that is not a trusted proxy. */
    private int cloudFrontHeadersScore = DEFAULT_CLOUD_FRONT_HEADERS_SCORE;

    /** Risk score of X-Forwarded-* or Forwarded headers from a peer that is not a trusted proxy. */
    private int untrustedForwardingScore = DEFAULT_UNTRUSTED_FORWARDING_SCORE;

    /** Risk score of the Amazon CloudFront user agent. */
    private int cdnUserAgentScore = DEFAULT_CDN_USER_AGENT_SCORE;

    /** Your user-agent rules by name, each with pattern (a case-insensitive regex), action (reject or flag) and score. */
    private Map<String, UserAgentRule> userAgentRules = new LinkedHashMap<>();

    /** Routes only your own client calls, by name, each with paths, pattern (its user agent) and score. */
    private Map<String, ExpectedClient> expectedClients = new LinkedHashMap<>();

    public boolean isBuiltinSignatures() {
        return builtinSignatures;
    }

    public void setBuiltinSignatures(boolean builtinSignatures) {
        this.builtinSignatures = builtinSignatures;
    }

    public int getMissingUserAgentScore() {
        return missingUserAgentScore;
    }

    public void setMissingUserAgentScore(int missingUserAgentScore) {
        this.missingUserAgentScore = missingUserAgentScore;
    }

    public int getViaScore() {
        return viaScore;
    }

    public void setViaScore(int viaScore) {
        this.viaScore = viaScore;
    }

    public int getAmazonCloudFrontIdScore() {
        return amazonCloudFrontIdScore;
    }

    public void setAmazonCloudFrontIdScore(int amazonCloudFrontIdScore) {
        this.amazonCloudFrontIdScore = amazonCloudFrontIdScore;
    }

    public int getCloudFrontHeadersScore() {
        return cloudFrontHeadersScore;
    }

    public void setCloudFrontHeadersScore(int cloudFrontHeadersScore) {
        this.cloudFrontHeadersScore = cloudFrontHeadersScore;
    }

    public int getUntrustedForwardingScore() {
        return untrustedForwardingScore;
    }

    public void setUntrustedForwardingScore(int untrustedForwardingScore) {
        this.untrustedForwardingScore = untrustedForwardingScore;
    }

    public int getCdnUserAgentScore() {
        return cdnUserAgentScore;
    }

    public void setCdnUserAgentScore(int cdnUserAgentScore) {
        this.cdnUserAgentScore = cdnUserAgentScore;
    }

    public Map<String, UserAgentRule> getUserAgentRules() {
        return userAgentRules;
    }

    public void setUserAgentRules(Map<String, UserAgentRule> userAgentRules) {
        this.userAgentRules = userAgentRules;
    }

    public Map<String, ExpectedClient> getExpectedClients() {
        return expectedClients;
    }

    public void setExpectedClients(Map<String, ExpectedClient> expectedClients) {
        this.expectedClients = expectedClients;
    }

    /** {@code abuse-guard.client-signals.user-agent-rules.NAME.*}: one user-agent rule. */
    public static class UserAgentRule {

        /** The default of {@code action}. */
        public static final Action DEFAULT_ACTION = Action.LOG;

        /** The default of {@code score}. */
        public static final int DEFAULT_SCORE = 20;

        /** A case-insensitive regular expression searched in the User-Agent. */
        private @Nullable String pattern;

        /** reject (403) or flag (adds the score). */
        private Action action = DEFAULT_ACTION;

        /** The risk score of a flag. */
        private int score = DEFAULT_SCORE;

        public @Nullable String getPattern() {
            return pattern;
        }

        public void setPattern(@Nullable String pattern) {
            this.pattern = pattern;
        }

        public Action getAction() {
            return action;
        }

        public void setAction(Action action) {
            this.action = action;
        }

        public int getScore() {
            return score;
        }

        public void setScore(int score) {
            this.score = score;
        }
    }

    /** {@code abuse-guard.client-signals.expected-clients.NAME.*}: routes only a known client calls. */
    public static class ExpectedClient {

        /** The default of {@code score}. */
        public static final int DEFAULT_SCORE = 30;

        /** The routes. */
        private List<String> paths = new ArrayList<>();

        /** A case-insensitive regular expression the expected client's User-Agent contains. */
        private @Nullable String pattern;

        /** The risk score of any other client. */
        private int score = DEFAULT_SCORE;

        public List<String> getPaths() {
            return paths;
        }

        public void setPaths(List<String> paths) {
            this.paths = paths;
        }

        public @Nullable String getPattern() {
            return pattern;
        }

        public void setPattern(@Nullable String pattern) {
            this.pattern = pattern;
        }

        public int getScore() {
            return score;
        }

        public void setScore(int score) {
            this.score = score;
        }
    }
}
