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
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * review149 F1: {@code downSince} is cleared only by a call that finds the connection up. A drop that outlasts the
 * grace (a Redis restart of more than one command timeout) leaves it set by the call that gave up; when Lettuce makes
 * the connection again and it drops again before any call came (a quiet application, or the circuit open for its
 * retry interval so that no call reaches the store: a failover's second drop, a rolling restart), the next drop's
 * first call finds the old {@code downSince}, its grace long over, and fails at once: refused under fail-closed and
 * counted by the circuit, as before probe81b F1. The reconnect itself ({@code onRedisConnected}) does not clear it.
 */
class Review149DropAfterOutageTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final FakeTimeSource clock = new FakeTimeSource();
    private final String prefix = "review149:" + UUID.randomUUID() + ":";

    @Test
    void aDropAfterAnOutageThatOutlastedTheGraceIsWaitedFor() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        ExecutorService requests = Executors.newSingleThreadExecutor();
        try (Review146SecondDropTest.GatedProxy proxy =
                        new Review146SecondDropTest.GatedProxy(redis.getHost(), redis.getPort());
                ResilientStateStore store = RedisStateStoreProvider.create(
                        AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.store.type", "redis",
                                "abuse-guard.store.redis.timeout", TIMEOUT.toMillis() + "ms",
                                "abuse-guard.store.redis.connect-timeout", "10s",
                                "abuse-guard.store.redis.outage-policy", "fail-closed",
                                "abuse-guard.store.redis.key-prefix", prefix)),
                        clock,
                        "redis://127.0.0.1:" + proxy.port())) {
            AbuseGuard engine = AbuseGuard.builder()
                    .guard(RateLimitGuard.builder()
                            .store(store)
                            .rule(RateLimitRule.builder("per-ip")
                                    .path("/**")
                                    .limit(new Limit(1_000_000, 1_000_000, Duration.ofMinutes(1), Limit.Refill.GREEDY))
                                    .build())
                            .build())
                    .timeSource(clock)
                    .build();
            assertThat(allowed(engine)).isTrue();
            StatefulRedisConnection<?, ?> connection = connectionOf((RedisStateStore) store.remote());

            // an outage longer than the grace: the request that finds it gives up after one command timeout
            int held = proxy.held.get();
            proxy.drop();
            await(() -> proxy.held.get() > held);
            assertThat(allowed(engine))
                    .as("a request during a long outage (fail-closed)")
                    .isFalse();

            // Redis is back; Lettuce makes the connection again while no request comes
            proxy.open();
            await(connection::isOpen);

            // it drops again: the first request is to wait for the reconnect, as after any drop
            int heldAgain = proxy.held.get();
            proxy.drop();
            await(() -> proxy.held.get() > heldAgain);
            AtomicReference<Thread> thread = new AtomicReference<>();
            Future<Boolean> request = requests.submit(() -> {
                thread.set(Thread.currentThread());
                return allowed(engine);
            });
            await(() -> request.isDone() || (thread.get() != null && waitsForReconnect(thread.get())));
            proxy.open();
            assertThat(request.get(10, TimeUnit.SECONDS))
                    .as("the first request after the next drop, which the store waits for as after any drop")
                    .isTrue();
        } finally {
            requests.shutdownNow();
        }
    }

    private static StatefulRedisConnection<?, ?> connectionOf(RedisStateStore store)
            throws ReflectiveOperationException {
        Field field = RedisStateStore.class.getDeclaredField("connection");
        field.setAccessible(true);
        return (StatefulRedisConnection<?, ?>) field.get(store);
    }

    private static boolean waitsForReconnect(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getMethodName().equals("awaitReconnect")) {
                return true;
            }
        }
        return false;
    }

    private static boolean allowed(AbuseGuard engine) {
        return !engine.evaluate(GuardRequest.builder("GET", "/api/x")
                        .client("198.51.100.9")
                        .build())
                .decision()
                .isDeny();
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
    }
}
