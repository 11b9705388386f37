package io.github.abuseguard.servlet;

import io.github.abuseguard.config.AbstractSettingsSection;
import io.github.abuseguard.config.Default;
import java.time.Duration;

/**
 * {@code abuse-guard.tarpit.*}: how the tarpit action delays.
 *
 * @param delay How long a tarpitted request waits, without holding a request thread.
 * @param then What happens after the delay: reject (403 problem) or pass (the application answers).
 * @param maxConcurrent The most requests waiting in this instance's tarpit at once (per instance, also with a shared
 *     store); beyond it a request gets the tarpit's answer without the delay: refused at once, or with then: pass passed on
 *     at once.
 * @param maxConcurrentPerClient The most requests of one client (its address, or its IPv6 network) waiting in this
 *     instance's tarpit at once, so one client cannot fill it; beyond it the client's requests are refused at once with
 *     429. Per instance, also with a shared store.
 */
public record TarpitSettings(
        @Default(DEFAULT_DELAY) Duration delay,
        @Default(DEFAULT_THEN) String then,
        @Default("" + DEFAULT_MAX_CONCURRENT) int maxConcurrent,
        @Default("" + DEFAULT_MAX_CONCURRENT_PER_CLIENT) int maxConcurrentPerClient) {

    /** The default of {@code delay}. */
    public static final String DEFAULT_DELAY = "5s";

    /** The default of {@code then}. */
    public static final String DEFAULT_THEN = "reject";

    /** The default of {@code max-concurrent}. */
    public static final int DEFAULT_MAX_CONCURRENT = 100;

    /** The default of {@code max-concurrent-per-client}. */
    public static final int DEFAULT_MAX_CONCURRENT_PER_CLIENT = 5;

    /** Contributes {@code abuse-guard.tarpit.*} to the schema; registered with {@link java.util.ServiceLoader}. */
    public static final class Section extends AbstractSettingsSection<TarpitSettings> {
        public Section() {
            super("tarpit");
        }
    }
}
