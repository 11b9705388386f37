package io.github.abuseguard.sequence;

import io.github.abuseguard.config.GuardSettingsBean;
import io.github.abuseguard.discovery.InventorySettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code abuse-guard.sequence.*}: request-sequence rules, the learned model and the endpoint inventory.
 * The inventory's properties live here, where they are documented, but it runs on its own: switching the
 * sequence guard off leaves it running.
 */
public class SequenceSettings extends GuardSettingsBean implements InventorySettings {

    /** The default of {@code session}. */
    public static final String DEFAULT_SESSION = "header:Authorization";

    /** The default of {@code trail-length}. */
    public static final int DEFAULT_TRAIL_LENGTH = 20;

    /** The default of {@code idle-gap}. */
    public static final Duration DEFAULT_IDLE_GAP = Duration.ofMinutes(30);

    /** The default of {@code inventory}. */
    public static final boolean DEFAULT_INVENTORY = true;

    /** The default of {@code cardinality-threshold}. */
    public static final int DEFAULT_CARDINALITY_THRESHOLD = 20;

    /** The default of {@code max-endpoints}. */
    public static final int DEFAULT_MAX_ENDPOINTS = 2000;

    /** The default of {@code model}. */
    public static final String DEFAULT_MODEL = "off";

    /** The default of {@code model-quantile}. */
    public static final double DEFAULT_MODEL_QUANTILE = 0.99;

    /** The default of {@code model-score}. */
    public static final int DEFAULT_MODEL_SCORE = 60;

    /** The default of {@code model-deny}. */
    public static final boolean DEFAULT_MODEL_DENY = false;

    /** What identifies a session: header:Authorization (the bearer token), cookie:NAME, session or principal; the client key when a request has none. */
    private String session = DEFAULT_SESSION;

    /** The most operations a session's trail keeps. */
    private int trailLength = DEFAULT_TRAIL_LENGTH;

    /** An idle gap after which a session's trail is forgotten and a new sequence starts. */
    private Duration idleGap = DEFAULT_IDLE_GAP;

    /** Whether the endpoint inventory (API discovery) observes every answered request, with or without the sequence guard. */
    private boolean inventory = DEFAULT_INVENTORY;

    /** Distinct values at a path segment position before the inventory folds it into a variable. */
    private int cardinalityThreshold = DEFAULT_CARDINALITY_THRESHOLD;

    /** The most templates the endpoint inventory tracks. */
    private int maxEndpoints = DEFAULT_MAX_ENDPOINTS;

    /** Precedence rules by name, each with operation, requires or forbids, status (2xx, 4xx or any), within and minimum-delay. */
    private Map<String, Rule> rules = new LinkedHashMap<>();

    /** The learned model: off, learn (count transitions only), score, or learn-and-score. */
    private String model = DEFAULT_MODEL;

    /** The share of learned sessions considered normal; paths scoring above that quantile are strange. */
    private double modelQuantile = DEFAULT_MODEL_QUANTILE;

    /** The risk score of a strange path. */
    private int modelScore = DEFAULT_MODEL_SCORE;

    /** Whether a strange path is refused (403) rather than flagged. */
    private boolean modelDeny = DEFAULT_MODEL_DENY;

    /** A model exported as JSON to start from, so learning survives restarts. */
    private @Nullable String modelFile;

    public String getSession() {
        return session;
    }

    public void setSession(String session) {
        this.session = session;
    }

    public int getTrailLength() {
        return trailLength;
    }

    public void setTrailLength(int trailLength) {
        this.trailLength = trailLength;
    }

    public Duration getIdleGap() {
        return idleGap;
    }

    public void setIdleGap(Duration idleGap) {
        this.idleGap = idleGap;
    }

    @Override
    public boolean isInventory() {
        return inventory;
    }

    public void setInventory(boolean inventory) {
        this.inventory = inventory;
    }

    @Override
    public int getCardinalityThreshold() {
        return cardinalityThreshold;
    }

    public void setCardinalityThreshold(int cardinalityThreshold) {
        this.cardinalityThreshold = cardinalityThreshold;
    }

    @Override
    public int getMaxEndpoints() {
        return maxEndpoints;
    }

    public void setMaxEndpoints(int maxEndpoints) {
        this.maxEndpoints = maxEndpoints;
    }

    public Map<String, Rule> getRules() {
        return rules;
    }

    public void setRules(Map<String, Rule> rules) {
        this.rules = rules;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public double getModelQuantile() {
        return modelQuantile;
    }

    public void setModelQuantile(double modelQuantile) {
        this.modelQuantile = modelQuantile;
    }

    public int getModelScore() {
        return modelScore;
    }

    public void setModelScore(int modelScore) {
        this.modelScore = modelScore;
    }

    public boolean isModelDeny() {
        return modelDeny;
    }

    public void setModelDeny(boolean modelDeny) {
        this.modelDeny = modelDeny;
    }

    public @Nullable String getModelFile() {
        return modelFile;
    }

    public void setModelFile(@Nullable String modelFile) {
        this.modelFile = modelFile;
    }

    /** {@code abuse-guard.sequence.rules.NAME.*}: one precedence rule. */
    public static class Rule {

        /** The default of {@code status}. */
        public static final String DEFAULT_STATUS = "2xx";

        /** The default of {@code within}. */
        public static final Duration DEFAULT_WITHIN = Duration.ofMinutes(30);

        /** The default of {@code minimum-delay}. */
        public static final Duration DEFAULT_MINIMUM_DELAY = Duration.ZERO;

        /** The operation guarded, METHOD /template, such as POST /api/accounts/{id}/payment-methods. */
        private @Nullable String operation;

        /** The operation that must come before it in the same session. */
        private @Nullable String requires;

        /** The operation it must never follow (instead of requires). */
        private @Nullable String forbids;

        /** The status class the prior operation must have answered with: 2xx, 3xx, 4xx, 5xx or any. */
        private String status = DEFAULT_STATUS;

        /** How far back the prior operation counts. */
        private Duration within = DEFAULT_WITHIN;

        /** How long after the prior operation the session must wait. */
        private Duration minimumDelay = DEFAULT_MINIMUM_DELAY;

        public @Nullable String getOperation() {
            return operation;
        }

        public void setOperation(@Nullable String operation) {
            this.operation = operation;
        }

        public @Nullable String getRequires() {
            return requires;
        }

        public void setRequires(@Nullable String requires) {
            this.requires = requires;
        }

        public @Nullable String getForbids() {
            return forbids;
        }

        public void setForbids(@Nullable String forbids) {
            this.forbids = forbids;
        }

        public String getStatus() {
            return status;
        }

        public void setStatus(String status) {
            this.status = status;
        }

        public Duration getWithin() {
            return within;
        }

        public void setWithin(Duration within) {
            this.within = within;
        }

        public Duration getMinimumDelay() {
            return minimumDelay;
        }

        public void setMinimumDelay(Duration minimumDelay) {
            this.minimumDelay = minimumDelay;
        }
    }
}
