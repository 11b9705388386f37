package io.github.abuseguard.servlet;

import io.github.abuseguard.config.AbstractSettingsSection;
import java.time.Duration;

/** {@code abuse-guard.tarpit.*}: how the tarpit action delays. */
public class TarpitSettings {

    /** The default of {@code delay}. */
    public static final Duration DEFAULT_DELAY = Duration.ofSeconds(5);

    /** The default of {@code then}. */
    public static final String DEFAULT_THEN = "reject";

    /** The default of {@code max-concurrent}. */
    public static final int DEFAULT_MAX_CONCURRENT = 100;

    /** How long a tarpitted request waits, without holding a request thread. */
    private Duration delay = DEFAULT_DELAY;

    /** What happens after the delay: reject (403 problem) or pass (the application answers). */
    private String then = DEFAULT_THEN;

    /** The most requests waiting in the tarpit at once; beyond it they are refused at once. */
    private int maxConcurrent = DEFAULT_MAX_CONCURRENT;

    public Duration getDelay() {
        return delay;
    }

    public void setDelay(Duration delay) {
        this.delay = delay;
    }

    public String getThen() {
        return then;
    }

    public void setThen(String then) {
        this.then = then;
    }

    public int getMaxConcurrent() {
        return maxConcurrent;
    }

    public void setMaxConcurrent(int maxConcurrent) {
        this.maxConcurrent = maxConcurrent;
    }

    /** Contributes {@code abuse-guard.tarpit.*} to the schema; registered with {@link java.util.ServiceLoader}. */
    public static final class Section extends AbstractSettingsSection<TarpitSettings> {
        public Section() {
            super("tarpit", TarpitSettings.class, TarpitSettings::new);
        }
    }
}
