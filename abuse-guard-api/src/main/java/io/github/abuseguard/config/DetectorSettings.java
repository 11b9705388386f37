package io.github.abuseguard.config;

import io.github.abuseguard.Action;
import java.time.Duration;

/**
 * A detector a rule may switch on that learns a baseline and answers what goes far above it (the
 * surges of {@link SurgeSettings}, the volume guard's {@code rate-baseline}): off by default, the window
 * it counts in, the multiplier over what it learned and how it answers. The defaults differ per
 * detector and are given by the subclass.
 */
public abstract class DetectorSettings {

    /** The default of {@code enabled}: a detector is switched on deliberately. */
    public static final boolean DEFAULT_ENABLED = false;

    /** Whether the detector runs. */
    private boolean enabled = DEFAULT_ENABLED;

    /** The window counts are taken in. */
    private Duration window;

    /** How far above its learned baseline a count must go. */
    private double multiplier;

    /** How a request the detector singles out is answered. */
    private Action action;

    protected DetectorSettings(Duration window, double multiplier, Action action) {
        this.window = window;
        this.multiplier = multiplier;
        this.action = action;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getWindow() {
        return window;
    }

    public void setWindow(Duration window) {
        this.window = window;
    }

    public double getMultiplier() {
        return multiplier;
    }

    public void setMultiplier(double multiplier) {
        this.multiplier = multiplier;
    }

    public Action getAction() {
        return action;
    }

    public void setAction(Action action) {
        this.action = action;
    }
}
