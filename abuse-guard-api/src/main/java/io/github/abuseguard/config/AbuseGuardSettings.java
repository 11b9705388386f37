package io.github.abuseguard.config;

import io.github.abuseguard.Action;
import io.github.abuseguard.FailurePolicy;
import io.github.abuseguard.Mode;
import io.github.abuseguard.identity.ForwardedHeader;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.store.OutagePolicy;
import java.time.Duration;
import java.util.ArrayList;
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
    private final Routes routes = new Routes();
    private final RateLimit rateLimit = new RateLimit();

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

    public Routes getRoutes() {
        return routes;
    }

    public RateLimit getRateLimit() {
        return rateLimit;
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

    /** {@code abuse-guard.body.*}: how much of a request body guards may read. */
    public static class Body {

        /** The most bytes of a body that guards read; the application still receives the whole body. */
        private int maxBytes = 8192;

        public int getMaxBytes() {
            return maxBytes;
        }

        public void setMaxBytes(int maxBytes) {
            this.maxBytes = maxBytes;
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

        /** How long the store waits after a failure before it tries Redis again. */
        private Duration retryInterval = Duration.ofSeconds(5);

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

    /** {@code abuse-guard.responses.*}: how denials are answered. */
    public static class Responses {

        /** The prefix of the problem {@code type} URI; the reason code is appended. */
        private String problemTypeBase = "urn:abuse-guard:problem:";

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
}
