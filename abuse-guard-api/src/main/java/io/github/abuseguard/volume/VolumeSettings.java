package io.github.abuseguard.volume;

import io.github.abuseguard.Action;
import io.github.abuseguard.Mode;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.DetectorSettings;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.KeyedRuleSettings;
import io.github.abuseguard.config.SurgeSettings;
import io.github.abuseguard.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code abuse-guard.volume.*}: enumeration and scraping bounds on distinct resources per client.
 *
 * @param enabled Whether the guard runs; abuse-guard.enabled=false switches the whole library off.
 * @param mode Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's.
 * @param seed The sketch's hash seed; unset, a random one kept in the state store, so the same on every instance that shares it.
 * @param rules Distinct-resource rules by name, each with paths, methods, key, window, max-distinct, action and score.
 */
public record VolumeSettings(
        @Default("" + DEFAULT_ENABLED) boolean enabled,
        @Default(DEFAULT_MODE) Mode mode,
        @Nullable Long seed,
        Map<String, Rule> rules)
        implements GuardSettings {

    public VolumeSettings {
        rules = Settings.copy(rules);
    }

    /**
     * {@code abuse-guard.volume.rules.NAME.*}: one distinct-resource bound; see {@link DistinctRule}.
     *
     * @param paths Path patterns the rule applies to.
     * @param methods HTTP methods the rule applies to; empty means the guard's default methods.
     * @param key Whose count a request goes to: ip, header:NAME, session, principal, query:NAME, body:/pointer (folded as a user name), body-exact:/pointer (case kept: a code), mailbox:/pointer (the inbox of an e-mail address), or several joined by +.
     * @param action How a refused request is answered: throttle (429), reject (403), tarpit, decoy, tag or log.
     * @param window The sliding window distinct resources are counted in.
     * @param maxDistinct The most distinct resources a key may touch per window (1 to 1024).
     * @param score Flags with this risk score instead of denying; 0 denies.
     * @param underScrape The route-level scraping detector of the rule's paths.
     * @param rateBaseline The adaptive per-endpoint rate bound of the rule's path templates.
     * @param onlyReads The signal of clients that only read many of the rule's resources.
     * @param resource What names a resource besides its path, where a route names it in its query or body: query:NAME, body-exact:/pointer or body:/pointer (joined by +); the path alone when unset.
     */
    public record Rule(
            List<String> paths,
            List<String> methods,
            @Default(DEFAULT_KEY) String key,
            @Default(DEFAULT_ACTION) Action action,

            @Default(DistinctRule.DEFAULT_WINDOW_MINUTES + "m")
            Duration window,

            @Default("" + DistinctRule.DEFAULT_MAX_DISTINCT) int maxDistinct,
            @Default("" + Rule.DEFAULT_SCORE) int score,
            UnderScrapeSettings underScrape,
            RateBaselineSettings rateBaseline,
            OnlyReadsSettings onlyReads,
            String resource)
            implements KeyedRuleSettings {

        /** The default of {@code score}. */
        public static final int DEFAULT_SCORE = 0;

        public Rule {
            paths = Settings.copy(paths);
            methods = Settings.copy(methods);
        }
    }

    /**
     * {@code abuse-guard.volume.rules.NAME.under-scrape.*}: see {@link UnderScrape}.
     *
     * @param enabled Whether the detector runs.
     * @param window The window counts are taken in.
     * @param multiplier How far above its learned baseline a count must go.
     * @param duration How long the mode lasts once entered; refused requests extend it.
     * @param action How a request the detector singles out is answered.
     * @param minDistinct The fewest distinct resources per window that can mean scraping.
     * @param minRatio The lowest share of fresh resources among the window's requests that can mean scraping (0 to 1).
     * @param maxDistinct The most distinct resources one client may touch in the rule's window while under scrape.
     */
    public record UnderScrapeSettings(
            @Default("" + DEFAULT_ENABLED) boolean enabled,

            @Default(UnderScrape.DEFAULT_WINDOW_SECONDS + "s")
            Duration window,

            @Default("" + UnderScrape.DEFAULT_MULTIPLIER) double multiplier,

            @Default(UnderScrape.DEFAULT_DURATION_MINUTES + "m")
            Duration duration,

            @Default(UnderScrapeSettings.DEFAULT_ACTION) Action action,
            @Default("" + UnderScrape.DEFAULT_MIN_DISTINCT) int minDistinct,
            @Default("" + UnderScrape.DEFAULT_MIN_RATIO) double minRatio,
            @Default("" + UnderScrape.DEFAULT_MAX_DISTINCT) int maxDistinct)
            implements SurgeSettings {

        /** The default of {@code action}. */
        public static final String DEFAULT_ACTION = "throttle";
    }

    /**
     * {@code abuse-guard.volume.rules.NAME.rate-baseline.*}: the adaptive per-endpoint rate bound, a
     * detector of clients far above the learned p99 of requests per client and window (scaled up in a
     * surge of everyone), answered with log by default (monitor-first); see {@link RateBaseline}.
     *
     * @param enabled Whether the detector runs.
     * @param window The window counts are taken in.
     * @param multiplier How far above its learned baseline a count must go.
     * @param action How a request the detector singles out is answered.
     * @param minRequests The floor: no client is over with this many requests per window or fewer.
     * @param learningWindows How many finished windows are learned before the first verdict.
     * @param score Flags with this risk score instead of answering with the action; 0 answers.
     */
    public record RateBaselineSettings(
            @Default("" + DEFAULT_ENABLED) boolean enabled,

            @Default(RateBaseline.DEFAULT_WINDOW_SECONDS + "s")
            Duration window,

            @Default("" + RateBaseline.DEFAULT_MULTIPLIER) double multiplier,
            @Default(RateBaselineSettings.DEFAULT_ACTION) Action action,
            @Default("" + RateBaseline.DEFAULT_MIN_REQUESTS) int minRequests,

            @Default("" + RateBaseline.DEFAULT_LEARNING_WINDOWS)
            int learningWindows,

            @Default("" + RateBaselineSettings.DEFAULT_SCORE)
            int score)
            implements DetectorSettings {

        /** The default of {@code action}: {@link RateBaseline#DEFAULT_ACTION}, log (monitor-first). */
        public static final String DEFAULT_ACTION = "log";

        /** The default of {@code score}: answer with the action rather than flag. */
        public static final int DEFAULT_SCORE = 0;
    }

    /**
     * {@code abuse-guard.volume.rules.NAME.only-reads.*}: see {@link OnlyReads}.
     *
     * @param enabled Whether clients that only read many of the rule's resources, and never do anything else, are signalled.
     * @param minDistinct The fewest distinct resources read in the rule's window that make the signal; below max-distinct.
     * @param score The risk score of the signal; 0 answers with the action instead.
     * @param action How a request is answered when the score is 0.
     */
    public record OnlyReadsSettings(
            @Default("" + OnlyReadsSettings.DEFAULT_ENABLED) boolean enabled,
            @Default("" + OnlyReads.DEFAULT_MIN_DISTINCT) int minDistinct,
            @Default("" + OnlyReads.DEFAULT_SCORE) int score,
            @Default(OnlyReadsSettings.DEFAULT_ACTION) Action action) {

        /** The default of {@code enabled}: the signal is switched on deliberately. */
        public static final boolean DEFAULT_ENABLED = false;

        /** The default of {@code action}, used when the score is 0. */
        public static final String DEFAULT_ACTION = "throttle";
    }
}
