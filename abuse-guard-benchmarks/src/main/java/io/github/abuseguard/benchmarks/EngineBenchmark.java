package io.github.abuseguard.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.BucketLimit;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.Consumption;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.TokenBuckets;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine deciding one rate-limited request, next to the floor it stands on: a bare Caffeine
 * look-up plus a Bucket4j {@code tryConsume}, and the in-process store's own bucket on the same limit.
 * The limit is never reached, so every request is counted and allowed, the common case. 1,024 clients
 * rotate so the cache is not a single hot entry.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class EngineBenchmark {
    private static final int CLIENTS = 1024;

    private AbuseGuard engine;
    private GuardRequest[] requests;
    private Cache<String, Bucket> bareCache;
    private String[] keys;
    private TokenBuckets localBuckets;

    @Setup
    public void setUp() {
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("per-ip")
                        .path("/api/**")
                        .limit(Limit.of(1_000_000_000_000L, Duration.ofDays(365)))
                        .build())
                .build();
        engine = AbuseGuard.builder().guard(limits).build();
        requests = new GuardRequest[CLIENTS];
        keys = new String[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            keys[i] = "10.0." + (i / 256) + "." + (i % 256);
            requests[i] = GuardRequest.builder("GET", "/api/scores/chess")
                    .client(keys[i])
                    .build();
        }
        localBuckets = LocalStateStore.builder()
                .build()
                .tokenBuckets(
                        "bench",
                        BucketSpec.of(
                                BucketLimit.greedy(1_000_000_000_000L, 1_000_000_000_000L, Duration.ofDays(365))));
        bareCache = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterAccess(Duration.ofDays(365))
                .build();
    }

    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            next = (next + 1) & (CLIENTS - 1);
            return next;
        }
    }

    @Benchmark
    public Evaluation engineDecision(Cursor cursor) {
        return engine.evaluate(requests[cursor.advance()]);
    }

    @Benchmark
    @Threads(2)
    public Evaluation engineDecisionTwoThreads(Cursor cursor) {
        return engine.evaluate(requests[cursor.advance()]);
    }

    @Benchmark
    public ConsumptionProbe bareCaffeineAndBucket4j(Cursor cursor) {
        return bareCache
                .get(
                        keys[cursor.advance()],
                        key -> Bucket.builder()
                                .addLimit(limit -> limit.capacity(1_000_000_000_000L)
                                        .refillGreedy(1_000_000_000_000L, Duration.ofDays(365)))
                                .build())
                .tryConsumeAndReturnRemaining(1);
    }

    @Benchmark
    public Consumption localStoreBucket(Cursor cursor) {
        return localBuckets.tryConsume(keys[cursor.advance()], 1);
    }
}
