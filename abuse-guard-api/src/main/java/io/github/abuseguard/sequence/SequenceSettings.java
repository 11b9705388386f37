package io.github.abuseguard.sequence;

import io.github.abuseguard.Mode;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.discovery.InventorySettings;
import io.github.abuseguard.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code abuse-guard.sequence.*}: request-sequence rules, the learned model and the endpoint inventory.
 * The inventory's properties live here, where they are documented, but it runs on its own: switching the
 * sequence guard off leaves it running. Their defaults are the inventory's own
 * ({@link InventorySettings#DEFAULT_CARDINALITY_THRESHOLD}, {@link InventorySettings#DEFAULT_MAX_ENDPOINTS}).
 *
 * @param enabled Whether the guard runs; abuse-guard.enabled=false switches the whole library off.
 * @param mode Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's.
 * @param session What identifies a session: header:Authorization (the bearer token), cookie:NAME, session or principal; the client key when a request has none.
 * @param trailLength The most operations a session's trail keeps.
 * @param idleGap An idle gap after which a new sequence starts: requires rules and the model no longer see the steps before it; a forbids rule remembers its step for its whole within.
 * @param inventory Whether the endpoint inventory (API discovery) observes every answered request, with or without the sequence guard.
 * @param cardinalityThreshold Distinct values at a path segment position before the inventory folds it into a variable.
 * @param maxEndpoints The most templates the endpoint inventory tracks.
 * @param rules Precedence rules by name, each with operation, requires or forbids, status (2xx, 4xx or any), within and minimum-delay.
 * @param externalOperations Operations (METHOD /template) a rule may name though no route of the application serves them, such as a step another service sharing the state store records; where the routes are known (Spring MVC), any other operation a rule names that no route serves fails start-up.
 * @param model The learned model: off, learn (count transitions only), score, or learn-and-score.
 * @param modelQuantile The share of learned sessions considered normal; paths scoring above that quantile are strange.
 * @param modelScore The risk score of a strange path.
 * @param modelDeny Whether a strange path is refused (403) rather than flagged.
 * @param modelFile A model exported as JSON to start from, so learning survives restarts.
 */
public record SequenceSettings(
        @Default("" + DEFAULT_ENABLED) boolean enabled,
        @Default(DEFAULT_MODE) Mode mode,
        @Default(DEFAULT_SESSION) String session,
        @Default("" + DEFAULT_TRAIL_LENGTH) int trailLength,
        @Default(DEFAULT_IDLE_GAP) Duration idleGap,
        @Default("" + DEFAULT_INVENTORY) boolean inventory,
        @Default("" + DEFAULT_CARDINALITY_THRESHOLD) int cardinalityThreshold,
        @Default("" + DEFAULT_MAX_ENDPOINTS) int maxEndpoints,
        Map<String, Rule> rules,
        List<String> externalOperations,
        @Default(DEFAULT_MODEL) String model,
        @Default("" + DEFAULT_MODEL_QUANTILE) double modelQuantile,
        @Default("" + DEFAULT_MODEL_SCORE) int modelScore,
        @Default("" + DEFAULT_MODEL_DENY) boolean modelDeny,
        @Nullable String modelFile)
        implements GuardSettings, InventorySettings {

    /** The default of {@code session}. */
    public static final String DEFAULT_SESSION = "header:Authorization";

    /** The default of {@code trail-length}. */
    public static final int DEFAULT_TRAIL_LENGTH = 20;

    /** The default of {@code idle-gap}. */
    public static final String DEFAULT_IDLE_GAP = "30m";

    /** The default of {@code inventory}. */
    public static final boolean DEFAULT_INVENTORY = true;

    /** The default of {@code model}. */
    public static final String DEFAULT_MODEL = "off";

    /** The default of {@code model-quantile}. */
    public static final double DEFAULT_MODEL_QUANTILE = 0.99;

    /** The default of {@code model-score}. */
    public static final int DEFAULT_MODEL_SCORE = 60;

    /** The default of {@code model-deny}. */
    public static final boolean DEFAULT_MODEL_DENY = false;

    public SequenceSettings {
        rules = Settings.copy(rules);
        externalOperations = Settings.copy(externalOperations);
        modelFile = Settings.optionalPath(modelFile);
    }

    /**
     * {@code abuse-guard.sequence.rules.NAME.*}: one precedence rule.
     *
     * @param operation The operation guarded, METHOD /template, such as POST /api/accounts/{id}/payment-methods.
     * @param requires The operation that must come before it in the same session.
     * @param forbids The operation it must never follow (instead of requires).
     * @param status The status class the prior operation must have answered with: 2xx, 3xx, 4xx, 5xx or any.
     * @param within How far back the prior operation counts.
     * @param minimumDelay How long after the prior operation the session must wait.
     */
    public record Rule(
            @Nullable String operation,
            @Nullable String requires,
            @Nullable String forbids,
            @Default(DEFAULT_STATUS) String status,
            @Default(DEFAULT_WITHIN) Duration within,
            @Default(DEFAULT_MINIMUM_DELAY) Duration minimumDelay) {

        /** The default of {@code status}. */
        public static final String DEFAULT_STATUS = "2xx";

        /** The default of {@code within}. */
        public static final String DEFAULT_WITHIN = "30m";

        /** The default of {@code minimum-delay}. */
        public static final String DEFAULT_MINIMUM_DELAY = "0s";
    }
}
