package io.github.abuseguard.client;

import io.github.abuseguard.Action;
import io.github.abuseguard.Mode;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.internal.Settings;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code abuse-guard.client-signals.*}: user-agent and proxy/CDN signals.
 *
 * @param enabled Whether the guard runs; abuse-guard.enabled=false switches the whole library off.
 * @param mode Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's.
 * @param builtinSignatures Whether the built-in automation signatures (HTTP libraries 20, headless browsers 30, attack tools 100) apply.
 * @param missingUserAgentScore Risk score of a request without a User-Agent.
 * @param viaScore Risk score of a Via header unless the client's own address is a trusted proxy or the request carries own-cdn-header.
 * @param amazonCloudFrontIdScore Risk score of an X-Amz-Cf-Id header unless the client's own address is a trusted proxy or the request carries own-cdn-header.
 * @param cloudFrontHeadersScore Risk score of CloudFront-* viewer headers unless the client's own address is a trusted proxy or the request carries own-cdn-header.
 * @param untrustedForwardingScore Risk score of X-Forwarded-* or Forwarded headers unless the client's own address is a trusted proxy or the request carries own-cdn-header.
 * @param cdnUserAgentScore Risk score of the Amazon CloudFront user agent.
 * @param cdnWorkerScore Risk score of a Cloudflare Worker's CF-Worker header (a Worker's fetch: what a clone runs) unless the client's own address is a trusted proxy or the request carries own-cdn-header.
 * @param cdnMarkScore Risk score of another CDN's forwarding mark (CDN-Loop, Fastly-FF, Akamai-Origin-Hop, on every request through those CDNs) unless the client's own address is a trusted proxy or the request carries own-cdn-header.
 * @param ownCdnHeader The header your own CDN adds to every request it forwards, with own-cdn-secret as its value (a CloudFront origin custom header, a Cloudflare transform rule): the CDN marks of a request carrying it are not counted.
 * @param ownCdnSecret The value of own-cdn-header, at least 16 characters; keep it out of the code (an environment variable).
 * @param userAgentRules Your user-agent rules by name, each with pattern (a case-insensitive regex), action (reject or flag) and score.
 * @param expectedClients Routes only your own client calls, by name, each with paths, pattern (its user agent) and score.
 */
public record ClientSignalsSettings(
        @Default("" + DEFAULT_ENABLED) boolean enabled,
        @Default(DEFAULT_MODE) Mode mode,
        @Default("" + DEFAULT_BUILTIN_SIGNATURES) boolean builtinSignatures,
        @Default("" + DEFAULT_MISSING_USER_AGENT_SCORE) int missingUserAgentScore,
        @Default("" + DEFAULT_VIA_SCORE) int viaScore,
        @Default("" + DEFAULT_AMAZON_CLOUD_FRONT_ID_SCORE) int amazonCloudFrontIdScore,
        @Default("" + DEFAULT_CLOUD_FRONT_HEADERS_SCORE) int cloudFrontHeadersScore,
        @Default("" + DEFAULT_UNTRUSTED_FORWARDING_SCORE) int untrustedForwardingScore,
        @Default("" + DEFAULT_CDN_USER_AGENT_SCORE) int cdnUserAgentScore,
        @Default("" + DEFAULT_CDN_WORKER_SCORE) int cdnWorkerScore,
        @Default("" + DEFAULT_CDN_MARK_SCORE) int cdnMarkScore,
        @Nullable String ownCdnHeader,
        @Nullable String ownCdnSecret,
        Map<String, UserAgentRule> userAgentRules,
        Map<String, ExpectedClient> expectedClients)
        implements GuardSettings {

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

    /** The default of {@code cdn-worker-score}: as much as CloudFront's request id. */
    public static final int DEFAULT_CDN_WORKER_SCORE = 60;

    /**
     * The default of {@code cdn-mark-score}: as much as CloudFront's viewer headers. These marks are on every
     * request through those CDNs, an operator's own included where the container takes the client address
     * from forwarding headers ({@code server.forward-headers-strategy=native}), so alone they flag a request
     * and do not refuse an Origin-less write.
     */
    public static final int DEFAULT_CDN_MARK_SCORE = 15;

    public ClientSignalsSettings {
        userAgentRules = Settings.copy(userAgentRules);
        expectedClients = Settings.copy(expectedClients);
    }

    /** The settings, the own CDN's secret masked. */
    @Override
    public String toString() {
        return "ClientSignalsSettings[enabled=" + enabled + ", mode=" + mode + ", ownCdnHeader=" + ownCdnHeader
                + ", ownCdnSecret=" + (ownCdnSecret == null ? null : "******") + ", userAgentRules=" + userAgentRules
                + ", expectedClients=" + expectedClients + ", ...]";
    }

    /**
     * {@code abuse-guard.client-signals.user-agent-rules.NAME.*}: one user-agent rule.
     *
     * @param pattern A case-insensitive regular expression searched in the User-Agent.
     * @param action reject (403) or flag (adds the score).
     * @param score The risk score of a flag.
     */
    public record UserAgentRule(
            @Nullable String pattern,
            @Default(DEFAULT_ACTION) Action action,
            @Default("" + DEFAULT_SCORE) int score) {

        /** The default of {@code action}. */
        public static final String DEFAULT_ACTION = "log";

        /** The default of {@code score}. */
        public static final int DEFAULT_SCORE = 20;
    }

    /**
     * {@code abuse-guard.client-signals.expected-clients.NAME.*}: routes only a known client calls.
     *
     * @param paths The routes.
     * @param pattern A case-insensitive regular expression the expected client's User-Agent contains.
     * @param score The risk score of any other client.
     */
    public record ExpectedClient(
            List<String> paths,
            @Nullable String pattern,
            @Default("" + DEFAULT_SCORE) int score) {

        /** The default of {@code score}. */
        public static final int DEFAULT_SCORE = 30;

        public ExpectedClient {
            paths = Settings.copy(paths);
        }
    }
}
