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
 * and starts again. Each outage policy behaves as documented, and shared enforcement resumes when Redis returns.
 */
class OutageTest {
    /**
     * The command timeout: the outage fails commands at once (connection refused, or rejected while disconnected),
     * whatever this is; the calls before it and after Redis is back must succeed on a loaded machine too.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final FakeTimeSource clock = new FakeTimeSource();
    private int port;
    private Started redis;
    private RedisStateStore remote;

    @BeforeEach
    void startRedis() throws IOException {
        RedisAvailability.requireRedis(); // the redis-server binary comes with the service
        redis = startOnFreePort(java.util.List.of());
        port = redis.port;
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
        redis.process.destroy();
        redis.process.waitFor(10, TimeUnit.SECONDS);
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

        redis.process.destroy();
        assertThat(redis.process.waitFor(10, TimeUnit.SECONDS)).isTrue();

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

        redis = new Started(port, startServer(port));
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

    /** A redis-server of the test's own, and its port. */
    record Started(int port, Process process) {}

    /**
     * Starts a redis-server of its own on a port free a moment before, and waits until it answers; if another process
     * took the port in that moment (the redis-server exits: address in use), starts one on another port.
     */
    static Started startOnFreePort(java.util.List<String> arguments) throws IOException {
        IOException taken = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            try {
                return new Started(port, startServer(port, arguments));
            } catch (PortTakenException e) {
                taken = e;
            }
        }
        throw taken;
    }

    /** The redis-server exited before it answered: it could not listen on its port, which another process took. */
    static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
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
        // Its own server answers: a connection alone may reach another process that took the port first (and made
        // this one exit); an exited one is not waited for.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!answers(port)) {
            if (!process.isAlive()) {
                throw new PortTakenException("redis-server on port " + port + " exited with " + process.exitValue());
            }
            if (System.nanoTime() > deadline) {
                process.destroy();
                throw new AssertionError("redis-server on port " + port + " did not answer within 30 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        if (!process.isAlive()) {
            throw new PortTakenException("another process answers on port " + port);
        }
        return process;
    }

    /** Whether a Redis server answers a PING on {@code port} (+PONG, or -NOAUTH when it requires a password). */
    private static boolean answers(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000); // bounds one attempt at a server that accepted and never answers
            socket.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            int first = socket.getInputStream().read();
            return first == '+' || first == '-';
        } catch (IOException notYet) {
            return false;
        }
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
