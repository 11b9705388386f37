package io.github.abuseguard.email;

import io.github.abuseguard.GuardRule;
import io.github.abuseguard.Mode;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.RuleScopeSettings;
import io.github.abuseguard.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code abuse-guard.email.*}: disposable-address rejection.
 *
 * @param enabled Whether the guard runs; abuse-guard.enabled=false switches the whole library off.
 * @param mode Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's.
 * @param bundled Whether the bundled list of disposable domains is used.
 * @param sources More lists, one domain per line: file paths, http(s) URLs refreshed on a schedule, or bundled:mailchecker (56,000 domains, MIT).
 * @param allowlist Domains never treated as disposable; an allowlist always wins.
 * @param protectMajorProviders Whether the major real providers (gmail.com, outlook.com, ...) are protected from every list and check, and the mail servers of providers, forwarders and hosting companies are never taken for disposable ones by the MX check.
 * @param allowAliasRelays Whether privacy relays and alias forwarders (Firefox Relay, Hide My Email, DuckDuckGo, SimpleLogin, Proton Pass, addy.io, 33mail), which forward to a real mailbox, are allowed whatever a list says.
 * @param requirePublicDomain Whether an address must name a public mail domain: an address literal (a@[192.0.2.1]), a numeric name or a name without a dot (a@localhost) is refused 422 non-public-email-domain.
 * @param refreshInterval How often URL sources are fetched again (with conditional requests) and files checked for changes.
 * @param mxCheck Whether a domain whose mail servers are disposable hosts counts as disposable (asks DNS).
 * @param mxBudget How long a request may wait for an uncached MX answer before it goes on as not disposable.
 * @param mxHosts Mail servers (MX hosts) known to serve disposable domains; more are learned at run time.
 * @param bounceThreshold How many different client networks (IPv4 /16s, IPv6 /32s) whose accepted sign-ups bounced or drew complaints within the window block a domain (or a mail server), once the rate is reached too.
 * @param bounceRate The share of a domain's reported mail (bounces, complaints, deliveries) that bounced, from 0 to 1, at which it is blocked.
 * @param bounceWindow The window bounces are counted in.
 * @param bounceBlockFor How long a domain stays blocked after too many bounces.
 * @param rules The rules by name, each with paths, methods, field (/json/pointer or query:NAME), response (reject, flag, decoy), score and decoy.
 */
public record EmailSettings(
        @Default("" + DEFAULT_ENABLED) boolean enabled,
        @Default(DEFAULT_MODE) Mode mode,
        @Default("" + DEFAULT_BUNDLED) boolean bundled,
        List<String> sources,
        List<String> allowlist,
        @Default("" + DEFAULT_PROTECT_MAJOR_PROVIDERS) boolean protectMajorProviders,
        @Default("" + DEFAULT_ALLOW_ALIAS_RELAYS) boolean allowAliasRelays,
        @Default("" + DEFAULT_REQUIRE_PUBLIC_DOMAIN) boolean requirePublicDomain,
        @Default(DEFAULT_REFRESH_INTERVAL) Duration refreshInterval,
        @Default("" + DEFAULT_MX_CHECK) boolean mxCheck,
        @Default(DEFAULT_MX_BUDGET) Duration mxBudget,
        List<String> mxHosts,
        @Default("" + DEFAULT_BOUNCE_THRESHOLD) int bounceThreshold,
        @Default("" + DEFAULT_BOUNCE_RATE) double bounceRate,
        @Default(DEFAULT_BOUNCE_WINDOW) Duration bounceWindow,
        @Default(DEFAULT_BOUNCE_BLOCK_FOR) Duration bounceBlockFor,
        Map<String, Rule> rules)
        implements GuardSettings {

    /** The default of {@code bundled}. */
    public static final boolean DEFAULT_BUNDLED = true;

    /** The default of {@code protect-major-providers}. */
    public static final boolean DEFAULT_PROTECT_MAJOR_PROVIDERS = true;

    /** The default of {@code allow-alias-relays}. */
    public static final boolean DEFAULT_ALLOW_ALIAS_RELAYS = true;

    /** The default of {@code require-public-domain}. */
    public static final boolean DEFAULT_REQUIRE_PUBLIC_DOMAIN = true;

    /** The default of {@code refresh-interval}. */
    public static final String DEFAULT_REFRESH_INTERVAL = "6h";

    /** The default of {@code mx-check}. */
    public static final boolean DEFAULT_MX_CHECK = false;

    /** The default of {@code mx-budget}. */
    public static final String DEFAULT_MX_BUDGET = "50ms";

    /** The default of {@code bounce-threshold}. */
    public static final int DEFAULT_BOUNCE_THRESHOLD = 5;

    /** The default of {@code bounce-rate}. */
    public static final double DEFAULT_BOUNCE_RATE = 0.2;

    /** The default of {@code bounce-window}. */
    public static final String DEFAULT_BOUNCE_WINDOW = "1h";

    /** The default of {@code bounce-block-for}. */
    public static final String DEFAULT_BOUNCE_BLOCK_FOR = "1d";

    public EmailSettings {
        sources = Settings.copy(sources);
        allowlist = Settings.copy(allowlist);
        mxHosts = Settings.copy(mxHosts);
        rules = Settings.copy(rules);
    }

    /**
     * {@code abuse-guard.email.rules.NAME.*}: where an address arrives.
     *
     * @param paths Path patterns the rule applies to.
     * @param methods HTTP methods the rule applies to; empty means the guard's default methods.
     * @param field The field: a JSON Pointer such as /email (a form field for URL-encoded bodies), or query:NAME.
     * @param response How a disposable address is answered: reject (422), flag or decoy.
     * @param score The risk score of a flag.
     * @param decoy The decoy of the decoy response.
     */
    public record Rule(
            List<String> paths,
            List<String> methods,
            @Default(EmailRule.DEFAULT_FIELD) String field,
            @Default(DEFAULT_RESPONSE) EmailRule.Response response,
            @Default("" + EmailRule.DEFAULT_SCORE) int score,
            @Default(GuardRule.DEFAULT_DECOY) String decoy)
            implements RuleScopeSettings {

        /** The default of {@code response}: {@link EmailRule#DEFAULT_RESPONSE}, as a property gives it. */
        public static final String DEFAULT_RESPONSE = "reject";

        public Rule {
            paths = Settings.copy(paths);
            methods = Settings.copy(methods);
        }
    }
}
