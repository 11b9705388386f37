package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * review134 F4: {@code Trails.settle(key, operation, reservation, outcome)} (fc5a2ac7) "never settles another
 * request's pending entry of the operation". The Redis store does not implement it: the interface's default settles
 * the oldest pending entry of the operation, another request's where two of a session are in flight, so the
 * settlement a replay later judges by its own reservation ran on another.
 */
class Review134ReservedSettleRedisTest {
    private final String prefix = "review134:" + UUID.randomUUID() + ":";

    @AfterEach
    void removeKeys() {
        RedisClient client = RedisClient.create(RedisAvailability.URI);
        try (var connection = client.connect()) {
            List<String> keys = connection.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aSettlementNamingItsReservationSettlesThatOneOnRedis() {
        String uri = RedisAvailability.requireRedis();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore redis = RedisAvailability.store(uri, prefix, clock)) {
            Trails trails = redis.trails("sequence", 20, Duration.ofHours(1));
            String reservedByB = trails.reservation("POST /transfer", clock.epochMillis());
            assertThat(trails.appendUnless("s", reservedByB, List.of())).isEqualTo(-1);
            clock.advance(Duration.ofMillis(1));
            String reservedByA = trails.reservation("POST /transfer", clock.epochMillis());
            assertThat(trails.appendUnless("s", reservedByA, List.of())).isEqualTo(-1);
            clock.advance(Duration.ofMillis(1));
            String failedA = "POST /transfer|403|" + clock.epochMillis();

            trails.settle("s", "POST /transfer", reservedByA, failedA);

            assertThat(trails.get("s"))
                    .as("A settled its own reservation; B's, in flight, stays")
                    .containsExactly(reservedByB, failedA);
        }
    }
}
