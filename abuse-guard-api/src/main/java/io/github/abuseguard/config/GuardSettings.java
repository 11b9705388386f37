package io.github.abuseguard.config;

import io.github.abuseguard.Mode;

/**
 * The two properties every switchable guard has: {@code abuse-guard.<guard>.enabled} and
 * {@code .mode}. Guard settings types extend it, and so do the engine's own settings, whose
 * {@code abuse-guard.enabled} and {@code abuse-guard.mode} switch the whole library.
 */
public abstract class GuardSettings {

    /** Whether a guard runs unless its settings say otherwise. */
    public static final boolean DEFAULT_ENABLED = true;

    /** A guard's mode unless its settings say otherwise. */
    public static final Mode DEFAULT_MODE = Mode.ENFORCE;

    /** Whether the guard runs; abuse-guard.enabled=false switches the whole library off. */
    private boolean enabled = DEFAULT_ENABLED;

    /** Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's. */
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
