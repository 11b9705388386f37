package io.github.abuseguard.config;

import io.github.abuseguard.Action;
import java.time.Duration;

/**
 * A detector a rule may switch on that learns a baseline and answers what goes far above it (the
 * surges of {@link SurgeSettings}, the volume guard's {@code rate-baseline}): off by default, the window
 * it counts in, the multiplier over what it learned and how it answers. The defaults differ per
 * detector: each implementing record gives its own {@link Default}s.
 */
public interface DetectorSettings {

    /** The default of {@code enabled}: a detector is switched on deliberately. */
    boolean DEFAULT_ENABLED = false;

    /** Whether the detector runs. */
    boolean enabled();

    /** The window counts are taken in. */
    Duration window();

    /** How far above its learned baseline a count must go. */
    double multiplier();

    /** How a request the detector singles out is answered. */
    Action action();
}
