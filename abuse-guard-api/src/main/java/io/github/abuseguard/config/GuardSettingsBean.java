package io.github.abuseguard.config;

import io.github.abuseguard.Mode;

/**
 * {@link GuardSettings} as a JavaBean, for the settings types that are not yet records.
 */
public abstract class GuardSettingsBean implements GuardSettings {

    /** Whether the guard runs; abuse-guard.enabled=false switches the whole library off. */
    private boolean enabled = true; // DEFAULT_ENABLED, written out for the configuration processor

    /** Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's. */
    private Mode mode = Mode.ENFORCE; // DEFAULT_MODE, written out for the configuration processor

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    public Mode mode() {
        return mode;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }
}
