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

    /** Instance A: a resilient store on Redis through {@code proxy}, whose circuit opens after a few failures. */
    private ResilientStateStore throughProxy(StallingProxy proxy, String prefix) {
        return RedisStateStoreProvider.create(
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
    }

    /** Instance B: straight on Redis, never cut off. */
    private RedisStateStore direct(RedisURI redis, String prefix) {
        return RedisStateStore.builder()
                .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                .uri(redis)
                .keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(5))
                .timeSource(clock)
                .build();
    }

    @Test
    void aClientGetsItsBucketOnceAcrossAnOutageAndBothInstances() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore storeA = throughProxy(proxy, prefix);
                RedisStateStore storeB = direct(redis, prefix)) {
            AbuseGuard a = engine(storeA, new Limit(10, 1, Duration.ofMinutes(10), Limit.Refill.GREEDY));
            AbuseGuard b = engine(storeB, new Limit(10, 1, Duration.ofMinutes(10), Limit.Refill.GREEDY));
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

    /**
     * Probe19 H1 on the real Redis: a client throttled at one request a second on ten a minute, across an outage
     * of a minute that keeps Redis's data (Redis gone from the network, not stalled: a stalled Redis would run the
     * trial calls of the outage when it catches up, which spend the bucket themselves); the fallback enforces the limit (one request every six seconds), and
     * when Redis answers again the client finds its bucket as the fallback left it, not full: Redis refilled it
     * over the minute, and the charge of what the fallback gave out must not take that refill off a second time.
     */
    @Test
    void aThrottledClientFindsNoFullBucketAfterAnOutageOfAPeriod() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        Limit perMinute = new Limit(10, 10, Duration.ofMinutes(1), Limit.Refill.GREEDY);
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore storeA = throughProxy(proxy, prefix);
                RedisStateStore storeB = direct(redis, prefix)) {
            AbuseGuard a = engine(storeA, perMinute);
            AbuseGuard b = engine(storeB, perMinute);
            assertThat(allowedOf(a, "198.51.100.1", 12))
                    .as("the burst on Redis")
                    .isEqualTo(10);

            proxy.cut(); // gone from the network, its data kept: no stalled trial runs on it afterwards
            for (int i = 0; i < 20 && storeA.isAvailable(); i++) {
                allowed(a, "203.0.113." + (i + 1)); // each fails
            }
            assertThat(storeA.isAvailable()).as("the circuit opened").isFalse();
            int duringOutage = 0;
            for (int second = 0; second < 60; second++) {
                duringOutage += allowed(a, "198.51.100.1") ? 1 : 0;
                clock.advance(Duration.ofSeconds(1));
            }
            assertThat(duringOutage)
                    .as("the fallback enforces the limit: about one request every six seconds")
                    .isBetween(6, 11);

            proxy.restore();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    storeA.remote().counters("warm", Duration.ofMinutes(1)).get("warm");
                    break;
                } catch (RuntimeException reconnecting) {
                    assertThat(System.nanoTime()).as("A reconnects").isLessThan(deadline);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
            clock.advance(Duration.ofSeconds(5)); // past the retry interval: the next call is a trial
            for (int i = 0; !storeA.isAvailable(); i++) {
                assertThat(System.nanoTime()).as("the circuit closes").isLessThan(deadline);
                allowed(a, "192.0.2." + (i % 250 + 1));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }

            int afterOnA = allowedOf(a, "198.51.100.1", 12);
            int afterOnB = allowedOf(b, "198.51.100.1", 12);
            assertThat(afterOnA + afterOnB)
                    .as("right after recovery: what refilled in the last seconds, not a second bucket of 10")
                    .isLessThanOrEqualTo(2);
        }
    }

    private AbuseGuard engine(StateStore store, Limit limit) {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("per-ip")
                                .path("/api/**")
                                .limit(limit)
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
