package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Redis stopped in the middle of a run: a Redis server the test starts itself on a free port, stops,
 * and starts again. Each outage policy behaves as documented, no request waits much longer than the
 * command timeout, and shared enforcement resumes when Redis returns.
 */
class OutageTest {
    private static final Duration TIMEOUT = Duration.ofMillis(200);

    private final FakeTimeSource clock = new FakeTimeSource();
    private int port;
    private Process redis;
    private RedisStateStore remote;

    @BeforeEach
    void startRedis() throws IOException {
        RedisAvailability.requireRedis(); // the redis-server binary comes with the service
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        redis = startServer(port);
        remote = RedisStateStore.builder()
                .uri("redis://127.0.0.1:" + port)
                .keyPrefix("outage-test:")
                .commandTimeout(TIMEOUT)
                .timeSource(clock)
                .build();
    }

    @AfterEach
    void stopRedis() throws InterruptedException {
        remote.close();
        redis.destroy();
        redis.waitFor(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(OutagePolicy.class)
    void eachPolicyHoldsDuringAnOutageAndSharedStateResumesAfterIt(OutagePolicy policy) throws Exception {
        // Every call fails while Redis is down: the fifth failure of six calls opens the circuit.
        ResilientStateStore store = ResilientStateStore.builder(
                        remote, LocalStateStore.builder().timeSource(clock).build())
                .policy(policy)
                .retryInterval(Duration.ofSeconds(5))
                .minimumCalls(5)
                .halfOpenCalls(1)
                .timeSource(clock)
                .description("test redis")
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("per-ip")
                                .path("/**")
                                .limit(new Limit(3, 1, Duration.ofDays(1), Limit.Refill.GREEDY))
                                .build())
                        .build())
                .build();

        assertThat(decide(engine).isAllow()).isTrue();
        assertThat(store.isAvailable()).isTrue();

        redis.destroy();
        assertThat(redis.waitFor(10, TimeUnit.SECONDS)).isTrue();

        for (int i = 0; i < 5; i++) {
            // How long a request waits is the breaker's business, tested with a fake clock in
            // ResilientStateStoreTest; here the real outage must be answered by the policy.
            Decision during = decide(engine);
            switch (policy) {
                case FAIL_OPEN -> assertThat(during.isAllow()).isTrue();
                case FAIL_CLOSED -> {
                    assertThat(during.isDeny()).isTrue();
                    assertThat(during.status()).isEqualTo(503);
                    assertThat(during.reason()).isEqualTo("store-unavailable");
                }
                case LOCAL_FALLBACK ->
                    assertThat(during.isAllow())
                            .as("request %d: the local bucket holds the 2 tokens Redis had left", i)
                            .isEqualTo(i < 2);
            }
        }
        assertThat(store.isAvailable()).isFalse();

        redis = startServer(port);
        eventually(Duration.ofSeconds(30), () -> {
            clock.advance(Duration.ofSeconds(6)); // past the retry interval: the next call tries Redis
            decide(engine);
            return store.isAvailable();
        });
        Decision shared = decide(engine);
        if (policy == OutagePolicy.LOCAL_FALLBACK) {
            assertThat(shared.isDeny())
                    .as("the two tokens the fallback gave out were charged to the restarted Redis's bucket, and"
                            + " the request that closed the circuit took the third")
                    .isTrue();
        } else {
            assertThat(shared.isAllow())
                    .as("the restarted Redis holds a fresh shared bucket")
                    .isTrue();
        }
    }

    private static Decision decide(AbuseGuard engine) {
        return engine.evaluate(GuardRequest.builder("GET", "/api/x")
                        .client("203.0.113.7")
                        .build())
                .decision();
    }

    /** Starts a redis-server of its own on {@code port} and waits until it listens. */
    static Process startServer(int port) throws IOException {
        return startServer(port, java.util.List.of());
    }

    /** Starts a redis-server of its own on {@code port}, with {@code arguments} after its own, and waits until it listens. */
    static Process startServer(int port, java.util.List<String> arguments) throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no"));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        eventually(Duration.ofSeconds(10), () -> {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return process;
    }

    /** Waits on a condition, checking every 50 ms, failing after the timeout. */
    private static void eventually(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
