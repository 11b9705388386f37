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

    /** The default of {@code max-concurrent-per-client}. */
    public static final int DEFAULT_MAX_CONCURRENT_PER_CLIENT = 5;

    /** How long a tarpitted request waits, without holding a request thread. */
    private Duration delay = DEFAULT_DELAY;

    /** What happens after the delay: reject (403 problem) or pass (the application answers). */
    private String then = DEFAULT_THEN;

    /**
     * The most requests waiting in the tarpit at once; beyond it a request gets the tarpit's answer without
     * the delay: refused at once, or with then: pass passed on at once.
     */
    private int maxConcurrent = DEFAULT_MAX_CONCURRENT;

    /**
     * The most requests of one client (its address, or its IPv6 network) waiting in the tarpit at once, so
     * one client cannot fill it; beyond it the client's requests are refused at once with 429.
     */
    private int maxConcurrentPerClient = DEFAULT_MAX_CONCURRENT_PER_CLIENT;

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

    public int getMaxConcurrentPerClient() {
        return maxConcurrentPerClient;
    }

    public void setMaxConcurrentPerClient(int maxConcurrentPerClient) {
        this.maxConcurrentPerClient = maxConcurrentPerClient;
    }

    /** Contributes {@code abuse-guard.tarpit.*} to the schema; registered with {@link java.util.ServiceLoader}. */
    public static final class Section extends AbstractSettingsSection<TarpitSettings> {
        public Section() {
            super("tarpit", TarpitSettings.class, TarpitSettings::new);
        }
    }
}
