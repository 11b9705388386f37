package io.github.abuseguard.config;

import io.github.abuseguard.Action;
import io.github.abuseguard.FailurePolicy;
import io.github.abuseguard.Mode;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.identity.ForwardedHeader;
import io.github.abuseguard.origin.MissingOriginPolicy;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.OnlyReads;
import io.github.abuseguard.volume.RateBaseline;
import io.github.abuseguard.volume.UnderScrape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code abuse-guard.*} configuration schema, as plain mutable beans. The Spring Boot starter
 * binds application properties into it; plain servlet apps load it from a YAML or properties file
 * with {@link SettingsBinder}. {@link SettingsAssembler} validates it and builds the engine; every
 * problem it finds names the property.
 */
public class AbuseGuardSettings {

    /** Whether the library protects requests at all. */
    private boolean enabled = true;

    /** Engine-wide mode: {@code enforce} carries out denials, {@code monitor} only reports them. */
    private Mode mode = Mode.ENFORCE;

    /** What happens to a request when a guard fails: {@code fail-open} lets it through, {@code fail-closed} answers 503. */
    private FailurePolicy failurePolicy = FailurePolicy.FAIL_OPEN;

    /** The summed flag score at which a request is denied; 0 means flags never deny. */
    private int riskThreshold = 100;

    /** How a request denied for its risk score is answered. */
    private Action riskAction = Action.REJECT;

    /** The least time between two log lines about the same failing guard. */
    private Duration failureLogInterval = Duration.ofMinutes(1);

    private final Client client = new Client();
    private final Body body = new Body();
    private final Store store = new Store();
    private final Responses responses = new Responses();
    private final Logging logging = new Logging();
    private final Routes routes = new Routes();
    private final RateLimit rateLimit = new RateLimit();
    private final Origin origin = new Origin();
    private final ClientSignals clientSignals = new ClientSignals();
    private final IpLists ipLists = new IpLists();
    private final Tarpit tarpit = new Tarpit();
    private final Email email = new Email();
    private final Sequence sequence = new Sequence();
    private final Failure failure = new Failure();
    private final Volume volume = new Volume();

    /** Fake successes by name, for the decoy action; {@code default} is used when a rule names none. */
    private Map<String, Decoy> decoys = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public FailurePolicy getFailurePolicy() {
        return failurePolicy;
    }

    public void setFailurePolicy(FailurePolicy failurePolicy) {
        this.failurePolicy = failurePolicy;
    }

    public int getRiskThreshold() {
        return riskThreshold;
    }

    public void setRiskThreshold(int riskThreshold) {
        this.riskThreshold = riskThreshold;
    }

    public Action getRiskAction() {
        return riskAction;
    }

    public void setRiskAction(Action riskAction) {
        this.riskAction = riskAction;
    }

    public Duration getFailureLogInterval() {
        return failureLogInterval;
    }

    public void setFailureLogInterval(Duration failureLogInterval) {
        this.failureLogInterval = failureLogInterval;
    }

    public Client getClient() {
        return client;
    }

    public Body getBody() {
        return body;
    }

    public Store getStore() {
        return store;
    }

    public Responses getResponses() {
        return responses;
    }

    public Logging getLogging() {
        return logging;
    }

    public Routes getRoutes() {
        return routes;
    }

    public RateLimit getRateLimit() {
        return rateLimit;
    }

    public Origin getOrigin() {
        return origin;
    }

    public ClientSignals getClientSignals() {
        return clientSignals;
    }

    public IpLists getIpLists() {
        return ipLists;
    }

    public Tarpit getTarpit() {
        return tarpit;
    }

    public Email getEmail() {
        return email;
    }

    public Sequence getSequence() {
        return sequence;
    }

    public Failure getFailure() {
        return failure;
    }

    public Volume getVolume() {
        return volume;
    }

    /** {@code abuse-guard.sequence.*}: request-sequence rules, the learned model and the endpoint inventory. */
    public static class Sequence {

        /** Whether the sequence guard runs (it runs when it has rules or a model). */
        private boolean enabled = true;

        /** The guard's mode; the engine-wide monitor mode overrides it. */
        private Mode mode = Mode.ENFORCE;

        /** What identifies a session: header:Authorization (the bearer token), cookie:NAME, session or principal; the client key when a request has none. */
        private String session = "header:Authorization";

        /** The most operations a session's trail keeps. */
        private int trailLength = 20;

        /** An idle gap after which a session's trail is forgotten and a new sequence starts. */
        private Duration idleGap = Duration.ofMinutes(30);

        /** Distinct values at a path segment position before the inventory folds it into a variable. */
        private int cardinalityThreshold = 20;

        /** The most templates the endpoint inventory tracks. */
        private int maxEndpoints = 2000;

        /** Precedence rules by name, each with operation, requires or forbids, status (2xx, 4xx or any), within and minimum-delay. */
        private Map<String, PrecedenceRuleSettings> rules = new LinkedHashMap<>();

        /** The learned model: off, learn (count transitions only), score, or learn-and-score. */
        private String model = "off";

        /** The share of learned sessions considered normal; paths scoring above that quantile are strange. */
        private double modelQuantile = 0.99;

        /** The risk score of a strange path. */
        private int modelScore = 60;

        /** Whether a strange path is refused (403) rather than flagged. */
        private boolean modelDeny = false;

        /** A model exported as JSON to start from, so learning survives restarts. */
        private String modelFile;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public String getSession() {
            return session;
        }

        public void setSession(String session) {
            this.session = session;
        }

        public int getTrailLength() {
            return trailLength;
        }

        public void setTrailLength(int trailLength) {
            this.trailLength = trailLength;
        }

        public Duration getIdleGap() {
            return idleGap;
        }

        public void setIdleGap(Duration idleGap) {
            this.idleGap = idleGap;
        }

        public int getCardinalityThreshold() {
            return cardinalityThreshold;
        }

        public void setCardinalityThreshold(int cardinalityThreshold) {
            this.cardinalityThreshold = cardinalityThreshold;
        }

        public int getMaxEndpoints() {
            return maxEndpoints;
        }

        public void setMaxEndpoints(int maxEndpoints) {
            this.maxEndpoints = maxEndpoints;
        }

        public Map<String, PrecedenceRuleSettings> getRules() {
            return rules;
        }

        public void setRules(Map<String, PrecedenceRuleSettings> rules) {
            this.rules = rules;
        }

        public String getModel() {
            return model;
        }

        public void setModel(String model) {
            this.model = model;
        }

        public double getModelQuantile() {
            return modelQuantile;
        }

        public void setModelQuantile(double modelQuantile) {
            this.modelQuantile = modelQuantile;
        }

        public int getModelScore() {
            return modelScore;
        }

        public void setModelScore(int modelScore) {
            this.modelScore = modelScore;
        }

        public boolean isModelDeny() {
            return modelDeny;
        }

        public void setModelDeny(boolean modelDeny) {
            this.modelDeny = modelDeny;
        }

        public String getModelFile() {
            return modelFile;
        }

        public void setModelFile(String modelFile) {
            this.modelFile = modelFile;
        }
    }

    /** {@code abuse-guard.sequence.rules.NAME.*}: one precedence rule. */
    public static class PrecedenceRuleSettings {

        /** The operation guarded, METHOD /template, such as POST /api/accounts/{id}/payment-methods. */
        private String operation;

        /** The operation that must come before it in the same session. */
        private String requires;

        /** The operation it must never follow (instead of requires). */
        private String forbids;

        /** The status class the prior operation must have answered with: 2xx, 3xx, 4xx, 5xx or any. */
        private String status = "2xx";

        /** How far back the prior operation counts. */
        private Duration within = Duration.ofMinutes(30);

        /** How long after the prior operation the session must wait. */
        private Duration minimumDelay = Duration.ZERO;

        public String getOperation() {
            return operation;
        }

        public void setOperation(String operation) {
            this.operation = operation;
        }

        public String getRequires() {
            return requires;
        }

        public void setRequires(String requires) {
            this.requires = requires;
        }

        public String getForbids() {
            return forbids;
        }

        public void setForbids(String forbids) {
            this.forbids = forbids;
        }

        public String getStatus() {
            return status;
        }

        public void setStatus(String status) {
            this.status = status;
        }

        public Duration getWithin() {
            return within;
        }

        public void setWithin(Duration within) {
            this.within = within;
        }

        public Duration getMinimumDelay() {
            return minimumDelay;
        }

        public void setMinimumDelay(Duration minimumDelay) {
            this.minimumDelay = minimumDelay;
        }
    }

    /** {@code abuse-guard.email.*}: disposable-address rejection. */
    public static class Email {

        /** Whether the disposable-email guard runs (it runs only when it has rules). */
        private boolean enabled = true;

        /** The guard's mode; the engine-wide monitor mode overrides it. */
        private Mode mode = Mode.ENFORCE;

        /** Whether the bundled list of disposable domains is used. */
        private boolean bundled = true;

        /** More lists, one domain per line: file paths, http(s) URLs refreshed on a schedule, or bundled:mailchecker (56,000 domains, MIT). */
        private List<String> sources = new ArrayList<>();

        /** Domains never treated as disposable; an allowlist always wins. */
        private List<String> allowlist = new ArrayList<>();

        /** Whether the major real providers (gmail.com, outlook.com, ...) are protected from every list and check. */
        private boolean protectMajorProviders = true;

        /** How often URL sources are fetched again (with conditional requests) and files checked for changes. */
        private Duration refreshInterval = Duration.ofHours(6);

        /** Whether a domain whose mail servers are disposable hosts counts as disposable (asks DNS). */
        private boolean mxCheck = false;

        /** How long a request may wait for an uncached MX answer before it goes on as not disposable. */
        private Duration mxBudget = Duration.ofMillis(50);

        /** Mail servers (MX hosts) known to serve disposable domains; more are learned at run time. */
        private List<String> mxHosts = new ArrayList<>();

        /** Bounces or complaints within the window that block a domain (or a mail server) once the rate is reached too. */
        private int bounceThreshold = 5;

        /** The share of a domain's reported mail (bounces, complaints, deliveries) that bounced, from 0 to 1, at which it is blocked. */
        private double bounceRate = 0.2;

        /** The window bounces are counted in. */
        private Duration bounceWindow = Duration.ofHours(1);

        /** How long a domain stays blocked after too many bounces. */
        private Duration bounceBlockFor = Duration.ofDays(1);

        /** The rules by name, each with paths, methods, field (/json/pointer or query:NAME), response (reject, flag, decoy), score and decoy. */
        private Map<String, EmailRuleSettings> rules = new LinkedHashMap<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

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

        public Map<String, EmailRuleSettings> getRules() {
            return rules;
        }

        public void setRules(Map<String, EmailRuleSettings> rules) {
            this.rules = rules;
        }
    }

    /** {@code abuse-guard.email.rules.NAME.*}: where an address arrives. */
    public static class EmailRuleSettings {

        /** The routes. */
        private List<String> paths = new ArrayList<>();

        /** The methods; POST, PUT and PATCH when empty. */
        private List<String> methods = new ArrayList<>();

        /** The field: a JSON Pointer such as /email (a form field for URL-encoded bodies), or query:NAME. */
        private String field = "/email";

        /** How a disposable address is answered: reject (422), flag or decoy. */
        private EmailRule.Response response = EmailRule.Response.REJECT;

        /** The risk score of a flag. */
        private int score = 50;

        /** The decoy of the decoy response. */
        private String decoy = "default";

        public List<String> getPaths() {
            return paths;
        }

        public void setPaths(List<String> paths) {
            this.paths = paths;
        }

        public List<String> getMethods() {
            return methods;
        }

        public void setMethods(List<String> methods) {
            this.methods = methods;
        }

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

    public Map<String, Decoy> getDecoys() {
        return decoys;
    }

    public void setDecoys(Map<String, Decoy> decoys) {
        this.decoys = decoys;
    }

    /** {@code abuse-guard.origin.*}: Origin and Referer validation. */
    public static class Origin {

        /** Whether the origin guard runs (it runs only when it has rules). */
        private boolean enabled = true;

        /** The guard's mode; the engine-wide monitor mode overrides it. */
        private Mode mode = Mode.ENFORCE;

        /** The rules by name, each with paths, methods, allowed-origins, allow-same-origin, allow-null, allow-same-site, missing, missing-score, action and api-keys. */
        private Map<String, OriginRuleSettings> rules = new LinkedHashMap<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public Map<String, OriginRuleSettings> getRules() {
            return rules;
        }

        public void setRules(Map<String, OriginRuleSettings> rules) {
            this.rules = rules;
        }
    }

    /** {@code abuse-guard.origin.rules.NAME.*}: one origin rule. */
    public static class OriginRuleSettings {

        /** Path patterns the rule protects. */
        private List<String> paths = new ArrayList<>(List.of("/**"));

        /** Methods the rule protects; POST, PUT, PATCH and DELETE when empty. */
        private List<String> methods = new ArrayList<>();

        /** Origins allowed besides the application's own: scheme://host[:port] or scheme://*.domain. */
        private List<String> allowedOrigins = new ArrayList<>();

        /** Whether the application's own origin is allowed. */
        private boolean allowSameOrigin = true;

        /** Whether the opaque origin null is allowed. */
        private boolean allowNull = false;

        /** Whether Sec-Fetch-Site: same-site passes without a listed origin. */
        private boolean allowSameSite = false;

        /** What a request with neither Origin nor Referer gets: allow, reject or flag. */
        private MissingOriginPolicy missing = MissingOriginPolicy.FLAG;

        /** The risk score of a request without Origin or Referer under the flag policy. */
        private int missingScore = 40;

        /** How a refused request is answered: reject (403), decoy, tarpit, tag or log. */
        private Action action = Action.REJECT;

        /** The decoy answered with when the action is decoy. */
        private String decoy = "default";

        /** The header carrying API keys that are bound to origins. */
        private String apiKeyHeader = "X-Api-Key";

        /** API keys bound to origins: a request with such a key must come from one of its origins. */
        private Map<String, List<String>> apiKeys = new LinkedHashMap<>();

        public List<String> getPaths() {
            return paths;
        }

        public void setPaths(List<String> paths) {
            this.paths = paths;
        }

        public List<String> getMethods() {
            return methods;
        }

        public void setMethods(List<String> methods) {
            this.methods = methods;
        }

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

    /** {@code abuse-guard.client-signals.*}: user-agent and proxy/CDN signals. */
    public static class ClientSignals {

        /** Whether the client-signals guard runs. */
        private boolean enabled = true;

        /** The guard's mode; the engine-wide monitor mode overrides it. */
        private Mode mode = Mode.ENFORCE;

        /** Whether the built-in automation signatures (HTTP libraries 20, headless browsers 30, attack tools 100) apply. */
        private boolean builtinSignatures = true;

        /** Risk score of a request without a User-Agent. */
        private int missingUserAgentScore = 15;

        /** Risk score of a Via header from a peer that is not a trusted proxy. */
        private int viaScore = 10;

        /** Risk score of an X-Amz-Cf-Id header from a peer that is not a trusted proxy. */
        private int amazonCloudFrontIdScore = 25;

        /** Risk score of CloudFront-* viewer headers from a peer that is not a trusted proxy. */
        private int cloudFrontHeadersScore = 15;

        /** Risk score of X-Forwarded-* or Forwarded headers from a peer that is not a trusted proxy. */
        private int untrustedForwardingScore = 10;

        /** Risk score of the Amazon CloudFront user agent. */
        private int cdnUserAgentScore = 30;

        /** Your user-agent rules by name, each with pattern (a case-insensitive regex), action (reject or flag) and score. */
        private Map<String, UserAgentRuleSettings> userAgentRules = new LinkedHashMap<>();

        /** Routes only your own client calls, by name, each with paths, pattern (its user agent) and score. */
        private Map<String, ExpectedClientSettings> expectedClients = new LinkedHashMap<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

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

        public Map<String, UserAgentRuleSettings> getUserAgentRules() {
            return userAgentRules;
        }

        public void setUserAgentRules(Map<String, UserAgentRuleSettings> userAgentRules) {
            this.userAgentRules = userAgentRules;
        }

        public Map<String, ExpectedClientSettings> getExpectedClients() {
            return expectedClients;
        }

        public void setExpectedClients(Map<String, ExpectedClientSettings> expectedClients) {
            this.expectedClients = expectedClients;
        }
    }

    /** {@code abuse-guard.client-signals.user-agent-rules.NAME.*}: one user-agent rule. */
    public static class UserAgentRuleSettings {

        /** A case-insensitive regular expression searched in the User-Agent. */
        private String pattern;

        /** reject (403) or flag (adds the score). */
        private Action action = Action.LOG;

        /** The risk score of a flag. */
        private int score = 20;

        public String getPattern() {
            return pattern;
        }

        public void setPattern(String pattern) {
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
    public static class ExpectedClientSettings {

        /** The routes. */
        private List<String> paths = new ArrayList<>();

        /** A case-insensitive regular expression the expected client's User-Agent contains. */
        private String pattern;

        /** The risk score of any other client. */
        private int score = 30;

        public List<String> getPaths() {
            return paths;
        }

        public void setPaths(List<String> paths) {
            this.paths = paths;
        }

        public String getPattern() {
            return pattern;
        }

        public void setPattern(String pattern) {
            this.pattern = pattern;
        }

        public int getScore() {
            return score;
        }

        public void setScore(int score) {
            this.score = score;
        }
    }

    /** {@code abuse-guard.ip-lists.*}: addresses always allowed or always refused. */
    public static class IpLists {

        /** CIDR blocks exempt from every guard. */
        private List<String> allow = new ArrayList<>();

        /** CIDR blocks always refused with 403. */
        private List<String> deny = new ArrayList<>();

        /** A file of allowed CIDR blocks, one per line, read again when it changes. */
        private String allowFile;

        /** A file of denied CIDR blocks, one per line, read again when it changes. */
        private String denyFile;

        /** How often the files are checked for changes. */
        private Duration reloadInterval = Duration.ofSeconds(10);

        public List<String> getAllow() {
            return allow;
        }

        public void setAllow(List<String> allow) {
            this.allow = allow;
        }

        public List<String> getDeny() {
            return deny;
        }

        public void setDeny(List<String> deny) {
            this.deny = deny;
        }

        public String getAllowFile() {
            return allowFile;
        }

        public void setAllowFile(String allowFile) {
            this.allowFile = allowFile;
        }

        public String getDenyFile() {
            return denyFile;
        }

        public void setDenyFile(String denyFile) {
            this.denyFile = denyFile;
        }

        public Duration getReloadInterval() {
            return reloadInterval;
        }

        public void setReloadInterval(Duration reloadInterval) {
            this.reloadInterval = reloadInterval;
        }
    }

    /** {@code abuse-guard.tarpit.*}: how the tarpit action delays. */
    public static class Tarpit {

        /** How long a tarpitted request waits, without holding a request thread. */
        private Duration delay = Duration.ofSeconds(5);

        /** What happens after the delay: reject (403 problem) or pass (the application answers). */
        private String then = "reject";

        /** The most requests waiting in the tarpit at once; beyond it they are refused at once. */
        private int maxConcurrent = 100;

        public Duration getDelay() {
            return delay;
        }

        public void setDelay(Duration delay) {
            this.delay = delay;
        }

        public String getThen() {
            return then;
        }

        public void setThen(String then) {
            this.then = then;
        }

        public int getMaxConcurrent() {
            return maxConcurrent;
        }

        public void setMaxConcurrent(int maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
        }
    }

    /** {@code abuse-guard.decoys.NAME.*}: a fake success for the decoy action. */
    public static class Decoy {

        /** The status of the fake success. */
        private int status = 200;

        /** Its content type. */
        private String contentType = "application/json";

        /** Its body; ${uuid} and ${path} are replaced per request. */
        private String body = "{\"status\":\"ok\"}";

        public int getStatus() {
            return status;
        }

        public void setStatus(int status) {
            this.status = status;
        }

        public String getContentType() {
            return contentType;
        }

        public void setContentType(String contentType) {
            this.contentType = contentType;
        }

        public String getBody() {
            return body;
        }

        public void setBody(String body) {
            this.body = body;
        }
    }

    /** {@code abuse-guard.client.*}: how the client of a request is identified. */
    public static class Client {

        /** Proxies (CIDR blocks or addresses) whose forwarded header is believed. None by default: nothing spoofable is trusted. */
        private List<String> trustedProxies = new ArrayList<>();

        /** The header the trusted proxies write: {@code x-forwarded-for} or {@code forwarded} (RFC 7239). */
        private ForwardedHeader forwardedHeader = ForwardedHeader.X_FORWARDED_FOR;

        /** How many leading bits of an IPv6 address identify one client. */
        private int ipv6PrefixLength = 64;

        public List<String> getTrustedProxies() {
            return trustedProxies;
        }

        public void setTrustedProxies(List<String> trustedProxies) {
            this.trustedProxies = trustedProxies;
        }

        public ForwardedHeader getForwardedHeader() {
            return forwardedHeader;
        }

        public void setForwardedHeader(ForwardedHeader forwardedHeader) {
            this.forwardedHeader = forwardedHeader;
        }

        public int getIpv6PrefixLength() {
            return ipv6PrefixLength;
        }

        public void setIpv6PrefixLength(int ipv6PrefixLength) {
            this.ipv6PrefixLength = ipv6PrefixLength;
        }
    }

    /** {@code abuse-guard.body.*}: how much of a request body guards may read, and what a body they cannot read gets. */
    public static class Body {

        /** The default of {@code abuse-guard.body.max-bytes}. */
        public static final int DEFAULT_MAX_BYTES = 65536;

        /**
         * The most bytes of a body that guards read, and hold in memory per request while they do; a longer
         * body is not read and counts as unreadable. The application still receives every byte.
         */
        private int maxBytes = DEFAULT_MAX_BYTES;

        /**
         * What a guard does with a body it needs but cannot read (longer than max-bytes, malformed, an
         * unknown or non-ASCII charset, consumed by an earlier filter): reject refuses it with a problem
         * naming the reason (413, 400 or 415); allow judges the field as absent.
         */
        private OnUnreadable onUnreadable = OnUnreadable.REJECT;

        public int getMaxBytes() {
            return maxBytes;
        }

        public void setMaxBytes(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        public OnUnreadable getOnUnreadable() {
            return onUnreadable;
        }

        public void setOnUnreadable(OnUnreadable onUnreadable) {
            this.onUnreadable = onUnreadable;
        }

        /** The values of {@code abuse-guard.body.on-unreadable}. */
        public enum OnUnreadable {
            /** Refuse the request: a body a guard cannot read is never waved through. */
            REJECT,
            /** Judge the field as absent: the request goes on unless another rule refuses it. */
            ALLOW
        }
    }

    /** {@code abuse-guard.store.*}: where guards keep state. */
    public static class Store {

        /** Where state lives: local (in process) or redis (shared by every instance; needs abuse-guard-redis). */
        private String type = "local";

        /** The most client keys each rule or counter tracks in process; beyond it the least useful are evicted. */
        private long maximumKeys = 100_000;

        private final Redis redis = new Redis();

        public String getType() {
            return type;
        }

        public void setType(String type) {
            this.type = type;
        }

        public long getMaximumKeys() {
            return maximumKeys;
        }

        public void setMaximumKeys(long maximumKeys) {
            this.maximumKeys = maximumKeys;
        }

        public Redis getRedis() {
            return redis;
        }
    }

    /** {@code abuse-guard.store.redis.*}: the shared Redis store. */
    public static class Redis {

        /** The Redis server, as a Lettuce URI such as redis://user:secret@10.0.0.5:6379/0 or rediss:// for TLS. */
        private String uri = "redis://127.0.0.1:6379";

        /** The prefix of every key the library writes, so several applications can share one Redis. */
        private String keyPrefix = "abuse-guard:";

        /** How long one Redis command may take before the store counts Redis as unavailable. */
        private Duration timeout = Duration.ofMillis(200);

        /** What happens while Redis is unavailable: local-fallback (enforce with in-process state), fail-open or fail-closed (503). */
        private OutagePolicy outagePolicy = OutagePolicy.LOCAL_FALLBACK;

        /** How long the circuit stays open (no request tries Redis) before trial calls try it again. */
        private Duration retryInterval = ResilientStateStore.DEFAULT_RETRY_INTERVAL;

        /** The failure rate, in percent, of a window's Redis calls that opens the circuit (1 to 100). */
        private int failureRateThreshold = ResilientStateStore.DEFAULT_FAILURE_RATE_THRESHOLD;

        /** The least number of Redis calls in a window before its failure rate can open the circuit. */
        private int minimumCalls = ResilientStateStore.DEFAULT_MINIMUM_CALLS;

        /** How many Redis calls one failure-rate window counts; at least minimum-calls. */
        private int windowSize = ResilientStateStore.DEFAULT_WINDOW_SIZE;

        /** How many trial calls try Redis after the retry interval; all must answer to close the circuit. */
        private int halfOpenCalls = ResilientStateStore.DEFAULT_HALF_OPEN_CALLS;

        public int getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(int failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public int getMinimumCalls() {
            return minimumCalls;
        }

        public void setMinimumCalls(int minimumCalls) {
            this.minimumCalls = minimumCalls;
        }

        public int getWindowSize() {
            return windowSize;
        }

        public void setWindowSize(int windowSize) {
            this.windowSize = windowSize;
        }

        public int getHalfOpenCalls() {
            return halfOpenCalls;
        }

        public void setHalfOpenCalls(int halfOpenCalls) {
            this.halfOpenCalls = halfOpenCalls;
        }

        public String getUri() {
            return uri;
        }

        public void setUri(String uri) {
            this.uri = uri;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public OutagePolicy getOutagePolicy() {
            return outagePolicy;
        }

        public void setOutagePolicy(OutagePolicy outagePolicy) {
            this.outagePolicy = outagePolicy;
        }

        public Duration getRetryInterval() {
            return retryInterval;
        }

        public void setRetryInterval(Duration retryInterval) {
            this.retryInterval = retryInterval;
        }
    }

    /** {@code abuse-guard.logging.*}: the decision log. */
    public static class Logging {

        /** Whether client keys (addresses, API keys, principals) are logged as keyed-hash pseudonyms instead of in clear. */
        private boolean pseudonymiseClients = false;

        /** The HMAC secret of the pseudonyms; share it across instances so one client has one pseudonym everywhere. Empty: a random secret per process, so pseudonyms change on restart. */
        private String pseudonymSecret = "";

        public boolean isPseudonymiseClients() {
            return pseudonymiseClients;
        }

        public void setPseudonymiseClients(boolean pseudonymiseClients) {
            this.pseudonymiseClients = pseudonymiseClients;
        }

        public String getPseudonymSecret() {
            return pseudonymSecret;
        }

        public void setPseudonymSecret(String pseudonymSecret) {
            this.pseudonymSecret = pseudonymSecret;
        }
    }

    /** {@code abuse-guard.responses.*}: how denials are answered. */
    public static class Responses {

        /** The prefix of the problem {@code type} URI, the reason code appended; empty for the IANA types of draft-ietf-httpapi-ratelimit-headers ({@code quota-exceeded}, {@code abnormal-usage-detected}). */
        private String problemTypeBase = "";

        /** Whether allowed requests on rate-limited routes carry the {@code RateLimit-Policy} and {@code RateLimit} fields. */
        private boolean rateLimitHeaders = true;

        /** A request header carrying the risk score of a tagged request to the application; empty for none. A client-sent value of it is always removed. */
        private String tagHeader = "";

        public String getProblemTypeBase() {
            return problemTypeBase;
        }

        public void setProblemTypeBase(String problemTypeBase) {
            this.problemTypeBase = problemTypeBase;
        }

        public boolean isRateLimitHeaders() {
            return rateLimitHeaders;
        }

        public void setRateLimitHeaders(boolean rateLimitHeaders) {
            this.rateLimitHeaders = rateLimitHeaders;
        }

        public String getTagHeader() {
            return tagHeader;
        }

        public void setTagHeader(String tagHeader) {
            this.tagHeader = tagHeader;
        }
    }

    /** {@code abuse-guard.routes.*}: routes that no guard checks, or that guards only monitor. */
    public static class Routes {

        /** Path patterns no guard checks, such as health checks. */
        private List<String> exempt = new ArrayList<>();

        /** Path patterns whose denials are only reported, whatever the guards' modes. */
        private List<String> monitor = new ArrayList<>();

        public List<String> getExempt() {
            return exempt;
        }

        public void setExempt(List<String> exempt) {
            this.exempt = exempt;
        }

        public List<String> getMonitor() {
            return monitor;
        }

        public void setMonitor(List<String> monitor) {
            this.monitor = monitor;
        }
    }

    /** {@code abuse-guard.rate-limit.*}: token-bucket rate limiting. */
    public static class RateLimit {

        /** Whether the rate-limit guard runs. */
        private boolean enabled = true;

        /** The guard's mode; the engine-wide monitor mode overrides it. */
        private Mode mode = Mode.ENFORCE;

        /** The rules by name (the policy name in the {@code RateLimit} fields), each with paths, methods, key, cost, action and limits[i].capacity, .refill-tokens, .period, .refill. */
        private Map<String, Rule> rules = new LinkedHashMap<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public Map<String, Rule> getRules() {
            return rules;
        }

        public void setRules(Map<String, Rule> rules) {
            this.rules = rules;
        }
    }

    /** {@code abuse-guard.rate-limit.rules.NAME.*}: one rate-limit rule. */
    public static class Rule {

        /** Path patterns the rule applies to: literal segments, {@code *} and {@code {name}} for one segment, {@code **} for any. */
        private List<String> paths = new ArrayList<>(List.of("/**"));

        /** Methods the rule applies to; empty means every method. */
        private List<String> methods = new ArrayList<>();

        /** Whose bucket a request counts against: {@code ip}, {@code header:NAME}, {@code session}, {@code principal}, {@code query:NAME}, {@code body:/pointer}, or several joined by {@code +}. */
        private String key = "ip";

        /** Tokens one request takes. */
        private long cost = 1;

        /** How a request over the limit is answered: {@code throttle} (429), {@code reject} (403), {@code log} or {@code tag}. */
        private Action action = Action.THROTTLE;

        /** The limits of the rule's buckets; a request must fit all of them. */
        private List<LimitSettings> limits = new ArrayList<>();

        /** The decoy answered with when the action is decoy. */
        private String decoy = "default";

        public String getDecoy() {
            return decoy;
        }

        public void setDecoy(String decoy) {
            this.decoy = decoy;
        }

        public List<String> getPaths() {
            return paths;
        }

        public void setPaths(List<String> paths) {
            this.paths = paths;
        }

        public List<String> getMethods() {
            return methods;
        }

        public void setMethods(List<String> methods) {
            this.methods = methods;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public long getCost() {
            return cost;
        }

        public void setCost(long cost) {
            this.cost = cost;
        }

        public Action getAction() {
            return action;
        }

        public void setAction(Action action) {
            this.action = action;
        }

        public List<LimitSettings> getLimits() {
            return limits;
        }

        public void setLimits(List<LimitSettings> limits) {
            this.limits = limits;
        }
    }

    /** {@code abuse-guard.rate-limit.rules.NAME.limits[i].*}: one token-bucket limit. */
    public static class LimitSettings {

        /** The most tokens the bucket holds: the burst a client may send at once. */
        private long capacity;

        /** Tokens that come back per period; defaults to the capacity. */
        private Long refillTokens;

        /** The refill period, such as {@code 1m} or {@code PT5M}. */
        private Duration period;

        /** How tokens come back: {@code greedy} (gradually) or {@code intervally} (all at once per period). */
        private Limit.Refill refill = Limit.Refill.GREEDY;

        public long getCapacity() {
            return capacity;
        }

        public void setCapacity(long capacity) {
            this.capacity = capacity;
        }

        public Long getRefillTokens() {
            return refillTokens;
        }

        public void setRefillTokens(Long refillTokens) {
            this.refillTokens = refillTokens;
        }

        public Duration getPeriod() {
            return period;
        }

        public void setPeriod(Duration period) {
            this.period = period;
        }

        public Limit.Refill getRefill() {
            return refill;
        }

        public void setRefill(Limit.Refill refill) {
            this.refill = refill;
        }
    }

    /** {@code abuse-guard.failure.*}: outcome counting, fail2ban/allow2ban bans and the under-attack mode. */
    public static class Failure {

        /** Whether the failure guard runs (it runs when it has rules). */
        private boolean enabled = true;

        /** The guard's mode; the engine-wide monitor mode overrides it. */
        private Mode mode = Mode.ENFORCE;

        /** How long a client address counts as known from its first successful request (default 24h); fresh clients are risky under attack. */
        private Duration historyTtl = FailureGuard.DEFAULT_HISTORY_TTL;

        /** Failure rules by name, each with paths, methods, statuses, key, distinct, counting, find-time, max-retry, ban-time, ban-factor, max-ban-time, action and under-attack. */
        private Map<String, FailureRuleSettings> rules = new LinkedHashMap<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public Duration getHistoryTtl() {
            return historyTtl;
        }

        public void setHistoryTtl(Duration historyTtl) {
            this.historyTtl = historyTtl;
        }

        public Map<String, FailureRuleSettings> getRules() {
            return rules;
        }

        public void setRules(Map<String, FailureRuleSettings> rules) {
            this.rules = rules;
        }
    }

    /** {@code abuse-guard.failure.rules.NAME.*}: one failure rule; see {@link FailureRule}. */
    public static class FailureRuleSettings {

        /** The path patterns the rule watches, such as /api/login. */
        private List<String> paths = new ArrayList<>();

        /** The methods it watches; empty means every method. */
        private List<String> methods = new ArrayList<>();

        /** The statuses that count as failures: codes and classes, such as 401,403 or 4xx. */
        private String statuses = FailureRule.DEFAULT_STATUSES;

        /** What failures count against: ip, session, principal, header:NAME, body:/pointer, or parts joined by +. */
        private String key = FailureRule.DEFAULT_KEY;

        /** Counts distinct values of this key per key instead of failures, such as ip (one user name from many addresses). */
        private String distinct;

        /** failures (fail2ban) or requests (allow2ban: every matching request counts). */
        private FailureRule.Counting counting = FailureRule.Counting.FAILURES;

        /** The sliding window failures are counted in. */
        private Duration findTime = Duration.ofMinutes(FailureRule.DEFAULT_FIND_TIME_MINUTES);

        /** The count within find-time at which the key is banned. */
        private int maxRetry = FailureRule.DEFAULT_MAX_RETRY;

        /** How long a first ban lasts. */
        private Duration banTime = Duration.ofMinutes(FailureRule.DEFAULT_BAN_TIME_MINUTES);

        /** How much longer each further ban of the same key lasts. */
        private double banFactor = FailureRule.DEFAULT_BAN_FACTOR;

        /** The longest ban, and how long earlier bans count towards escalation. */
        private Duration maxBanTime = Duration.ofHours(FailureRule.DEFAULT_MAX_BAN_TIME_HOURS);

        /** How a banned key's request is answered. */
        private Action action = Action.THROTTLE;

        /** The route-level surge detector of the rule's paths. */
        private final UnderAttackSettings underAttack = new UnderAttackSettings();

        public List<String> getPaths() {
            return paths;
        }

        public void setPaths(List<String> paths) {
            this.paths = paths;
        }

        public List<String> getMethods() {
            return methods;
        }

        public void setMethods(List<String> methods) {
            this.methods = methods;
        }

        public String getStatuses() {
            return statuses;
        }

        public void setStatuses(String statuses) {
            this.statuses = statuses;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public String getDistinct() {
            return distinct;
        }

        public void setDistinct(String distinct) {
            this.distinct = distinct;
        }

        public FailureRule.Counting getCounting() {
            return counting;
        }

        public void setCounting(FailureRule.Counting counting) {
            this.counting = counting;
        }

        public Duration getFindTime() {
            return findTime;
        }

        public void setFindTime(Duration findTime) {
            this.findTime = findTime;
        }

        public int getMaxRetry() {
            return maxRetry;
        }

        public void setMaxRetry(int maxRetry) {
            this.maxRetry = maxRetry;
        }

        public Duration getBanTime() {
            return banTime;
        }

        public void setBanTime(Duration banTime) {
            this.banTime = banTime;
        }

        public double getBanFactor() {
            return banFactor;
        }

        public void setBanFactor(double banFactor) {
            this.banFactor = banFactor;
        }

        public Duration getMaxBanTime() {
            return maxBanTime;
        }

        public void setMaxBanTime(Duration maxBanTime) {
            this.maxBanTime = maxBanTime;
        }

        public Action getAction() {
            return action;
        }

        public void setAction(Action action) {
            this.action = action;
        }

        public UnderAttackSettings getUnderAttack() {
            return underAttack;
        }
    }

    /** {@code abuse-guard.failure.rules.NAME.under-attack.*}: see {@link UnderAttack}. */
    public static class UnderAttackSettings {

        /** Whether the rule's routes are watched for failure surges. */
        private boolean enabled = false;

        /** The sliding window the route's failures are counted in. */
        private Duration window = Duration.ofSeconds(UnderAttack.DEFAULT_WINDOW_SECONDS);

        /** How far above its learned baseline the route must fail, in failures and in failure ratio. */
        private double multiplier = UnderAttack.DEFAULT_MULTIPLIER;

        /** The fewest failures in a window that can mean an attack. */
        private int minFailures = UnderAttack.DEFAULT_MIN_FAILURES;

        /** The lowest failure ratio that can mean an attack. */
        private double minRatio = UnderAttack.DEFAULT_MIN_RATIO;

        /** How long the mode lasts once entered; refused requests at the attack's rate extend it. */
        private Duration duration = Duration.ofMinutes(UnderAttack.DEFAULT_DURATION_MINUTES);

        /** How a risky request is answered while under attack: reject, throttle, tarpit, decoy, tag or log. */
        private Action action = Action.REJECT;

        /** What makes a request risky under attack: fresh-client, tool-user-agent, missing-browser-signals. */
        private List<UnderAttack.Signal> signals = new ArrayList<>(EnumSet.allOf(UnderAttack.Signal.class));

        /** A header only your own apps send, which counts as an app signal under attack. */
        private String appHeader;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public int getMinFailures() {
            return minFailures;
        }

        public void setMinFailures(int minFailures) {
            this.minFailures = minFailures;
        }

        public double getMinRatio() {
            return minRatio;
        }

        public void setMinRatio(double minRatio) {
            this.minRatio = minRatio;
        }

        public Duration getDuration() {
            return duration;
        }

        public void setDuration(Duration duration) {
            this.duration = duration;
        }

        public Action getAction() {
            return action;
        }

        public void setAction(Action action) {
            this.action = action;
        }

        public List<UnderAttack.Signal> getSignals() {
            return signals;
        }

        public void setSignals(List<UnderAttack.Signal> signals) {
            this.signals = signals;
        }

        public String getAppHeader() {
            return appHeader;
        }

        public void setAppHeader(String appHeader) {
            this.appHeader = appHeader;
        }
    }

    /** {@code abuse-guard.volume.*}: enumeration and scraping bounds on distinct resources per client. */
    public static class Volume {

        /** Whether the volume guard runs (it runs when it has rules). */
        private boolean enabled = true;

        /** The guard's mode; the engine-wide monitor mode overrides it. */
        private Mode mode = Mode.ENFORCE;

        /** The sketch's hash seed; random when unset. Set the same value on every instance that shares a Redis store. */
        private Long seed;

        /** Distinct-resource rules by name, each with paths, methods, key, window, max-distinct, action and score. */
        private Map<String, DistinctRuleSettings> rules = new LinkedHashMap<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public Long getSeed() {
            return seed;
        }

        public void setSeed(Long seed) {
            this.seed = seed;
        }

        public Map<String, DistinctRuleSettings> getRules() {
            return rules;
        }

        public void setRules(Map<String, DistinctRuleSettings> rules) {
            this.rules = rules;
        }
    }

    /** {@code abuse-guard.volume.rules.NAME.*}: one distinct-resource bound; see {@link DistinctRule}. */
    public static class DistinctRuleSettings {

        /** The path templates whose concrete paths are the resources counted, such as /api/giftcards/{code}. */
        private List<String> paths = new ArrayList<>();

        /** The methods counted; empty means every method. */
        private List<String> methods = new ArrayList<>();

        /** Whose resources are counted: ip, session, principal, header:NAME, or parts joined by +. */
        private String key = "ip";

        /** The sliding window distinct resources are counted in. */
        private Duration window = Duration.ofMinutes(DistinctRule.DEFAULT_WINDOW_MINUTES);

        /** The most distinct resources a key may touch per window (1 to 1024). */
        private int maxDistinct = DistinctRule.DEFAULT_MAX_DISTINCT;

        /** How a request above the bound is answered. */
        private Action action = Action.THROTTLE;

        /** Flags with this risk score instead of denying; 0 denies. */
        private int score = 0;

        /** The route-level scraping detector of the rule's paths. */
        private final UnderScrapeSettings underScrape = new UnderScrapeSettings();

        /** The adaptive per-endpoint rate bound of the rule's path templates. */
        private final RateBaselineSettings rateBaseline = new RateBaselineSettings();

        /** The signal of clients that only read many of the rule's resources. */
        private final OnlyReadsSettings onlyReads = new OnlyReadsSettings();

        public UnderScrapeSettings getUnderScrape() {
            return underScrape;
        }

        public RateBaselineSettings getRateBaseline() {
            return rateBaseline;
        }

        public OnlyReadsSettings getOnlyReads() {
            return onlyReads;
        }

        public List<String> getPaths() {
            return paths;
        }

        public void setPaths(List<String> paths) {
            this.paths = paths;
        }

        public List<String> getMethods() {
            return methods;
        }

        public void setMethods(List<String> methods) {
            this.methods = methods;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public int getMaxDistinct() {
            return maxDistinct;
        }

        public void setMaxDistinct(int maxDistinct) {
            this.maxDistinct = maxDistinct;
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

    /** {@code abuse-guard.volume.rules.NAME.rate-baseline.*}: see {@link RateBaseline}. */
    public static class RateBaselineSettings {

        /** Whether each path template learns its per-client request rates and bounds clients far above them. */
        private boolean enabled = false;

        /** The window per-client requests are counted in. */
        private Duration window = Duration.ofSeconds(RateBaseline.DEFAULT_WINDOW_SECONDS);

        /** How far above the learned p99 of requests per client and window a client must go (scaled up in a surge of everyone). */
        private double multiplier = RateBaseline.DEFAULT_MULTIPLIER;

        /** The floor: no client is over with this many requests per window or fewer. */
        private int minRequests = RateBaseline.DEFAULT_MIN_REQUESTS;

        /** How many finished windows are learned before the first verdict. */
        private int learningWindows = RateBaseline.DEFAULT_LEARNING_WINDOWS;

        /** How a client over the bound is answered; log (the default) only reports, monitor-first. */
        private Action action = RateBaseline.DEFAULT_ACTION;

        /** Flags with this risk score instead of answering with the action; 0 answers. */
        private int score = 0;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public int getMinRequests() {
            return minRequests;
        }

        public void setMinRequests(int minRequests) {
            this.minRequests = minRequests;
        }

        public int getLearningWindows() {
            return learningWindows;
        }

        public void setLearningWindows(int learningWindows) {
            this.learningWindows = learningWindows;
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

    /** {@code abuse-guard.volume.rules.NAME.only-reads.*}: see {@link OnlyReads}. */
    public static class OnlyReadsSettings {

        /** Whether clients that only read many of the rule's resources, and never do anything else, are signalled. */
        private boolean enabled = false;

        /** The fewest distinct resources read in the rule's window that make the signal; below max-distinct. */
        private int minDistinct = OnlyReads.DEFAULT_MIN_DISTINCT;

        /** The risk score of the signal; 0 answers with the action instead. */
        private int score = OnlyReads.DEFAULT_SCORE;

        /** How a request is answered when the score is 0. */
        private Action action = Action.THROTTLE;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getMinDistinct() {
            return minDistinct;
        }

        public void setMinDistinct(int minDistinct) {
            this.minDistinct = minDistinct;
        }

        public int getScore() {
            return score;
        }

        public void setScore(int score) {
            this.score = score;
        }

        public Action getAction() {
            return action;
        }

        public void setAction(Action action) {
            this.action = action;
        }
    }

    /** {@code abuse-guard.volume.rules.NAME.under-scrape.*}: see {@link UnderScrape}. */
    public static class UnderScrapeSettings {

        /** Whether the rule's routes are watched for scraping spread over many clients. */
        private boolean enabled = false;

        /** The window the population's distinct resources are counted in. */
        private Duration window = Duration.ofSeconds(UnderScrape.DEFAULT_WINDOW_SECONDS);

        /** How far above its learned baseline the population's distinct resources must go. */
        private double multiplier = UnderScrape.DEFAULT_MULTIPLIER;

        /** The fewest distinct resources per window that can mean scraping. */
        private int minDistinct = UnderScrape.DEFAULT_MIN_DISTINCT;

        /** The lowest share of distinct resources among the window's requests that can mean scraping (0 to 1). */
        private double minRatio = UnderScrape.DEFAULT_MIN_RATIO;

        /** How long the mode lasts once entered; refused requests extend it. */
        private Duration duration = Duration.ofMinutes(UnderScrape.DEFAULT_DURATION_MINUTES);

        /** How a request of a client with no other activity is answered meanwhile. */
        private Action action = Action.THROTTLE;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public int getMinDistinct() {
            return minDistinct;
        }

        public void setMinDistinct(int minDistinct) {
            this.minDistinct = minDistinct;
        }

        public double getMinRatio() {
            return minRatio;
        }

        public void setMinRatio(double minRatio) {
            this.minRatio = minRatio;
        }

        public Duration getDuration() {
            return duration;
        }

        public void setDuration(Duration duration) {
            this.duration = duration;
        }

        public Action getAction() {
            return action;
        }

        public void setAction(Action action) {
            this.action = action;
        }
    }
}
