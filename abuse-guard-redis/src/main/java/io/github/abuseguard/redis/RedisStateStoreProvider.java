package io.github.abuseguard.redis;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.config.StateStoreProvider;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code abuse-guard.store.type=redis}: a {@link RedisStateStore} from {@code abuse-guard.store.redis.*},
 * behind a {@link ResilientStateStore} with the configured outage policy.
 */
public final class RedisStateStoreProvider implements StateStoreProvider {
    private static final Logger log = LoggerFactory.getLogger(RedisStateStoreProvider.class);

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public StateStore create(AbuseGuardSettings settings, TimeSource timeSource) {
        return create(settings, timeSource, null);
    }

    /**
     * Builds the store, optionally around an existing Redis URI instead of the configured one.
     *
     * @throws InvalidSettingException naming the property of a bad value
     */
    public static ResilientStateStore create(AbuseGuardSettings settings, TimeSource timeSource, String uriOverride) {
        return create(settings, timeSource, null, uriOverride == null ? null : RedisURI.create(uriOverride));
    }

    /**
     * Builds the store on an existing Lettuce client and server, such as Spring Data Redis's.
     *
     * @param client the client to connect with, or {@code null} for one of the store's own
     * @param uri the server, or {@code null} for {@code abuse-guard.store.redis.uri}
     * @throws InvalidSettingException naming the property of a bad value
     */
    public static ResilientStateStore create(
            AbuseGuardSettings settings, TimeSource timeSource, RedisClient client, RedisURI uri) {
        RedisSettings redis = settings.section(RedisSettings.class);
        String prefix = AbuseGuardSettings.PREFIX + ".store.redis.";
        RedisStateStore.Builder builder = RedisStateStore.builder().timeSource(timeSource);
        if (client != null) {
            builder.client(client);
        }
        try {
            if (uri != null) {
                builder.uri(uri);
            } else {
                builder.uri(redis.uri());
            }
        } catch (RuntimeException e) {
            throw new InvalidSettingException(
                    prefix + "uri", "'" + redis.uri() + "' is not a Redis URI: " + e.getMessage());
        }
        try {
            builder.commandTimeout(redis.timeout());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(prefix + "timeout", e.getMessage());
        }
        try {
            builder.connectTimeout(redis.connectTimeout());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(prefix + "connect-timeout", e.getMessage());
        }
        if (redis.keyPrefix() == null) {
            throw new InvalidSettingException(prefix + "key-prefix", "is required");
        }
        if (redis.keyPrefix().isBlank()) {
            // the library's keys would mix with every other application's on the same Redis
            throw new InvalidSettingException(
                    prefix + "key-prefix", "must not be empty, such as " + RedisSettings.DEFAULT_KEY_PREFIX);
        }
        builder.keyPrefix(redis.keyPrefix());
        if (redis.keySecret() != null) {
            check(
                    prefix + "key-secret",
                    () -> builder.keySecret(redis.keySecret().getBytes(StandardCharsets.UTF_8)));
        } else {
            // user76 F3: a key's plain SHA-256 names its user to anyone who can read Redis and hash a list of names
            log.warn(
                    "{}key-secret is not set: client keys (user names, inboxes, addresses) are stored in Redis under"
                            + " their plain SHA-256, which anyone who reads Redis can match against a list of names;"
                            + " set it (16+ bytes, the same on every instance) to store them under an HMAC",
                    prefix);
        }
        if (redis.outagePolicy() == null) {
            throw new InvalidSettingException(prefix + "outage-policy", "is required");
        }
        // A connection that stopped answering is replaced at most once per retry interval: each trial may find a new
        // one.
        check(prefix + "retry-interval", () -> builder.reconnectInterval(redis.retryInterval()));
        StateStore local = SettingsAssembler.localStore(settings, timeSource);
        RedisStateStore store = builder.build();
        String unreachable = store.connectNow();
        if (unreachable != null) {
            log.warn(
                    "Redis at {} is not reachable at start-up ({}); {} applies until it is",
                    store.description(),
                    unreachable,
                    redis.outagePolicy());
        } else {
            // what a user looks for first: that the state is shared, where, and what an outage does (user60 F7)
            log.info(
                    "abuse-guard keeps its state in Redis at {}, keys prefixed '{}'; while Redis is down or slow {}"
                            + " applies",
                    store.description(),
                    redis.keyPrefix(),
                    redis.outagePolicy());
        }
        ResilientStateStore.Builder resilient = ResilientStateStore.builder(store, local)
                .policy(redis.outagePolicy())
                .timeSource(timeSource)
                .description(store.description());
        if (local instanceof LocalStateStore bounded) {
            // What the fallback remembers of the shared state is bounded as the fallback itself is.
            resilient.maximumKeys(bounded.maximumKeys());
        }
        try {
            check(prefix + "retry-interval", () -> resilient.retryInterval(redis.retryInterval()));
            check(
                    prefix + "failure-rate-threshold",
                    () -> resilient.failureRateThreshold(redis.failureRateThreshold()));
            check(prefix + "minimum-calls", () -> resilient.minimumCalls(redis.minimumCalls()));
            check(prefix + "window-size", () -> resilient.windowSize(redis.windowSize()));
            check(prefix + "consecutive-failures", () -> resilient.consecutiveFailures(redis.consecutiveFailures()));
            check(prefix + "half-open-calls", () -> resilient.halfOpenCalls(redis.halfOpenCalls()));
            try {
                return resilient.build();
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(prefix + "window-size", e.getMessage());
            }
        } catch (InvalidSettingException e) {
            store.close(); // its client threads must not outlive a failed start
            throw e;
        }
    }

    private static void check(String property, Runnable setting) {
        try {
            setting.run();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(property, e.getMessage());
        }
    }
}
