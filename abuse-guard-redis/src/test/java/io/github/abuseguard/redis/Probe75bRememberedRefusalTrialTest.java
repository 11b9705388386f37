package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * probe75b: README, Shared state on Redis: "While open, no request pays the timeout for {@code retry-interval}; then
 * {@code half-open-calls} trial calls try Redis: if all answer, shared state is used again". A client Redis refused
 * is refused again from the instance's memory until its retry-after, without a round trip, and such a refusal is
 * counted as a call Redis answered: a throttled client's three requests close the circuit while Redis is still gone,
 * and every other request then tries the lost Redis again (a stalled Redis: each call pays the full command timeout)
 * until enough of them fail to open it again; sent beside everyone else's, the remembered refusals dilute the failure
 * rate and break the run of consecutive failures, and three more close it again after each retry interval.
 */
class Probe75bRememberedRefusalTrialTest {
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

    @Test
    void refusalsRememberedOnTheInstanceNeitherCloseTheCircuitNorKeepItClosedWhileRedisIsGone() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        FakeTimeSource clock = new FakeTimeSource();
        String prefix = "abuse-guard-test:probe75b:" + UUID.randomUUID() + ":";
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore store = RedisStateStoreProvider.create(
                        AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.store.type", "redis",
                                "abuse-guard.store.redis.timeout", "200ms",
                                "abuse-guard.store.redis.connect-timeout", "10s",
                                "abuse-guard.store.redis.retry-interval", RETRY_INTERVAL.toMillis() + "ms",
                                "abuse-guard.store.redis.key-prefix", prefix)),
                        clock,
                        "redis://127.0.0.1:" + proxy.port())) {
            AbuseGuard engine = AbuseGuard.builder()
                    .timeSource(clock)
                    .guard(RateLimitGuard.builder()
                            .store(store)
                            .rule(RateLimitRule.builder("exports")
                                    .path("/api/exports")
                                    .limit(new Limit(1, 1, Duration.ofDays(1), Limit.Refill.GREEDY))
                                    .build())
                            .build())
                    .build();

            // The attacker spends its export of the day; Redis refuses the next one, for a day.
            assertThat(engine.evaluate(export("198.51.100.66")).decision().isAllow())
                    .isTrue();
            assertThat(engine.evaluate(export("198.51.100.66")).decision().isDeny())
                    .isTrue();

            proxy.cut(); // Redis is gone from the network
            for (int i = 1; i <= 50 && store.isAvailable(); i++) {
                engine.evaluate(export("203.0.113." + i));
            }
            assertThat(store.isAvailable()).as("the circuit opened").isFalse();

            clock.advance(RETRY_INTERVAL.plusSeconds(1));
            for (int i = 0; i < 3; i++) {
                assertThat(engine.evaluate(export("198.51.100.66")).decision().isDeny())
                        .isTrue();
            }
            assertThat(store.isAvailable())
                    .as("three trial calls after the retry interval were refusals the instance remembered; Redis"
                            + " answered none of them")
                    .isFalse();

        } finally {
            RedisClient client = RedisClient.create(redis);
            try (var connection = client.connect()) {
                List<String> keys = connection.sync().keys(prefix + "*");
                if (!keys.isEmpty()) {
                    connection.sync().del(keys.toArray(String[]::new));
                }
            } finally {
                client.shutdown();
            }
        }
    }

    private static GuardRequest export(String address) {
        return GuardRequest.builder("POST", "/api/exports").client(address).build();
    }
}
