package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A connection whose peer swallows every byte and never closes it (a failover behind a proxy, a host lost
 * without a reset, a stale middlebox), while a new connection would work: probe19 saw the store stay on it
 * for good, every trial of the circuit timing out on the same socket.
 */
class FrozenConnectionTest {
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

    @Test
    void aFrozenConnectionIsReplacedAndTheStoreSharesStateAgainAfterARetryInterval() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        FakeTimeSource clock = new FakeTimeSource();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore store = RedisStateStoreProvider.create(
                        AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.store.type", "redis",
                                "abuse-guard.store.redis.timeout", "200ms",
                                "abuse-guard.store.redis.connect-timeout", "10s",
                                "abuse-guard.store.redis.retry-interval", RETRY_INTERVAL.toMillis() + "ms",
                                "abuse-guard.store.redis.minimum-calls", "2",
                                "abuse-guard.store.redis.window-size", "2",
                                "abuse-guard.store.redis.half-open-calls", "1",
                                "abuse-guard.store.redis.key-prefix", prefix)),
                        clock,
                        "redis://127.0.0.1:" + proxy.port());
                RedisStateStore direct = RedisAvailability.store(RedisAvailability.URI, prefix, clock)) {
            Counters counters = store.counters("frozen", Duration.ofHours(1));
            assertThat(counters.add("k", 1)).isEqualTo(1);
            assertThat(proxy.connections())
                    .as("the commands' and the subscription to lifts")
                    .isEqualTo(2);

            proxy.freeze();
            for (int i = 0; i < 2; i++) {
                counters.add("k", 1); // times out, answered by the fallback
            }
            assertThat(store.isAvailable())
                    .as("two timeouts of two calls open the circuit")
                    .isFalse();

            // Each round is one retry interval on the store's clock and one trial call; the new connection is
            // made on a thread of its own, so a round may come before it is up: generous bounds, no timing.
            for (int round = 0; round < 50 && !store.isAvailable(); round++) {
                clock.advance(RETRY_INTERVAL);
                counters.add("k", 1);
                if (!store.isAvailable()) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                }
            }
            assertThat(store.isAvailable())
                    .as("a trial after the freeze finds a new connection and closes the circuit")
                    .isTrue();
            assertThat(proxy.connections()).as("a new connection was made").isGreaterThanOrEqualTo(3);
            long shared = counters.add("k", 1);
            assertThat(direct.counters("frozen", Duration.ofHours(1)).get("k"))
                    .as("the count is on Redis, where every instance reads it")
                    .isEqualTo(shared)
                    .isGreaterThanOrEqualTo(3);
        }
    }
}
