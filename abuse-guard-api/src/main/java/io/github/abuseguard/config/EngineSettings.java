package io.github.abuseguard.config;

import io.github.abuseguard.Action;
import io.github.abuseguard.FailurePolicy;
import io.github.abuseguard.Mode;
import io.github.abuseguard.identity.ForwardedHeader;
import io.github.abuseguard.internal.Settings;
import java.time.Duration;
import java.util.List;

/**
 * The engine's own {@code abuse-guard.*} properties: the library's switch and mode, the failure policy,
 * the risk score, client identity, routes, the store, the decision log and cross-site requests. The
 * sections guards and modules contribute sit beside it in {@link AbuseGuardSettings}.
 *
 * @param enabled Whether the guard runs; abuse-guard.enabled=false switches the whole library off.
 * @param mode Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's.
 * @param failurePolicy What happens to a request when a guard fails: fail-open lets it through, fail-closed answers 503.
 * @param riskThreshold The summed flag score at which a request is denied; 0 means flags never deny.
 * @param riskAction How a request denied for its risk score is answered.
 * @param failureLogInterval The least time between two log lines about the same failing guard.
 * @param client {@code abuse-guard.client.*}
 * @param store {@code abuse-guard.store.*}
 * @param logging {@code abuse-guard.logging.*}
 * @param routes {@code abuse-guard.routes.*}
 * @param crossSite {@code abuse-guard.cross-site.*}
 */
public record EngineSettings(
        @Default("" + DEFAULT_ENABLED) boolean enabled,
        @Default(DEFAULT_MODE) Mode mode,
        @Default(EngineSettings.DEFAULT_FAILURE_POLICY) FailurePolicy failurePolicy,
        @Default("" + EngineSettings.DEFAULT_RISK_THRESHOLD) int riskThreshold,
        @Default(EngineSettings.DEFAULT_RISK_ACTION) Action riskAction,

        @Default(EngineSettings.DEFAULT_FAILURE_LOG_INTERVAL)
        Duration failureLogInterval,

        Client client,
        Store store,
        Logging logging,
        Routes routes,
        CrossSite crossSite)
        implements GuardSettings {

    /** The default of {@code failure-policy}. */
    public static final String DEFAULT_FAILURE_POLICY = "fail-open";

    /** The default of {@code risk-threshold}. */
    public static final int DEFAULT_RISK_THRESHOLD = 100;

    /** The default of {@code risk-action}. */
    public static final String DEFAULT_RISK_ACTION = "reject";

    /** The default of {@code failure-log-interval}. */
    public static final String DEFAULT_FAILURE_LOG_INTERVAL = "1m";

    /**
     * {@code abuse-guard.client.*}: how the client of a request is identified.
     *
     * @param trustedProxies Proxies (CIDR blocks or addresses) whose forwarded header is believed. None by default: nothing spoofable is trusted.
     * @param forwardedHeader The header the trusted proxies write: x-forwarded-for or forwarded (RFC 7239).
     * @param ipv6PrefixLength How many leading bits of an IPv6 address identify one client.
     * @param allowBroadTrustedProxies Whether trusted-proxies may hold a block spanning public address space (an IPv4 prefix shorter than /8 or an IPv6 one shorter than /24, such as 0.0.0.0/0), which makes every peer in it able to forge the client's address; set it only when nothing but your proxies can connect to the application.
     * @param nat64Prefixes IPv6 prefixes of your own NAT64/SIIT translators (RFC 6052: a /32, /40, /48, /56, /64 or /96, such as 2001:db8:64::/96 or a prefix in 64:ff9b:1::/48): a client address under one is the IPv4 address it embeds. The well-known 64:ff9b::/96 and ::ffff:0:0:0/96 need no entry.
     */
    public record Client(
            List<String> trustedProxies,
            @Default(DEFAULT_FORWARDED_HEADER) ForwardedHeader forwardedHeader,
            @Default("" + DEFAULT_IPV6_PREFIX_LENGTH) int ipv6PrefixLength,

            @Default("" + DEFAULT_ALLOW_BROAD_TRUSTED_PROXIES)
            boolean allowBroadTrustedProxies,

            List<String> nat64Prefixes) {

        /** The default of {@code forwarded-header}. */
        public static final String DEFAULT_FORWARDED_HEADER = "x-forwarded-for";

        /** The default of {@code ipv6-prefix-length}. */
        public static final int DEFAULT_IPV6_PREFIX_LENGTH = 64;

        /** The default of {@code allow-broad-trusted-proxies}. */
        public static final boolean DEFAULT_ALLOW_BROAD_TRUSTED_PROXIES = false;

        public Client {
            trustedProxies = Settings.copy(trustedProxies);
            nat64Prefixes = Settings.copy(nat64Prefixes);
        }
    }

    /**
     * {@code abuse-guard.store.*}: where guards keep state.
     *
     * @param type Where state lives: local (in process) or redis (shared by every instance; needs abuse-guard-redis).
     * @param maximumKeys The most client keys each rule or counter tracks in process; beyond it the least useful are evicted.
     */
    public record Store(
            @Default(DEFAULT_TYPE) String type,
            @Default("" + DEFAULT_MAXIMUM_KEYS) long maximumKeys) {

        /** The default of {@code type}. */
        public static final String DEFAULT_TYPE = "local";

        /** The default of {@code maximum-keys}. */
        public static final long DEFAULT_MAXIMUM_KEYS = 100_000;
    }

    /**
     * {@code abuse-guard.logging.*}: the decision log.
     *
     * @param pseudonymiseClients Whether client keys (addresses, API keys, principals) are logged as keyed-hash pseudonyms instead of in clear.
     * @param pseudonymSecret The HMAC secret of the pseudonyms; share it across instances so one client has one pseudonym everywhere. Empty: a random secret per process, so pseudonyms change on restart.
     */
    public record Logging(
            @Default("" + DEFAULT_PSEUDONYMISE_CLIENTS) boolean pseudonymiseClients,
            @Default(DEFAULT_PSEUDONYM_SECRET) String pseudonymSecret) {

        /** The default of {@code pseudonymise-clients}. */
        public static final boolean DEFAULT_PSEUDONYMISE_CLIENTS = false;

        /** The default of {@code pseudonym-secret}. */
        public static final String DEFAULT_PSEUDONYM_SECRET = "";
    }

    /**
     * {@code abuse-guard.routes.*}: routes that no guard checks, or that guards only monitor.
     *
     * @param exempt Path patterns no guard checks, such as health checks.
     * @param monitor Path patterns whose denials are only reported, whatever the guards' modes.
     */
    public record Routes(List<String> exempt, List<String> monitor) {

        public Routes {
            exempt = Settings.copy(exempt);
            monitor = Settings.copy(monitor);
        }
    }

    /**
     * {@code abuse-guard.cross-site.*}: requests another site's page makes a visitor's browser send to a
     * watched route ({@code Sec-Fetch-Site: cross-site}, not a top-level navigation); see
     * {@link io.github.abuseguard.CrossSiteRequests}. {@code enabled} refuses them; {@code mode: monitor}
     * only reports them ({@code would-deny}) and lets the guards count them.
     *
     * @param enabled Whether the guard runs; abuse-guard.enabled=false switches the whole library off.
     * @param mode Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's.
     * @param allowedOrigins Origins whose cross-site requests pass (CORS partners, a provider posting into a frame): scheme://host[:port] or scheme://*.domain.
     */
    public record CrossSite(
            @Default("" + DEFAULT_ENABLED) boolean enabled,
            @Default(DEFAULT_MODE) Mode mode,
            List<String> allowedOrigins)
            implements GuardSettings {

        public CrossSite {
            allowedOrigins = Settings.copy(allowedOrigins);
        }
    }
}
