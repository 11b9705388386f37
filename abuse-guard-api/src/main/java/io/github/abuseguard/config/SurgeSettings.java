package io.github.abuseguard.config;

import io.github.abuseguard.Action;
import java.time.Duration;

/**
 * A route-level mode a rule may switch on when its whole population surges past a learned baseline
 * (the failure guard's {@code under-attack}, the volume guard's {@code under-scrape}): a
 * {@link DetectorSettings detector} whose mode lasts a while once entered. The defaults differ per guard
 * and are given by the subclass.
 */
public abstract class SurgeSettings extends DetectorSettings {

    /** How long the mode lasts once entered; refused requests extend it. */
    private Duration duration;

    protected SurgeSettings(Duration window, double multiplier, Duration duration, Action action) {
        super(window, multiplier, action);
        this.duration = duration;
    }

    public Duration getDuration() {
        return duration;
    }

    public void setDuration(Duration duration) {
        this.duration = duration;
    }
}
