package io.github.abuseguard.volume;

import io.github.abuseguard.Action;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.KeyedRuleSettings;
import io.github.abuseguard.config.SurgeSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code abuse-guard.volume.*}: enumeration and scraping bounds on distinct resources per client. */
public class VolumeSettings extends GuardSettings {

    /** The sketch's hash seed; random when unset. Set the same value on every instance that shares a Redis store. */
    private Long seed;

    /** Distinct-resource rules by name, each with paths, methods, key, window, max-distinct, action and score. */
    private Map<String, Rule> rules = new LinkedHashMap<>();

    public Long getSeed() {
        return seed;
    }

    public void setSeed(Long seed) {
        this.seed = seed;
    }

    public Map<String, Rule> getRules() {
        return rules;
    }

    public void setRules(Map<String, Rule> rules) {
        this.rules = rules;
    }

    /** {@code abuse-guard.volume.rules.NAME.*}: one distinct-resource bound; see {@link DistinctRule}. */
    public static class Rule extends KeyedRuleSettings {

        /** The default of {@code score}. */
        public static final int DEFAULT_SCORE = 0;

        /** The sliding window distinct resources are counted in. */
        private Duration window = Duration.ofMinutes(DistinctRule.DEFAULT_WINDOW_MINUTES);

        /** The most distinct resources a key may touch per window (1 to 1024). */
        private int maxDistinct = DistinctRule.DEFAULT_MAX_DISTINCT;

        /** Flags with this risk score instead of denying; 0 denies. */
        private int score = DEFAULT_SCORE;

        /** The route-level scraping detector of the rule's paths. */
        private final UnderScrapeSettings underScrape = new UnderScrapeSettings();

        public UnderScrapeSettings getUnderScrape() {
            return underScrape;
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

        public int getScore() {
            return score;
        }

        public void setScore(int score) {
            this.score = score;
        }
    }

    /** {@code abuse-guard.volume.rules.NAME.under-scrape.*}: see {@link UnderScrape}. */
    public static class UnderScrapeSettings extends SurgeSettings {

        public UnderScrapeSettings() {
            super(
                    Duration.ofSeconds(UnderScrape.DEFAULT_WINDOW_SECONDS),
                    UnderScrape.DEFAULT_MULTIPLIER,
                    Duration.ofMinutes(UnderScrape.DEFAULT_DURATION_MINUTES),
                    DEFAULT_ACTION);
        }

        /** The default of {@code action}. */
        public static final Action DEFAULT_ACTION = Action.THROTTLE;

        /** The fewest distinct resources per window that can mean scraping. */
        private int minDistinct = UnderScrape.DEFAULT_MIN_DISTINCT;

        public int getMinDistinct() {
            return minDistinct;
        }

        public void setMinDistinct(int minDistinct) {
            this.minDistinct = minDistinct;
        }
    }
}
