package io.github.abuseguard.ratelimit;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRule;
import io.github.abuseguard.Mode;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.KeyedRuleSettings;
import io.github.abuseguard.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code abuse-guard.rate-limit.*}: token-bucket rate limiting.
 *
 * @param enabled Whether the guard runs; abuse-guard.enabled=false switches the whole library off.
 * @param mode Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's.
 * @param rules The rules by name (the policy name in the RateLimit fields), each with paths, methods, key, cost, action and limits[i].capacity, .refill-tokens, .period, .refill.
 */
public record RateLimitSettings(
        @Default("" + DEFAULT_ENABLED) boolean enabled,
        @Default(DEFAULT_MODE) Mode mode,
        Map<String, Rule> rules) implements GuardSettings {

    public RateLimitSettings {
        rules = Settings.copy(rules);
    }

    /**
     * {@code abuse-guard.rate-limit.rules.NAME.*}: one rate-limit rule.
     *
     * @param paths Path patterns the rule applies to.
     * @param methods HTTP methods the rule applies to; empty means every method.
     * @param key Whose bucket a request goes to: ip, network (IPv4 /24, IPv6 /48), allocation (IPv4 /16, IPv6 /32), header:NAME, cookie:NAME, session, principal, query:NAME, body:/pointer (folded as a user name), body-exact:/pointer (case kept: a code), mailbox:/pointer (the inbox of an e-mail address), basic-user, or several joined by +; or global, one bucket that every client shares (a cap on the rule's routes, charged only by requests the per-client rules let through).
     * @param action How a refused request is answered: throttle (429), reject (403), tarpit, decoy, tag or log.
     * @param cost Tokens one request takes.
     * @param limits The limits of the rule's buckets; a request must fit all of them.
     * @param decoy The decoy answered with when the action is decoy.
     * @param refundStatuses Statuses of the application's answer that give a request's tokens back, such as 4xx or 400,409,422: a sign-up the application refused opened no account. Unset, every request counts; never set it on a limit of guesses (a login, a redemption), whose refusals are the guesses.
     */
    public record Rule(
            @Default(DEFAULT_PATHS) List<String> paths,
            List<String> methods,
            @Default(DEFAULT_KEY) String key,
            @Default(DEFAULT_ACTION) Action action,
            @Default("" + RateLimitRule.DEFAULT_COST) long cost,
            List<LimitSettings> limits,
            @Default(GuardRule.DEFAULT_DECOY) String decoy,
            @Nullable String refundStatuses)
            implements KeyedRuleSettings {

        /** The default of {@code paths}: every path. */
        public static final String DEFAULT_PATHS = "/**";

        public Rule {
            paths = Settings.copy(paths);
            methods = Settings.copy(methods);
            limits = Settings.copy(limits);
        }
    }

    /**
     * {@code abuse-guard.rate-limit.rules.NAME.limits[i].*}: one token-bucket limit.
     *
     * @param capacity The most tokens the bucket holds: the burst a client may send at once.
     * @param refillTokens Tokens that come back per period; defaults to the capacity.
     * @param period The refill period, such as {@code 1m} or {@code PT5M}.
     * @param refill How tokens come back: {@code greedy} (gradually) or {@code intervally} (all at once per period).
     */
    public record LimitSettings(
            long capacity,
            @Nullable Long refillTokens,
            @Nullable Duration period,
            @Default(DEFAULT_REFILL) Limit.Refill refill) {

        /** The default of {@code refill}. */
        public static final String DEFAULT_REFILL = "greedy";

        public LimitSettings {
            if (refill == null) {
                // Spring's binder binds a list's elements from the list's own source, without the defaults
                refill = Limit.Refill.valueOf(DEFAULT_REFILL.toUpperCase(Locale.ROOT));
            }
        }
    }
}
