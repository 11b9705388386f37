package io.github.abuseguard.failure;

import io.github.abuseguard.Action;
import io.github.abuseguard.Mode;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.KeyedRuleSettings;
import io.github.abuseguard.config.SurgeSettings;
import io.github.abuseguard.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code abuse-guard.failure.*}: outcome counting, fail2ban/allow2ban bans and the under-attack mode.
 *
 * @param enabled Whether the guard runs; abuse-guard.enabled=false switches the whole library off.
 * @param mode Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's.
 * @param historyTtl How long a client address counts as known from its first successful request (default 24h); fresh clients are risky under attack.
 * @param rules Failure rules by name, each with paths, methods, statuses, key, distinct, credential, counting, find-time, max-retry, ban-time, ban-factor, max-ban-time, action and under-attack.
 */
public record FailureSettings(
        @Default("" + DEFAULT_ENABLED) boolean enabled,
        @Default(DEFAULT_MODE) Mode mode,
        @Default(FailureSettings.DEFAULT_HISTORY_TTL) Duration historyTtl,
        Map<String, Rule> rules)
        implements GuardSettings {

    /** The default of {@code history-ttl}. */
    public static final String DEFAULT_HISTORY_TTL = "24h";

    public FailureSettings {
        rules = Settings.copy(rules);
    }

    /**
     * {@code abuse-guard.failure.rules.NAME.*}: one failure rule; see {@link FailureRule}.
     *
     * @param paths Path patterns the rule applies to.
     * @param methods HTTP methods the rule applies to; empty means the guard's default methods.
     * @param key Whose count a request goes to: ip, header:NAME, session, principal, query:NAME, body:/pointer (folded as a user name), body-exact:/pointer (case kept: a code), mailbox:/pointer (the inbox of an e-mail address), or several joined by +.
     * @param action How a refused request is answered: throttle (429), reject (403), tarpit, decoy, tag or log.
     * @param statuses The statuses that count as failures: codes and classes, such as 401,403 or 4xx.
     * @param distinct Counts distinct values of this key per key instead of failures, such as ip (one user name from many addresses); a code compared exactly (a gift card, a voucher) in a JSON body is body-exact:/pointer, since body:/pointer folds case.
     * @param credential Counts only requests that carried this, header:NAME or body:/pointer with a value, such as header:Authorization (a 401 for a request without credentials tested no password).
     * @param counting failures (fail2ban) or requests (allow2ban: every matching request counts).
     * @param findTime The sliding window failures are counted in.
     * @param maxRetry The count within find-time at which the key is banned.
     * @param banTime How long a first ban lasts.
     * @param banFactor How much longer each further ban of the same key lasts.
     * @param maxBanTime The longest ban, and how long earlier bans count towards escalation.
     * @param underAttack The route-level surge detector of the rule's paths.
     */
    public record Rule(
            List<String> paths,
            List<String> methods,
            @Default(DEFAULT_KEY) String key,
            @Default(DEFAULT_ACTION) Action action,
            @Default(FailureRule.DEFAULT_STATUSES) String statuses,
            @Nullable String distinct,
            @Nullable String credential,
            @Default(Rule.DEFAULT_COUNTING) FailureRule.Counting counting,

            @Default(FailureRule.DEFAULT_FIND_TIME_MINUTES + "m")
            Duration findTime,

            @Default("" + FailureRule.DEFAULT_MAX_RETRY) int maxRetry,

            @Default(FailureRule.DEFAULT_BAN_TIME_MINUTES + "m")
            Duration banTime,

            @Default("" + FailureRule.DEFAULT_BAN_FACTOR) double banFactor,

            @Default(FailureRule.DEFAULT_MAX_BAN_TIME_HOURS + "h")
            Duration maxBanTime,

            UnderAttackSettings underAttack)
            implements KeyedRuleSettings {

        /** The default of {@code counting}. */
        public static final String DEFAULT_COUNTING = "failures";

        public Rule {
            paths = Settings.copy(paths);
            methods = Settings.copy(methods);
        }
    }

    /**
     * {@code abuse-guard.failure.rules.NAME.under-attack.*}: see {@link UnderAttack}.
     *
     * @param enabled Whether the detector runs.
     * @param window The window counts are taken in.
     * @param slowWindow The longer window a crowd too slow for the window is judged over (raised to twice the window when shorter; 0s switches it off): at least 5 x min-failures from 25 or more addresses, at a ratio of at least min-ratio and twice the ratio learned per slow window.
     * @param multiplier How far above its learned baseline a count must go.
     * @param duration How long the mode lasts once entered; refused requests extend it.
     * @param action How a request the detector singles out is answered.
     * @param minFailures The fewest failures in a window that can mean an attack.
     * @param minRatio The lowest failure ratio that can mean an attack.
     * @param signals What makes a request risky under attack: fresh-client, tool-user-agent, missing-browser-signals.
     * @param appHeader A header only your own apps send, which counts as an app signal under attack.
     * @param newcomerAttempts Requests to the rule's routes that a client which solved the browser proof while the mode is on may send per duration while it lasts (0: none, it waits until the mode ends); its address's own failure limits still apply.
     * @param history What gives a client the history that fresh-client asks for: app (a success on any watched route), rule (a success on this rule's routes, with its credential where it names one) or resource (as rule, vouching only for the same path and the same values of the key and distinct other than the address).
     */
    public record UnderAttackSettings(
            @Default("" + DEFAULT_ENABLED) boolean enabled,

            @Default(UnderAttack.DEFAULT_WINDOW_SECONDS + "s")
            Duration window,

            @Default(UnderAttack.DEFAULT_SLOW_WINDOW_MINUTES + "m")
            Duration slowWindow,

            @Default("" + UnderAttack.DEFAULT_MULTIPLIER) double multiplier,

            @Default(UnderAttack.DEFAULT_DURATION_MINUTES + "m")
            Duration duration,

            @Default(UnderAttackSettings.DEFAULT_ACTION) Action action,
            @Default("" + UnderAttack.DEFAULT_MIN_FAILURES) int minFailures,
            @Default("" + UnderAttack.DEFAULT_MIN_RATIO) double minRatio,
            @Default(UnderAttackSettings.DEFAULT_SIGNALS) List<UnderAttack.Signal> signals,
            @Nullable String appHeader,
            @Default(UnderAttackSettings.DEFAULT_HISTORY) UnderAttack.History history,

            @Default("" + UnderAttack.DEFAULT_NEWCOMER_ATTEMPTS)
            int newcomerAttempts)
            implements SurgeSettings {

        /** The default of {@code action}. */
        public static final String DEFAULT_ACTION = "reject";

        /** The default of {@code signals}: every signal. */
        public static final String DEFAULT_SIGNALS = "fresh-client,tool-user-agent,missing-browser-signals";

        /** The default of {@code history}: {@link UnderAttack#DEFAULT_HISTORY}. */
        public static final String DEFAULT_HISTORY = "app";

        public UnderAttackSettings {
            signals = Settings.copy(signals);
        }
    }
}
