package io.github.abuseguard.redis;

import io.github.abuseguard.config.AbstractSettingsSection;
import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import java.time.Duration;

/** {@code abuse-guard.store.redis.*}: the shared Redis store. */
public class RedisSettings {

    /** The default of {@code uri}. */
    public static final String DEFAULT_URI = "redis://127.0.0.1:6379";

    /** The default of {@code key-prefix}. */
    public static final String DEFAULT_KEY_PREFIX = "abuse-guard:";

    /** The default of {@code timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);

    /** The default of {@code connect-timeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);

    /** The default of {@code outage-policy}. */
    public static final OutagePolicy DEFAULT_OUTAGE_POLICY = OutagePolicy.LOCAL_FALLBACK;

    /** The Redis server, as a Lettuce URI such as redis://user:secret@10.0.0.5:6379/0 or rediss:// for TLS. */
    private String uri = DEFAULT_URI;

    /** The prefix of every key the library writes, so several applications can share one Redis. */
    private String keyPrefix = DEFAULT_KEY_PREFIX;

    /**
     * A secret of at least 16 characters shared by every instance: client keys (user names, API keys) are
     * then stored under their HMAC-SHA256 rather than their plain SHA-256. Changing it starts every count
     * and ban afresh. None by default.
     */
    private String keySecret;

    /** How long one Redis command may take before the store counts Redis as unavailable. */
    private Duration timeout = DEFAULT_TIMEOUT;

    /**
     * How long connecting to Redis may take (TCP, TLS and the handshake) before the store counts Redis as
     * unavailable; one request waits for it while the others are answered by the outage policy.
     */
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

    /** What happens while Redis is unavailable: local-fallback (enforce with in-process state), fail-open or fail-closed (503). */
    private OutagePolicy outagePolicy = DEFAULT_OUTAGE_POLICY;

    /** How long the circuit stays open (no request tries Redis) before trial calls try it again. */
    private Duration retryInterval = ResilientStateStore.DEFAULT_RETRY_INTERVAL;

    /** The failure rate, in percent, of a window's Redis calls that opens the circuit (1 to 100). */
    private int failureRateThreshold = ResilientStateStore.DEFAULT_FAILURE_RATE_THRESHOLD;

    /** The least number of Redis calls in a window before its failure rate can open the circuit. */
    private int minimumCalls = ResilientStateStore.DEFAULT_MINIMUM_CALLS;

    /** How many Redis calls one failure-rate window counts; at least minimum-calls. */
    private int windowSize = ResilientStateStore.DEFAULT_WINDOW_SIZE;

    /** How many trial calls try Redis after the retry interval; all must answer to close the circuit. */
    private int halfOpenCalls = ResilientStateStore.DEFAULT_HALF_OPEN_CALLS;

    public int getFailureRateThreshold() {
        return failureRateThreshold;
    }

    public void setFailureRateThreshold(int failureRateThreshold) {
        this.failureRateThreshold = failureRateThreshold;
    }

    public int getMinimumCalls() {
        return minimumCalls;
    }

    public void setMinimumCalls(int minimumCalls) {
        this.minimumCalls = minimumCalls;
    }

    public int getWindowSize() {
        return windowSize;
    }

    public void setWindowSize(int windowSize) {
        this.windowSize = windowSize;
    }

    public int getHalfOpenCalls() {
        return halfOpenCalls;
    }

    public void setHalfOpenCalls(int halfOpenCalls) {
        this.halfOpenCalls = halfOpenCalls;
    }

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getKeyPrefix() {
        return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    public String getKeySecret() {
        return keySecret;
    }

    public void setKeySecret(String keySecret) {
        this.keySecret = keySecret;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public OutagePolicy getOutagePolicy() {
        return outagePolicy;
    }

    public void setOutagePolicy(OutagePolicy outagePolicy) {
        this.outagePolicy = outagePolicy;
    }

    public Duration getRetryInterval() {
        return retryInterval;
    }

    public void setRetryInterval(Duration retryInterval) {
        this.retryInterval = retryInterval;
    }

    /** Contributes {@code abuse-guard.store.redis.*} to the schema; registered with {@link java.util.ServiceLoader}. */
    public static final class Section extends AbstractSettingsSection<RedisSettings> {
        public Section() {
            super("store.redis", RedisSettings.class, RedisSettings::new);
        }
    }
}
