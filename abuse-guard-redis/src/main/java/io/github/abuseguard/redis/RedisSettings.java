package io.github.abuseguard.redis;

import io.github.abuseguard.config.AbstractSettingsSection;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code abuse-guard.store.redis.*}: the shared Redis store.
 *
 * @param uri The Redis server, as a Lettuce URI such as redis://user:secret@10.0.0.5:6379/0 or rediss:// for TLS.
 * @param keyPrefix The prefix of every key the library writes, so several applications can share one Redis.
 * @param keySecret A secret of at least 16 characters shared by every instance: client keys (user names, API keys) are
 *     then stored under their HMAC-SHA256 rather than their plain SHA-256. Changing it starts every count
 *     and ban afresh. None by default.
 * @param timeout How long one Redis command may take before the store counts Redis as unavailable.
 * @param connectTimeout How long connecting to Redis may take (TCP, TLS and the handshake) before the store counts Redis as
 *     unavailable; one request waits for it while the others are answered by the outage policy.
 * @param outagePolicy What happens while Redis is unavailable: local-fallback (enforce with in-process state), fail-open or fail-closed (503).
 * @param retryInterval How long the circuit stays open (no request tries Redis) before trial calls try it again.
 * @param failureRateThreshold The failure rate, in percent, of a window's Redis calls that opens the circuit (1 to 100).
 * @param minimumCalls The least number of Redis calls in a window before its failure rate can open the circuit.
 * @param windowSize How many Redis calls one failure-rate window counts; at least minimum-calls.
 * @param consecutiveFailures How many Redis calls failing in a row open the circuit, whatever the window's failure rate (1 to 10,000).
 * @param halfOpenCalls How many trial calls try Redis after the retry interval; all must answer to close the circuit.
 */
public record RedisSettings(
        @Default(DEFAULT_URI) String uri,
        @Default(DEFAULT_KEY_PREFIX) String keyPrefix,
        @Nullable String keySecret,
        @Default(DEFAULT_TIMEOUT) Duration timeout,
        @Default(DEFAULT_CONNECT_TIMEOUT) Duration connectTimeout,
        @Default(DEFAULT_OUTAGE_POLICY) OutagePolicy outagePolicy,
        @Default(DEFAULT_RETRY_INTERVAL) Duration retryInterval,

        @Default("" + ResilientStateStore.DEFAULT_FAILURE_RATE_THRESHOLD)
        int failureRateThreshold,

        @Default("" + ResilientStateStore.DEFAULT_MINIMUM_CALLS)
        int minimumCalls,

        @Default("" + ResilientStateStore.DEFAULT_WINDOW_SIZE)
        int windowSize,

        @Default("" + ResilientStateStore.DEFAULT_CONSECUTIVE_FAILURES)
        int consecutiveFailures,

        @Default("" + ResilientStateStore.DEFAULT_HALF_OPEN_CALLS)
        int halfOpenCalls) {

    /** The default of {@code uri}. */
    public static final String DEFAULT_URI = "redis://127.0.0.1:6379";

    /** The default of {@code key-prefix}. */
    public static final String DEFAULT_KEY_PREFIX = "abuse-guard:";

    /** The default of {@code timeout}. */
    public static final String DEFAULT_TIMEOUT = "200ms";

    /** The default of {@code connect-timeout}. */
    public static final String DEFAULT_CONNECT_TIMEOUT = "1s";

    /** The default of {@code outage-policy}. */
    public static final String DEFAULT_OUTAGE_POLICY = "local-fallback";

    /** The default of {@code retry-interval}: {@link ResilientStateStore#DEFAULT_RETRY_INTERVAL}. */
    public static final String DEFAULT_RETRY_INTERVAL = "5s";

    /** Contributes {@code abuse-guard.store.redis.*} to the schema; registered with {@link java.util.ServiceLoader}. */
    public static final class Section extends AbstractSettingsSection<RedisSettings> {
        public Section() {
            super("store.redis");
        }
    }
}
