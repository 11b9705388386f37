package io.github.abuseguard.email;

import io.github.abuseguard.GuardRule;
import io.github.abuseguard.config.GuardSettingsBean;
import io.github.abuseguard.config.RuleScopeBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code abuse-guard.email.*}: disposable-address rejection. */
public class EmailSettings extends GuardSettingsBean {

    /** The default of {@code bundled}. */
    public static final boolean DEFAULT_BUNDLED = true;

    /** The default of {@code protect-major-providers}. */
    public static final boolean DEFAULT_PROTECT_MAJOR_PROVIDERS = true;

    /** The default of {@code refresh-interval}. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofHours(6);

    /** The default of {@code mx-check}. */
    public static final boolean DEFAULT_MX_CHECK = false;

    /** The default of {@code mx-budget}. */
    public static final Duration DEFAULT_MX_BUDGET = Duration.ofMillis(50);

    /** The default of {@code bounce-threshold}. */
    public static final int DEFAULT_BOUNCE_THRESHOLD = 5;

    /** The default of {@code bounce-rate}. */
    public static final double DEFAULT_BOUNCE_RATE = 0.2;

    /** The default of {@code bounce-window}. */
    public static final Duration DEFAULT_BOUNCE_WINDOW = Duration.ofHours(1);

    /** The default of {@code bounce-block-for}. */
    public static final Duration DEFAULT_BOUNCE_BLOCK_FOR = Duration.ofDays(1);

    /** Whether the bundled list of disposable domains is used. */
    private boolean bundled = DEFAULT_BUNDLED;

    /** More lists, one domain per line: file paths, http(s) URLs refreshed on a schedule, or bundled:mailchecker (56,000 domains, MIT). */
    private List<String> sources = new ArrayList<>();

    /** Domains never treated as disposable; an allowlist always wins. */
    private List<String> allowlist = new ArrayList<>();

    /** Whether the major real providers (gmail.com, outlook.com, ...) are protected from every list and check. */
    private boolean protectMajorProviders = DEFAULT_PROTECT_MAJOR_PROVIDERS;

    /** How often URL sources are fetched again (with conditional requests) and files checked for changes. */
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;

    /** Whether a domain whose mail servers are disposable hosts counts as disposable (asks DNS). */
    private boolean mxCheck = DEFAULT_MX_CHECK;

    /** How long a request may wait for an uncached MX answer before it goes on as not disposable. */
    private Duration mxBudget = DEFAULT_MX_BUDGET;

    /** Mail servers (MX hosts) known to serve disposable domains; more are learned at run time. */
    private List<String> mxHosts = new ArrayList<>();

    /** Bounces or complaints within the window that block a domain (or a mail server) once the rate is reached too. */
    private int bounceThreshold = DEFAULT_BOUNCE_THRESHOLD;

    /** The share of a domain's reported mail (bounces, complaints, deliveries) that bounced, from 0 to 1, at which it is blocked. */
    private double bounceRate = DEFAULT_BOUNCE_RATE;

    /** The window bounces are counted in. */
    private Duration bounceWindow = DEFAULT_BOUNCE_WINDOW;

    /** How long a domain stays blocked after too many bounces. */
    private Duration bounceBlockFor = DEFAULT_BOUNCE_BLOCK_FOR;

    /** The rules by name, each with paths, methods, field (/json/pointer or query:NAME), response (reject, flag, decoy), score and decoy. */
    private Map<String, Rule> rules = new LinkedHashMap<>();

    public boolean isBundled() {
        return bundled;
    }

    public void setBundled(boolean bundled) {
        this.bundled = bundled;
    }

    public List<String> getSources() {
        return sources;
    }

    public void setSources(List<String> sources) {
        this.sources = sources;
    }

    public List<String> getAllowlist() {
        return allowlist;
    }

    public void setAllowlist(List<String> allowlist) {
        this.allowlist = allowlist;
    }

    public boolean isProtectMajorProviders() {
        return protectMajorProviders;
    }

    public void setProtectMajorProviders(boolean protectMajorProviders) {
        this.protectMajorProviders = protectMajorProviders;
    }

    public Duration getRefreshInterval() {
        return refreshInterval;
    }

    public void setRefreshInterval(Duration refreshInterval) {
        this.refreshInterval = refreshInterval;
    }

    public boolean isMxCheck() {
        return mxCheck;
    }

    public void setMxCheck(boolean mxCheck) {
        this.mxCheck = mxCheck;
    }

    public Duration getMxBudget() {
        return mxBudget;
    }

    public void setMxBudget(Duration mxBudget) {
        this.mxBudget = mxBudget;
    }

    public List<String> getMxHosts() {
        return mxHosts;
    }

    public void setMxHosts(List<String> mxHosts) {
        this.mxHosts = mxHosts;
    }

    public double getBounceRate() {
        return bounceRate;
    }

    public void setBounceRate(double bounceRate) {
        this.bounceRate = bounceRate;
    }

    public int getBounceThreshold() {
        return bounceThreshold;
    }

    public void setBounceThreshold(int bounceThreshold) {
        this.bounceThreshold = bounceThreshold;
    }

    public Duration getBounceWindow() {
        return bounceWindow;
    }

    public void setBounceWindow(Duration bounceWindow) {
        this.bounceWindow = bounceWindow;
    }

    public Duration getBounceBlockFor() {
        return bounceBlockFor;
    }

    public void setBounceBlockFor(Duration bounceBlockFor) {
        this.bounceBlockFor = bounceBlockFor;
    }

    public Map<String, Rule> getRules() {
        return rules;
    }

    public void setRules(Map<String, Rule> rules) {
        this.rules = rules;
    }

    /** {@code abuse-guard.email.rules.NAME.*}: where an address arrives. */
    public static class Rule extends RuleScopeBean {

        /** The field: a JSON Pointer such as /email (a form field for URL-encoded bodies), or query:NAME. */
        private String field = EmailRule.DEFAULT_FIELD;

        /** How a disposable address is answered: reject (422), flag or decoy. */
        private EmailRule.Response response = EmailRule.DEFAULT_RESPONSE;

        /** The risk score of a flag. */
        private int score = EmailRule.DEFAULT_SCORE;

        /** The decoy of the decoy response. */
        private String decoy = GuardRule.DEFAULT_DECOY;

        public String getField() {
            return field;
        }

        public void setField(String field) {
            this.field = field;
        }

        public EmailRule.Response getResponse() {
            return response;
        }

        public void setResponse(EmailRule.Response response) {
            this.response = response;
        }

        public int getScore() {
            return score;
        }

        public void setScore(int score) {
            this.score = score;
        }

        public String getDecoy() {
            return decoy;
        }

        public void setDecoy(String decoy) {
            this.decoy = decoy;
        }
    }
}
