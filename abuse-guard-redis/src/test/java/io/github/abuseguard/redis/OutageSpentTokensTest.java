package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Probe finding P4-A5 on the real Redis: one instance loses Redis (its commands time out behind a stalled
 * connection) long enough for its circuit to open, and its fallback answers a client; when Redis answers
 * again, what the fallback gave out is charged to the client's bucket on Redis, so neither instance gives
 * the client its bucket a second time.
 */
class OutageSpentTokensTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void aClientGetsItsBucketOnceAcrossAnOutageAndBothInstances() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore storeA = RedisStateStoreProvider.create(
                        AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.store.type", "redis",
                                "abuse-guard.store.redis.timeout", "200ms",
                                "abuse-guard.store.redis.connect-timeout", "10s",
                                "abuse-guard.store.redis.minimum-calls", "5",
                                "abuse-guard.store.redis.window-size", "20",
                                "abuse-guard.store.redis.half-open-calls", "1",
                                "abuse-guard.store.redis.key-prefix", prefix)),
                        clock,
                        "redis://127.0.0.1:" + proxy.port());
                RedisStateStore storeB = RedisStateStore.builder()
                        .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                        .uri(redis)
                        .keyPrefix(prefix)
                        .commandTimeout(Duration.ofSeconds(5))
                        .timeSource(clock)
                        .build()) {
            AbuseGuard a = engine(storeA);
            AbuseGuard b = engine(storeB);
            for (int i = 0; i < 4; i++) {
                assertThat(allowed(a, "198.51.100.1"))
                        .as("request %d on Redis", i)
                        .isTrue();
            }

            proxy.stall();
            for (int i = 0; i < 20 && storeA.isAvailable(); i++) {
                allowed(a, "203.0.113." + (i + 1)); // each times out
            }
            assertThat(storeA.isAvailable()).as("the circuit opened").isFalse();
            int duringOutage = allowedOf(a, "198.51.100.1", 15);
            assertThat(duringOutage)
                    .as("the fallback gives what Redis had left")
                    .isEqualTo(6);

            proxy.resume();
            clock.advance(Duration.ofSeconds(6)); // past the retry interval: the next call is a trial
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; !storeA.isAvailable(); i++) {
                assertThat(System.nanoTime()).as("the circuit closes").isLessThan(deadline);
                allowed(a, "192.0.2." + (i % 250 + 1));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }

            int afterOnA = allowedOf(a, "198.51.100.1", 15);
            int afterOnB = allowedOf(b, "198.51.100.1", 15);
            assertThat(4 + duringOutage + afterOnA + afterOnB)
                    .as("ten tokens, one every ten minutes, and seconds passed: the bucket once")
                    .isEqualTo(10);
        }
    }

    private AbuseGuard engine(StateStore store) {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("per-ip")
                                .path("/api/**")
                                .limit(new Limit(10, 1, Duration.ofMinutes(10), Limit.Refill.GREEDY))
                                .build())
                        .build())
                .timeSource(clock)
                .build();
    }

    private static boolean allowed(AbuseGuard engine, String client) {
        return engine.evaluate(GuardRequest.builder("GET", "/api/scores/chess")
                        .client(client)
                        .build())
                .decision()
                .isAllow();
    }

    private static int allowedOf(AbuseGuard engine, String client, int requests) {
        int allowed = 0;
        for (int i = 0; i < requests; i++) {
            allowed += allowed(engine, client) ? 1 : 0;
        }
        return allowed;
    }
}
