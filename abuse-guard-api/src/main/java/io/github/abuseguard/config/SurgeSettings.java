package io.github.abuseguard.config;

import java.time.Duration;

/**
 * A route-level mode a rule may switch on when its whole population surges past a learned baseline
 * (the failure guard's {@code under-attack}, the volume guard's {@code under-scrape}): a
 * {@link DetectorSettings detector} whose mode lasts a while once entered. The defaults differ per guard:
 * each implementing record gives its own {@link Default}s.
 */
public interface SurgeSettings extends DetectorSettings {

    /** How long the mode lasts once entered; refused requests extend it. */
    Duration duration();
}
