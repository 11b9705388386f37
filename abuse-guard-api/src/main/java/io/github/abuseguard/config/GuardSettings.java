package io.github.abuseguard.config;

import io.github.abuseguard.Mode;

/**
 * The two properties every switchable guard has: {@code abuse-guard.<guard>.enabled} and
 * {@code .mode}. Guard settings types extend it.
 */
public abstract class GuardSettings {

    /** Whether a guard runs unless its settings say otherwise. */
    public static final boolean DEFAULT_ENABLED = true;

    /** A guard's mode unless its settings say otherwise. */
    public static final Mode DEFAULT_MODE = Mode.ENFORCE;

    /** Whether the guard runs. */
    private boolean enabled = DEFAULT_ENABLED;

    /** The guard's mode; the engine-wide monitor mode overrides it. */
    private Mode mode = DEFAULT_MODE;

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
