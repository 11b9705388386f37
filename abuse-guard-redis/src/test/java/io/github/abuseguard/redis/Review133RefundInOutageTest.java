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
 * review133 F2: since e7b1cf4e the resilient store answers a refusal the Redis store remembers before it looks at the
 * circuit. While the circuit is open a refund goes to the fallback, which forgets its own memory of the refusal
 * ({@code forget(answers, key)}) but cannot reach the Redis store's: the client whose refused export was refunded
 * (the application answered 503, a refund status) is refused again from a memory of a bucket it no longer holds, for
 * as long as the outage lasts (the remembered refusal runs to the refill: a day here). Before the change, the open
 * circuit sent the request to the fallback, which gave it the refunded token.
 */
class Review133RefundInOutageTest {
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

    @Test
    void aRefundDuringAnOutageLiftsTheRefusalTheInstanceRemembers() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        FakeTimeSource clock = new FakeTimeSource();
        String prefix = "review133:" + UUID.randomUUID() + ":";
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
                                    .refundStatuses("5xx")
                                    .build())
                            .build())
                    .build();

            GuardRequest first = export("198.51.100.20");
            assertThat(engine.evaluate(first).decision().isAllow()).isTrue();
            assertThat(engine.evaluate(export("198.51.100.20")).decision().isDeny())
                    .as("its export of the day is in flight: Redis refuses a second, remembered until the refill")
                    .isTrue();

            proxy.cut(); // Redis is gone; the application fails for it too
            for (int i = 1; i <= 50 && store.isAvailable(); i++) {
                engine.evaluate(export("203.0.113." + i));
            }
            assertThat(store.isAvailable()).as("the circuit opened").isFalse();

            engine.complete(first, 503); // a refund status: the export is given back, to the fallback
            assertThat(engine.evaluate(export("198.51.100.20")).decision().isAllow())
                    .as("the refunded export, as the fallback holds it; not a refusal remembered of the bucket before")
                    .isTrue();
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
