package io.github.abuseguard.config;

import io.github.abuseguard.Action;
import java.time.Duration;

/**
 * A route-level mode a rule may switch on when its whole population surges past a learned baseline
 * (the failure guard's {@code under-attack}, the volume guard's {@code under-scrape}): off by default,
 * the window it counts in, the multiplier over the baseline, how long it lasts and how it answers.
 * The defaults differ per guard and are given by the subclass.
 */
public abstract class SurgeSettings {

    /** The default of {@code enabled}: such a mode is switched on deliberately. */
    public static final boolean DEFAULT_ENABLED = false;

    /** Whether the rule's routes are watched for the surge. */
    private boolean enabled = DEFAULT_ENABLED;

    /** The window the population is counted in. */
    private Duration window;

    /** How far above its learned baseline the population's count must go. */
    private double multiplier;

    /** How long the mode lasts once entered; refused requests extend it. */
    private Duration duration;

    /** How a request with a risk signal is answered meanwhile. */
    private Action action;

    protected SurgeSettings(Duration window, double multiplier, Duration duration, Action action) {
        this.window = window;
        this.multiplier = multiplier;
        this.duration = duration;
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

    public Duration getDuration() {
        return duration;
    }

    public void setDuration(Duration duration) {
        this.duration = duration;
    }

    public Action getAction() {
        return action;
    }

    public void setAction(Action action) {
        this.action = action;
    }
}
