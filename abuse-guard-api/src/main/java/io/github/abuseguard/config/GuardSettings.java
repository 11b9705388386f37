package io.github.abuseguard.config;

import io.github.abuseguard.Mode;

/**
 * The two properties every switchable guard has: {@code abuse-guard.<guard>.enabled} and
 * {@code .mode}. Guard settings records implement it, and so do the engine's own settings, whose
 * {@code abuse-guard.enabled} and {@code abuse-guard.mode} switch the whole library.
 */
public interface GuardSettings {

    /** Whether a guard runs unless its settings say otherwise. */
    boolean DEFAULT_ENABLED = true;

    /** A guard's mode unless its settings say otherwise. */
    String DEFAULT_MODE = "enforce";

    /** Whether the guard runs; {@code abuse-guard.enabled=false} switches the whole library off. */
    boolean enabled();

    /** Enforce carries out denials, monitor only reports them. */
    Mode mode();
}
