package io.github.abuseguard.ratelimit;

import io.github.abuseguard.GuardRule;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.KeyedRuleSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code abuse-guard.rate-limit.*}: token-bucket rate limiting. */
public class RateLimitSettings extends GuardSettings {

    /** The rules by name (the policy name in the RateLimit fields), each with paths, methods, key, cost, action and limits[i].capacity, .refill-tokens, .period, .refill. */
    private Map<String, Rule> rules = new LinkedHashMap<>();

    public Map<String, Rule> getRules() {
        return rules;
    }

    public void setRules(Map<String, Rule> rules) {
        this.rules = rules;
    }

    /** {@code abuse-guard.rate-limit.rules.NAME.*}: one rate-limit rule. */
    public static class Rule extends KeyedRuleSettings {

        /** The default of {@code paths}: every path. */
        public static final List<String> DEFAULT_PATHS = List.of("/**");

        public Rule() {
            super(DEFAULT_PATHS);
        }

        /** Tokens one request takes. */
        private long cost = RateLimitRule.DEFAULT_COST;

        /** The limits of the rule's buckets; a request must fit all of them. */
        private List<LimitSettings> limits = new ArrayList<>();

        /** The decoy answered with when the action is decoy. */
        private String decoy = GuardRule.DEFAULT_DECOY;

        public String getDecoy() {
            return decoy;
        }

        public void setDecoy(String decoy) {
            this.decoy = decoy;
        }

        public long getCost() {
            return cost;
        }

        public void setCost(long cost) {
            this.cost = cost;
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

        /** The default of {@code refill}. */
        public static final Limit.Refill DEFAULT_REFILL = Limit.Refill.GREEDY;

        /** The most tokens the bucket holds: the burst a client may send at once. */
        private long capacity;

        /** Tokens that come back per period; defaults to the capacity. */
        private @Nullable Long refillTokens;

        /** The refill period, such as {@code 1m} or {@code PT5M}. */
        private @Nullable Duration period;

        /** How tokens come back: {@code greedy} (gradually) or {@code intervally} (all at once per period). */
        private Limit.Refill refill = DEFAULT_REFILL;

        public long getCapacity() {
            return capacity;
        }

        public void setCapacity(long capacity) {
            this.capacity = capacity;
        }

        public @Nullable Long getRefillTokens() {
            return refillTokens;
        }

        public void setRefillTokens(@Nullable Long refillTokens) {
            this.refillTokens = refillTokens;
        }

        public @Nullable Duration getPeriod() {
            return period;
        }

        public void setPeriod(@Nullable Duration period) {
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
