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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * review146 F2: a call that waited out a dropped connection (awaitReconnect) returns without clearing downSince, so
 * when no other call saw the connection up before the next drop (one store call per request, a quiet application
 * whose idle connection Redis's own {@code timeout} closes every few minutes), the next drop's first call finds the
 * old downSince, its grace long over, and fails at once: under fail-closed that request is refused and the circuit
 * counts it, as before the fix (probe81b F1), on every second drop.
 */
class Review146SecondDropTest {
    /**
     * The store's command timeout, and so the grace of a dropped connection: long enough that a call on a busy CI
     * machine is answered within it, short enough that a request during an outage longer than it gives up soon.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final FakeTimeSource clock = new FakeTimeSource();
    private final String prefix = "review146:" + UUID.randomUUID() + ":";
    private final ExecutorService requests = Executors.newSingleThreadExecutor();
    private GatedProxy proxy;
    private ResilientStateStore store;
    private AbuseGuard engine;

    @BeforeEach
    void connect() throws IOException {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        proxy = new GatedProxy(redis.getHost(), redis.getPort());
        store = RedisStateStoreProvider.create(
                AbuseGuardSettings.bind(Map.of(
                        "abuse-guard.store.type", "redis",
                        "abuse-guard.store.redis.timeout", TIMEOUT.toMillis() + "ms",
                        "abuse-guard.store.redis.connect-timeout", "10s",
                        "abuse-guard.store.redis.outage-policy", "fail-closed",
                        "abuse-guard.store.redis.key-prefix", prefix)),
                clock,
                "redis://127.0.0.1:" + proxy.port());
        engine = AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("per-ip")
                                .path("/**")
                                .limit(new Limit(1_000_000, 1_000_000, Duration.ofMinutes(1), Limit.Refill.GREEDY))
                                .build())
                        .build())
                .timeSource(clock)
                .build();
    }

    @AfterEach
    void close() throws Exception {
        requests.shutdownNow();
        store.close();
        proxy.close();
    }

    @Test
    void theSecondDropOfAQuietStoreIsWaitedForAsTheFirstWas() throws Exception {
        assertThat(allowed(engine)).isTrue();

        // first drop: the request that finds the connection down waits for it, and is answered by Redis
        assertThat(requestDuringADrop()).as("the first request after a drop").isTrue();

        // the application is quiet; later (Redis's idle timeout, a maintenance) the connection drops again
        long firstDrop = System.nanoTime();
        await(() -> System.nanoTime() - firstDrop > 2 * TIMEOUT.toNanos());
        assertThat(requestDuringADrop())
                .as("the first request after the next drop, which the store waits for as it did for the first")
                .isTrue();
        assertThat(store.isAvailable()).isTrue();
    }

    /**
     * review149 F1: {@code downSince} is cleared only by a call that finds the connection up. A drop that outlasts the
     * grace (a Redis restart of more than one command timeout) leaves it set by the call that gave up; when Lettuce
     * makes the connection again and it drops again before any call came (a quiet application, or the circuit open for
     * its retry interval so that no call reaches the store: a failover's second drop, a rolling restart), the next
     * drop's first call found the old {@code downSince}, its grace long over, and failed at once: refused under
     * fail-closed and counted by the circuit, as before probe81b F1. The reconnect itself ({@code onRedisConnected})
     * now clears it.
     */
    @Test
    void aDropAfterAnOutageThatOutlastedTheGraceIsWaitedFor() throws Exception {
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
        assertThat(requestDuringADrop())
                .as("the first request after the next drop, which the store waits for as after any drop")
                .isTrue();
    }

    /** Drops the store's connections; one request arrives while Lettuce makes them again: whether it was allowed. */
    private boolean requestDuringADrop() throws Exception {
        int held = proxy.held.get();
        proxy.drop();
        await(() -> proxy.held.get() > held); // Lettuce saw the drop: its new connection waits at the gate
        AtomicReference<Thread> thread = new AtomicReference<>();
        Future<Boolean> request = requests.submit(() -> {
            thread.set(Thread.currentThread());
            return allowed(engine);
        });
        // the request either waits for the reconnect or has been answered already
        await(() -> request.isDone() || (thread.get() != null && waitsForReconnect(thread.get())));
        proxy.open();
        return request.get(10, TimeUnit.SECONDS);
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

    /** A TCP proxy whose new connections wait at a gate, closed by {@link #drop} and opened by {@link #open}. */
    static final class GatedProxy implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch gate = new CountDownLatch(0);
        /** Connections that came to a closed gate. */
        final AtomicInteger held = new AtomicInteger();

        GatedProxy(String host, int port) throws IOException {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket client = server.accept();
                        Thread serve = new Thread(() -> serve(client, host, port), "review146-proxy");
                        serve.setDaemon(true);
                        serve.start();
                    }
                } catch (IOException closed) {
                    // over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket client, String host, int port) {
            try {
                CountDownLatch at = gate;
                if (at.getCount() > 0) {
                    held.incrementAndGet();
                    at.await();
                }
                Socket upstream = new Socket(host, port);
                sockets.add(client);
                sockets.add(upstream);
                pump(client.getInputStream(), upstream.getOutputStream());
                pump(upstream.getInputStream(), client.getOutputStream());
            } catch (IOException | InterruptedException e) {
                try {
                    client.close();
                } catch (IOException ignored) {
                    // closed
                }
            }
        }

        private void pump(InputStream from, OutputStream to) {
            Thread pump = new Thread(
                    () -> {
                        byte[] buffer = new byte[8192];
                        try {
                            for (int n; (n = from.read(buffer)) != -1; ) {
                                to.write(buffer, 0, n);
                                to.flush();
                            }
                        } catch (IOException closed) {
                            // dropped
                        }
                        closeAll();
                    },
                    "review146-pump");
            pump.setDaemon(true);
            pump.start();
        }

        private void closeAll() {
            // a pump that ends closes nothing else: drop() closes what it means to
        }

        /** Resets every connection made so far; new ones wait until {@link #open}. */
        void drop() throws IOException {
            gate = new CountDownLatch(1);
            for (Socket socket : sockets) {
                socket.setSoLinger(true, 0);
                socket.close();
            }
            sockets.clear();
        }

        void open() {
            gate.countDown();
        }

        @Override
        public void close() throws IOException {
            open();
            server.close();
            drop();
            open();
        }
    }
}
