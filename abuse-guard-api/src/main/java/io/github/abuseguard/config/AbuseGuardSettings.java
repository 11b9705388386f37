package io.github.abuseguard.config;

import io.github.abuseguard.Action;
import io.github.abuseguard.FailurePolicy;
import io.github.abuseguard.identity.ForwardedHeader;
import io.github.abuseguard.internal.SettingsBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The {@code abuse-guard.*} configuration: the engine's own properties (mode, risk, failure policy,
 * client identity, routes, store, decision log) as plain mutable beans, plus one section
 * object per {@link SettingsSection} on the class path ({@code rate-limit}, {@code origin}, ...,
 * {@code body} and {@code responses} from the servlet module, {@code store.redis} from the Redis module, and any
 * application guard's). Plain servlet apps fill it from a YAML or properties file with
 * {@link SettingsBinder}; the Spring Boot starter with Spring's binder. The one assembly path
 * ({@link io.github.abuseguard.internal.SettingsAssembler}, behind the servlet filter and the starter)
 * validates it and builds the engine; every problem it finds names the property.
 */
public class AbuseGuardSettings extends GuardSettingsBean {

    /** The prefix of every property. */
    public static final String PREFIX = "abuse-guard";

    /** The top-level names the engine's own properties take, which no section may claim. */
    static final Set<String> ENGINE_PROPERTIES = Set.of(
            "enabled",
            "mode",
            "failure-policy",
            "risk-threshold",
            "risk-action",
            "failure-log-interval",
            "client",
            "store",
            "logging",
            "routes",
            "cross-site");

    /** The default of {@code failure-policy}. */
    public static final FailurePolicy DEFAULT_FAILURE_POLICY = FailurePolicy.FAIL_OPEN;

    /** The default of {@code risk-threshold}. */
    public static final int DEFAULT_RISK_THRESHOLD = 100;

    /** The default of {@code risk-action}. */
    public static final Action DEFAULT_RISK_ACTION = Action.REJECT;

    /** The default of {@code failure-log-interval}. */
    public static final Duration DEFAULT_FAILURE_LOG_INTERVAL = Duration.ofMinutes(1);

    /** What happens to a request when a guard fails: fail-open lets it through, fail-closed answers 503. */
    private FailurePolicy failurePolicy = DEFAULT_FAILURE_POLICY;

    /** The summed flag score at which a request is denied; 0 means flags never deny. */
    private int riskThreshold = DEFAULT_RISK_THRESHOLD;

    /** How a request denied for its risk score is answered. */
    private Action riskAction = DEFAULT_RISK_ACTION;

    /** The least time between two log lines about the same failing guard. */
    private Duration failureLogInterval = DEFAULT_FAILURE_LOG_INTERVAL;

    private final Client client = new Client();
    private final Store store = new Store();
    private final Logging logging = new Logging();
    private final Routes routes = new Routes();
    private final CrossSite crossSite = new CrossSite();
    private final Map<String, Object> sections = new LinkedHashMap<>();
    private final List<SettingsSection<?>> sectionTypes;

    /**
     * Settings from flat properties, as a properties file holds them: every {@code abuse-guard.*} entry is
     * bound, the others are ignored. Pass an ordered map to keep the order of rules.
     *
     * @throws InvalidSettingException naming the property of an unknown key or a value that does not convert
     */
    public static AbuseGuardSettings bind(Map<String, String> properties) {
        return SettingsBinder.bind(properties);
    }

    /** Settings with every default, and a section for each {@link SettingsSection} this class's loader finds. */
    public AbuseGuardSettings() {
        this(AbuseGuardSettings.class.getClassLoader());
    }

    /** Settings with every default, and a section for each {@link SettingsSection} {@code loader} finds. */
    public AbuseGuardSettings(ClassLoader loader) {
        this.sectionTypes = sectionsOnClassPath(loader);
        for (SettingsSection<?> section : sectionTypes) {
            sections.put(section.name(), section.newSettings());
        }
    }

    /**
     * Every section registered with {@link java.util.ServiceLoader}, as {@link GuardFactory} or as
     * {@link SettingsSection}, in registration order.
     *
     * @throws IllegalStateException if two sections claim one name, or one claims a property of the engine
     */
    public static List<SettingsSection<?>> sectionsOnClassPath(ClassLoader loader) {
        List<SettingsSection<?>> found = new ArrayList<>();
        for (GuardFactory<?> factory : ServiceLoader.load(GuardFactory.class, loader)) {
            found.add(factory);
        }
        for (SettingsSection<?> section : ServiceLoader.load(SettingsSection.class, loader)) {
            found.add(section);
        }
        Set<String> names = new HashSet<>(ENGINE_PROPERTIES);
        for (SettingsSection<?> section : found) {
            if (!section.name().matches("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)?")) {
                throw new IllegalStateException(section.getClass().getName() + " names its section '" + section.name()
                        + "'; use kebab-case, such as my-guard");
            }
            if (!names.add(section.name())) {
                throw new IllegalStateException("two settings sections are named '" + section.name() + "', one of them "
                        + section.getClass().getName());
            }
        }
        return List.copyOf(found);
    }

    /** The sections these settings hold, in registration order. */
    public List<SettingsSection<?>> sectionTypes() {
        return sectionTypes;
    }

    /**
     * The settings object of section {@code name}, such as {@code rate-limit}.
     *
     * @throws IllegalArgumentException if no module on the class path contributes that section
     */
    public Object section(String name) {
        Object section = sections.get(name);
        if (section == null) {
            throw new IllegalArgumentException("no settings section '" + name + "'; known: " + sections.keySet());
        }
        return section;
    }

    /**
     * The settings object of type {@code type}, such as {@code RateLimitSettings.class}: the section of
     * exactly that type, or else the first whose object is an instance of it (a host may bind a section
     * into a subclass of its type, as the Spring Boot starter's {@code RateLimitProperties}).
     *
     * @throws IllegalArgumentException if no section has that type
     */
    public <S> S section(Class<S> type) {
        for (Object section : sections.values()) {
            if (section.getClass() == type) {
                return type.cast(section);
            }
        }
        for (Object section : sections.values()) {
            if (type.isInstance(section)) {
                return type.cast(section);
            }
        }
        throw new IllegalArgumentException(
                "no settings section of type " + type.getName() + "; is its module on the class path?");
    }

    /**
     * Replaces section {@code name}'s settings, as a binder that built its own object does.
     *
     * @throws IllegalArgumentException if no section has that name, or {@code settings} is not of its type
     */
    public void replaceSection(String name, Object settings) {
        section(name);
        java.util.Objects.requireNonNull(settings, "settings");
        for (SettingsSection<?> section : sectionTypes) {
            if (section.name().equals(name) && !section.settingsType().isInstance(settings)) {
                throw new IllegalArgumentException(
                        "section '" + name + "' holds " + section.settingsType().getName() + ", not "
                                + settings.getClass().getName());
            }
        }
        sections.put(name, settings);
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

    public Store getStore() {
        return store;
    }

    public Logging getLogging() {
        return logging;
    }

    public Routes getRoutes() {
        return routes;
    }

    public CrossSite getCrossSite() {
        return crossSite;
    }

    /** {@code abuse-guard.client.*}: how the client of a request is identified. */
    public static class Client {

        /** The default of {@code forwarded-header}. */
        public static final ForwardedHeader DEFAULT_FORWARDED_HEADER = ForwardedHeader.X_FORWARDED_FOR;

        /** The default of {@code ipv6-prefix-length}. */
        public static final int DEFAULT_IPV6_PREFIX_LENGTH = 64;

        /** The default of {@code allow-broad-trusted-proxies}. */
        public static final boolean DEFAULT_ALLOW_BROAD_TRUSTED_PROXIES = false;

        /** Proxies (CIDR blocks or addresses) whose forwarded header is believed. None by default: nothing spoofable is trusted. */
        private List<String> trustedProxies = new ArrayList<>();

        /** The header the trusted proxies write: x-forwarded-for or forwarded (RFC 7239). */
        private ForwardedHeader forwardedHeader = DEFAULT_FORWARDED_HEADER;

        /** How many leading bits of an IPv6 address identify one client. */
        private int ipv6PrefixLength = DEFAULT_IPV6_PREFIX_LENGTH;

        /** Whether trusted-proxies may hold a block spanning public address space (an IPv4 prefix shorter than /8 or an IPv6 one shorter than /24, such as 0.0.0.0/0), which makes every peer in it able to forge the client's address; set it only when nothing but your proxies can connect to the application. */
        private boolean allowBroadTrustedProxies = DEFAULT_ALLOW_BROAD_TRUSTED_PROXIES;

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

        public boolean isAllowBroadTrustedProxies() {
            return allowBroadTrustedProxies;
        }

        public void setAllowBroadTrustedProxies(boolean allowBroadTrustedProxies) {
            this.allowBroadTrustedProxies = allowBroadTrustedProxies;
        }
    }

    /** {@code abuse-guard.store.*}: where guards keep state. */
    public static class Store {

        /** The default of {@code type}. */
        public static final String DEFAULT_TYPE = "local";

        /** The default of {@code maximum-keys}. */
        public static final long DEFAULT_MAXIMUM_KEYS = 100_000;

        /** Where state lives: local (in process) or redis (shared by every instance; needs abuse-guard-redis). */
        private String type = DEFAULT_TYPE;

        /** The most client keys each rule or counter tracks in process; beyond it the least useful are evicted. */
        private long maximumKeys = DEFAULT_MAXIMUM_KEYS;

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
    }

    /** {@code abuse-guard.logging.*}: the decision log. */
    public static class Logging {

        /** The default of {@code pseudonymise-clients}. */
        public static final boolean DEFAULT_PSEUDONYMISE_CLIENTS = false;

        /** The default of {@code pseudonym-secret}. */
        public static final String DEFAULT_PSEUDONYM_SECRET = "";

        /** Whether client keys (addresses, API keys, principals) are logged as keyed-hash pseudonyms instead of in clear. */
        private boolean pseudonymiseClients = DEFAULT_PSEUDONYMISE_CLIENTS;

        /** The HMAC secret of the pseudonyms; share it across instances so one client has one pseudonym everywhere. Empty: a random secret per process, so pseudonyms change on restart. */
        private String pseudonymSecret = DEFAULT_PSEUDONYM_SECRET;

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

    /**
     * {@code abuse-guard.cross-site.*}: requests another site's page makes a visitor's browser send to a
     * watched route ({@code Sec-Fetch-Site: cross-site}, not a top-level navigation); see
     * {@link io.github.abuseguard.CrossSiteRequests}. {@code enabled} refuses them; {@code mode: monitor}
     * only reports them ({@code would-deny}) and lets the guards count them.
     */
    public static class CrossSite extends GuardSettingsBean {

        /** Origins whose cross-site requests pass (CORS partners, a provider posting into a frame): scheme://host[:port] or scheme://*.domain. */
        private List<String> allowedOrigins = new ArrayList<>();

        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }
    }
}
