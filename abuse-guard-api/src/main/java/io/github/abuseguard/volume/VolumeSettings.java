package io.github.abuseguard.volume;

import io.github.abuseguard.Action;
import io.github.abuseguard.config.DetectorSettings;
import io.github.abuseguard.config.GuardSettingsBean;
import io.github.abuseguard.config.KeyedRuleBean;
import io.github.abuseguard.config.SurgeSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code abuse-guard.volume.*}: enumeration and scraping bounds on distinct resources per client. */
public class VolumeSettings extends GuardSettingsBean {

    /** The sketch's hash seed; unset, a random one kept in the state store, so the same on every instance that shares it. */
    private @Nullable Long seed;

    /** Distinct-resource rules by name, each with paths, methods, key, window, max-distinct, action and score. */
    private Map<String, Rule> rules = new LinkedHashMap<>();

    public @Nullable Long getSeed() {
        return seed;
    }

    public void setSeed(@Nullable Long seed) {
        this.seed = seed;
    }

    public Map<String, Rule> getRules() {
        return rules;
    }

    public void setRules(Map<String, Rule> rules) {
        this.rules = rules;
    }

    /** {@code abuse-guard.volume.rules.NAME.*}: one distinct-resource bound; see {@link DistinctRule}. */
    public static class Rule extends KeyedRuleBean {

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

        /** The adaptive per-endpoint rate bound of the rule's path templates. */
        private final RateBaselineSettings rateBaseline = new RateBaselineSettings();

        /** The signal of clients that only read many of the rule's resources. */
        private final OnlyReadsSettings onlyReads = new OnlyReadsSettings();

        public RateBaselineSettings getRateBaseline() {
            return rateBaseline;
        }

        public OnlyReadsSettings getOnlyReads() {
            return onlyReads;
        }

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

        /** The lowest share of fresh resources among the window's requests that can mean scraping (0 to 1). */
        private double minRatio = UnderScrape.DEFAULT_MIN_RATIO;

        /** The most distinct resources one client may touch in the rule's window while under scrape. */
        private int maxDistinct = UnderScrape.DEFAULT_MAX_DISTINCT;

        public int getMaxDistinct() {
            return maxDistinct;
        }

        public void setMaxDistinct(int maxDistinct) {
            this.maxDistinct = maxDistinct;
        }

        public int getMinDistinct() {
            return minDistinct;
        }

        public void setMinDistinct(int minDistinct) {
            this.minDistinct = minDistinct;
        }

        public double getMinRatio() {
            return minRatio;
        }

        public void setMinRatio(double minRatio) {
            this.minRatio = minRatio;
        }
    }

    /**
     * {@code abuse-guard.volume.rules.NAME.rate-baseline.*}: the adaptive per-endpoint rate bound, a
     * detector of clients far above the learned p99 of requests per client and window (scaled up in a
     * surge of everyone), answered with log by default (monitor-first); see {@link RateBaseline}.
     */
    public static class RateBaselineSettings extends DetectorSettings {

        /** The default of {@code score}: answer with the action rather than flag. */
        public static final int DEFAULT_SCORE = 0;

        /** The floor: no client is over with this many requests per window or fewer. */
        private int minRequests = RateBaseline.DEFAULT_MIN_REQUESTS;

        /** How many finished windows are learned before the first verdict. */
        private int learningWindows = RateBaseline.DEFAULT_LEARNING_WINDOWS;

        /** Flags with this risk score instead of answering with the action; 0 answers. */
        private int score = DEFAULT_SCORE;

        public RateBaselineSettings() {
            super(
                    Duration.ofSeconds(RateBaseline.DEFAULT_WINDOW_SECONDS),
                    RateBaseline.DEFAULT_MULTIPLIER,
                    RateBaseline.DEFAULT_ACTION);
        }

        public int getMinRequests() {
            return minRequests;
        }

        public void setMinRequests(int minRequests) {
            this.minRequests = minRequests;
        }

        public int getLearningWindows() {
            return learningWindows;
        }

        public void setLearningWindows(int learningWindows) {
            this.learningWindows = learningWindows;
        }

        public int getScore() {
            return score;
        }

        public void setScore(int score) {
            this.score = score;
        }
    }

    /** {@code abuse-guard.volume.rules.NAME.only-reads.*}: see {@link OnlyReads}. */
    public static class OnlyReadsSettings {

        /** The default of {@code action}, used when the score is 0. */
        public static final Action DEFAULT_ACTION = Action.THROTTLE;

        /** Whether clients that only read many of the rule's resources, and never do anything else, are signalled. */
        private boolean enabled = false;

        /** The fewest distinct resources read in the rule's window that make the signal; below max-distinct. */
        private int minDistinct = OnlyReads.DEFAULT_MIN_DISTINCT;

        /** The risk score of the signal; 0 answers with the action instead. */
        private int score = OnlyReads.DEFAULT_SCORE;

        /** How a request is answered when the score is 0. */
        private Action action = DEFAULT_ACTION;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getMinDistinct() {
            return minDistinct;
        }

        public void setMinDistinct(int minDistinct) {
            this.minDistinct = minDistinct;
        }

        public int getScore() {
            return score;
        }

        public void setScore(int score) {
            this.score = score;
        }

        public Action getAction() {
            return action;
        }

        public void setAction(Action action) {
            this.action = action;
        }
    }
}
