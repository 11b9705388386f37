package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Two instances of an application, each with its own engine and connection, sharing one Redis. */
class SharedLimitTest {

    @Test
    void twoEnginesSharingOneRedisEnforceOneCombinedLimitUnderConcurrentLoad() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        int capacity = 200;
        try (RedisStateStore first = store(uri, prefix);
                RedisStateStore second = store(uri, prefix)) {
            AbuseGuard[] instances = {engine(first, capacity), engine(second, capacity)};
            AtomicInteger passed = new AtomicInteger();
            int threads = 32;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int t = 0; t < threads; t++) {
                    AbuseGuard engine = instances[t % 2];
                    pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 20; i++) {
                            GuardRequest request = GuardRequest.builder("GET", "/api/images/" + i)
                                    .client("203.0.113.7")
                                    .build();
                            if (!engine.evaluate(request).isDenied()) {
                                passed.incrementAndGet();
                            }
                        }
                        return null;
                    });
                }
                start.countDown();
            } finally {
                pool.shutdown();
                assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
            }
            assertThat(passed.get()).as("640 attempts across both instances").isEqualTo(capacity);
        }
    }

    private static RedisStateStore store(String uri, String prefix) {
        return RedisStateStore.builder()
                .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                .uri(uri)
                .keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static AbuseGuard engine(RedisStateStore store, int capacity) {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("per-ip")
                                .path("/api/**")
                                .limit(new Limit(capacity, 1, Duration.ofDays(1), Limit.Refill.GREEDY))
                                .build())
                        .build())
                .build();
    }
}
