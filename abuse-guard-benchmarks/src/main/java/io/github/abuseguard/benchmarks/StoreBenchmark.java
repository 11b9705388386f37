package io.github.abuseguard.benchmarks;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.redis.RedisStateStore;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A rate-limited request decided with the in-process store and with the Redis store on loopback
 * ({@code redis://127.0.0.1:6379}, or {@code ABUSE_GUARD_REDIS_URI}), each bare and behind a {@link
 * ResilientStateStore} with its local fallback, as {@code store.type=redis} runs it ({@code resilient-redis});
 * {@code resilient-local} puts an in-process store where Redis would be, to show what the wrapper alone
 * costs. {@code loginAttempt} is a sign-in under a failure rule, checked and completed with a success (the
 * ban looked up, an in-flight slot taken and given back). Sample-time mode, so JMH prints p50 and p99 as well
 * as the mean; the reciprocal of the mean is the requests per second one thread decides.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class StoreBenchmark {

    @Param({"local", "redis", "resilient-local", "resilient-redis"})
    public String store;

    private AbuseGuard engine;
    private GuardRequest request;
    private AbuseGuard logins;
    private GuardRequest login;
    private StateStore stateStore;

    @Setup
    public void setUp() {
        StateStore backend = store.endsWith("redis")
                ? RedisStateStore.builder()
                        .uri(System.getenv().getOrDefault("ABUSE_GUARD_REDIS_URI", "redis://127.0.0.1:6379"))
                        .keyPrefix("abuse-guard-bench:" + UUID.randomUUID() + ":")
                        .commandTimeout(Duration.ofSeconds(1))
                        .build()
                : LocalStateStore.builder().build();
        stateStore = store.startsWith("resilient-")
                ? ResilientStateStore.builder(backend, LocalStateStore.builder().build())
                        .build()
                : backend;
        engine = AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(stateStore)
                        .rule(RateLimitRule.builder("per-ip")
                                .path("/api/**")
                                .limit(Limit.of(1_000_000_000_000L, Duration.ofDays(365)))
                                .build())
                        .build())
                .build();
        request = GuardRequest.builder("GET", "/api/scores/chess")
                .client("203.0.113.7")
                .build();
        logins = AbuseGuard.builder()
                .guard(FailureGuard.builder()
                        .store(stateStore)
                        .rule(FailureRule.builder("login")
                                .path("/api/login")
                                .statuses("401")
                                .maxRetry(10)
                                .build())
                        .build())
                .build();
        login = GuardRequest.builder("POST", "/api/login").client("203.0.113.7").build();
    }

    @TearDown
    public void tearDown() throws Exception {
        if (stateStore instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Benchmark
    public Evaluation rateLimitedRequest() {
        return engine.evaluate(request);
    }

    @Benchmark
    public Evaluation loginAttempt() {
        Evaluation evaluation = logins.evaluate(login);
        logins.complete(login, 200);
        return evaluation;
    }
}
