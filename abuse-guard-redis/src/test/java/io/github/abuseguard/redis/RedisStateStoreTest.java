package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.StateStoreContract;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract against a real Redis; time is the fake clock, which the store's scripts honour. */
class RedisStateStoreTest extends StateStoreContract {
    private static String uri;
    private final FakeTimeSource clock = new FakeTimeSource();
    private final List<RedisStateStore> stores = new ArrayList<>();

    @BeforeAll
    static void redis() {
        uri = RedisAvailability.requireRedis();
    }

    @Override
    protected StateStore store() {
        RedisStateStore store = RedisStateStore.builder()
                .uri(uri)
                .keyPrefix("abuse-guard-test:")
                .commandTimeout(Duration.ofSeconds(2))
                .timeSource(clock)
                .build();
        stores.add(store);
        return store;
    }

    @Override
    protected StateStore restarted(StateStore store) {
        return store();
    }

    @Override
    protected void advance(Duration duration) {
        clock.advance(duration);
    }

    @AfterEach
    void close() {
        stores.forEach(RedisStateStore::close);
    }

    @Test
    void aBanSetThroughOneInstanceIsListedByAnother() {
        String namespace = namespace("listed");
        store().bans(namespace).ban("203.0.113.7", Duration.ofMinutes(5));
        store().bans(namespace).ban("198.51.100.2", Duration.ofMinutes(1));

        assertThat(store().bans(namespace).active(10))
                .extracting(io.github.abuseguard.store.BannedKey::key)
                .containsExactly("198.51.100.2", "203.0.113.7");
    }

    @Test
    void aSlotGivenBackLeavesNoKeyBehind() {
        // probe F11: one address sent a new user name per request; each left a hash of 0 held slots for
        // two find-times, so Redis grew by a key per request
        RedisStateStore store = (RedisStateStore) store();
        String namespace = namespace("slots");
        io.github.abuseguard.store.Counters counters = store.counters(namespace, Duration.ofMinutes(10));
        io.github.abuseguard.store.SlidingWindows windows =
                store.slidingWindows(namespace + ":w", Duration.ofMinutes(10));
        for (int i = 0; i < 20; i++) {
            String name = "name-" + i;
            assertThat(counters.reserve(name + "#held", name + "#before", name + "@1", name + "@0", 0, 1, 5))
                    .isTrue();
            counters.release(name + "#held");
            long at = clock.epochMillis();
            assertThat(windows.reserve(name, at, 5))
                    .isEqualTo(io.github.abuseguard.store.SlidingWindows.Reservation.TAKEN);
            windows.release(name, at, at);
        }
        try (var client = io.lettuce.core.RedisClient.create(uri);
                var connection = client.connect()) {
            assertThat(connection.sync().keys("abuse-guard-test:" + namespace + "*"))
                    .as("no held-slot hash stays once its count is back to zero")
                    .isEmpty();
        }
    }

    @Test
    void everyKeyIsNamespacedAndExpires() {
        RedisStateStore store = (RedisStateStore) store();
        String namespace = namespace("expiry");
        store.counters(namespace, Duration.ofMinutes(1)).add("k", 1);
        store.bans(namespace).ban("k", Duration.ofMinutes(1));
        store.trails(namespace, 3, Duration.ofMinutes(1)).append("k", "a");
        store.tallies(namespace, 64, 1, Duration.ofMinutes(1)).record("k", 1, 0, 0, 0);
        try (var client = io.lettuce.core.RedisClient.create(uri);
                var connection = client.connect()) {
            List<String> keys = connection.sync().keys("abuse-guard-test:" + namespace + ":*");
            // counter, ban, the bans' listing, trail, the trail's last use, tally and the tally's bitmap
            assertThat(keys).hasSize(7);
            for (String key : keys) {
                assertThat(connection.sync().pttl(key)).as(key).isPositive();
            }
        }
    }

    @Test
    void anInstanceStillOnOlderLimitsDoesNotShortenABucketsExpiry() {
        String namespace = namespace("rollout-ttl");
        var older = store().tokenBuckets(
                        namespace,
                        io.github.abuseguard.store.BucketSpec.of(
                                io.github.abuseguard.store.BucketLimit.greedy(100, 100, Duration.ofMinutes(1))));
        clock.advance(Duration.ofSeconds(1));
        var newer = store().tokenBuckets(
                        namespace,
                        io.github.abuseguard.store.BucketSpec.of(
                                io.github.abuseguard.store.BucketLimit.greedy(100, 100, Duration.ofMinutes(1)),
                                io.github.abuseguard.store.BucketLimit.greedy(1000, 1000, Duration.ofDays(1))));
        newer.tryConsume("203.0.113.7", 1);
        older.tryConsume("203.0.113.7", 1);
        try (var client = io.lettuce.core.RedisClient.create(uri);
                var connection = client.connect()) {
            List<String> keys = connection.sync().keys("abuse-guard-test:" + namespace + "*203.0.113.7*");
            assertThat(keys).hasSize(1);
            assertThat(connection.sync().pttl(keys.get(0)))
                    .as("the daily limit's expiry survives a request through the older instance")
                    .isGreaterThan(Duration.ofHours(1).toMillis());
        }
    }
}
