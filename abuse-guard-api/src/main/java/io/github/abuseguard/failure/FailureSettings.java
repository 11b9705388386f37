package io.github.abuseguard.failure;

import io.github.abuseguard.Action;
import io.github.abuseguard.config.GuardSettingsBean;
import io.github.abuseguard.config.KeyedRuleBean;
import io.github.abuseguard.config.SurgeSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code abuse-guard.failure.*}: outcome counting, fail2ban/allow2ban bans and the under-attack mode. */
public class FailureSettings extends GuardSettingsBean {

    /** The default of {@code history-ttl}. */
    public static final Duration DEFAULT_HISTORY_TTL = Duration.ofHours(24);

    /** How long a client address counts as known from its first successful request (default 24h); fresh clients are risky under attack. */
    private Duration historyTtl = DEFAULT_HISTORY_TTL;

    /** Failure rules by name, each with paths, methods, statuses, key, distinct, credential, counting, find-time, max-retry, ban-time, ban-factor, max-ban-time, action and under-attack. */
    private Map<String, Rule> rules = new LinkedHashMap<>();

    public Duration getHistoryTtl() {
        return historyTtl;
    }

    public void setHistoryTtl(Duration historyTtl) {
        this.historyTtl = historyTtl;
    }

    public Map<String, Rule> getRules() {
        return rules;
    }

    public void setRules(Map<String, Rule> rules) {
        this.rules = rules;
    }

    /** {@code abuse-guard.failure.rules.NAME.*}: one failure rule; see {@link FailureRule}. */
    public static class Rule extends KeyedRuleBean {

        /** The default of {@code counting}. */
        public static final FailureRule.Counting DEFAULT_COUNTING = FailureRule.Counting.FAILURES;

        /** The statuses that count as failures: codes and classes, such as 401,403 or 4xx. */
        private String statuses = FailureRule.DEFAULT_STATUSES;

        /** Counts distinct values of this key per key instead of failures, such as ip (one user name from many addresses). */
        private @Nullable String distinct;

        /** Counts only requests that carried this, header:NAME or body:/pointer with a value, such as header:Authorization (a 401 for a request without credentials tested no password). */
        private @Nullable String credential;

        /** failures (fail2ban) or requests (allow2ban: every matching request counts). */
        private FailureRule.Counting counting = DEFAULT_COUNTING;

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

        /** The route-level surge detector of the rule's paths. */
        private final UnderAttackSettings underAttack = new UnderAttackSettings();

        public String getStatuses() {
            return statuses;
        }

        public void setStatuses(String statuses) {
            this.statuses = statuses;
        }

        public @Nullable String getDistinct() {
            return distinct;
        }

        public void setDistinct(@Nullable String distinct) {
            this.distinct = distinct;
        }

        public @Nullable String getCredential() {
            return credential;
        }

        public void setCredential(@Nullable String credential) {
            this.credential = credential;
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

        public UnderAttackSettings getUnderAttack() {
            return underAttack;
        }
    }

    /** {@code abuse-guard.failure.rules.NAME.under-attack.*}: see {@link UnderAttack}. */
    public static class UnderAttackSettings extends SurgeSettings {

        public UnderAttackSettings() {
            super(
                    Duration.ofSeconds(UnderAttack.DEFAULT_WINDOW_SECONDS),
                    UnderAttack.DEFAULT_MULTIPLIER,
                    Duration.ofMinutes(UnderAttack.DEFAULT_DURATION_MINUTES),
                    DEFAULT_ACTION);
        }

        /** The default of {@code action}. */
        public static final Action DEFAULT_ACTION = Action.REJECT;

        /** The fewest failures in a window that can mean an attack. */
        private int minFailures = UnderAttack.DEFAULT_MIN_FAILURES;

        /** The lowest failure ratio that can mean an attack. */
        private double minRatio = UnderAttack.DEFAULT_MIN_RATIO;

        /** What makes a request risky under attack: fresh-client, tool-user-agent, missing-browser-signals. */
        private List<UnderAttack.Signal> signals = new ArrayList<>(EnumSet.allOf(UnderAttack.Signal.class));

        /** A header only your own apps send, which counts as an app signal under attack. */
        private @Nullable String appHeader;

        /**
         * What gives a client the history that fresh-client asks for: app (a success on any watched route) or
         * rule (a success on this rule's routes, with its credential where it names one).
         */
        private UnderAttack.History history = UnderAttack.DEFAULT_HISTORY;

        public UnderAttack.History getHistory() {
            return history;
        }

        public void setHistory(UnderAttack.History history) {
            this.history = history;
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

        public List<UnderAttack.Signal> getSignals() {
            return signals;
        }

        public void setSignals(List<UnderAttack.Signal> signals) {
            this.signals = signals;
        }

        public @Nullable String getAppHeader() {
            return appHeader;
        }

        public void setAppHeader(@Nullable String appHeader) {
            this.appHeader = appHeader;
        }
    }
}
