package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.ResilientStateStore;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connecting has its own bound: on a loaded machine a connection and its handshake take longer than a
 * command, and a connect bounded by the command timeout opened the circuit (limits per instance).
 */
class ConnectTimeoutTest {

    @Test
    void aConnectionIsGivenTheConnectTimeoutNotTheCommandTimeout() throws Exception {
        try (SilentServer silent = new SilentServer();
                RedisStateStore store = RedisStateStore.builder()
                        .uri("redis://127.0.0.1:" + silent.port())
                        .commandTimeout(Duration.ofMillis(100))
                        .connectTimeout(Duration.ofMillis(1500))
                        .build()) {
            Counters counters = store.counters("c", Duration.ofMinutes(1));
            // the first attempt also starts Lettuce's event loops, which takes seconds on a loaded machine
            assertThatThrownBy(() -> counters.add("k", 1)).isInstanceOf(RuntimeException.class);
            long started = System.nanoTime();
            assertThatThrownBy(() -> counters.add("k", 1)).isInstanceOf(RuntimeException.class);
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            // a lower bound only: a timeout never fires early, however loaded the machine is
            assertThat(waitedMillis)
                    .as("the handshake was given the connect timeout, not the 100 ms command timeout")
                    .isGreaterThanOrEqualTo(1400);
        }
    }

    @Test
    void requestsWaitingForAConnectThatFailsFailWithItInsteadOfEachWaitingItsOwnTimeout() throws Exception {
        try (SilentServer silent = new SilentServer();
                RedisStateStore store = RedisStateStore.builder()
                        .uri("redis://127.0.0.1:" + silent.port())
                        .commandTimeout(Duration.ofMillis(100))
                        .connectTimeout(Duration.ofMillis(500))
                        .build()) {
            var buckets = store.tokenBuckets(
                    "t",
                    io.github.abuseguard.store.BucketSpec.of(
                            io.github.abuseguard.store.BucketLimit.greedy(10, 10, Duration.ofMinutes(1))));
            // the first attempt also starts Lettuce's event loops, which takes seconds on a loaded machine
            assertThatThrownBy(() -> buckets.tryConsume("k", 1)).isInstanceOf(RuntimeException.class);
            int connectsBefore = silent.accepted();
            int waiters = 16;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(waiters);
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<?>> waited = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                waited.add(pool.submit(() -> {
                    start.await();
                    assertThatThrownBy(() -> buckets.tryConsume("k", 1)).isInstanceOf(RuntimeException.class);
                    return null;
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<?> each : waited) {
                each.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(silent.accepted() - connectsBefore)
                    .as("16 waiters behind a failing connect fail with it: one attempt, not 16 one after another")
                    .isLessThanOrEqualTo(2);
        }
    }

    @Test
    void theConnectTimeoutPropertyReachesTheConnectionAndABadOneNamesIt() throws Exception {
        assertThat(new AbuseGuardSettings().section(RedisSettings.class).connectTimeout())
                .isEqualTo(Duration.ofSeconds(1));
        AbuseGuardSettings settings =
                AbuseGuardSettings.bind(java.util.Map.of("abuse-guard.store.redis.connect-timeout", "700ms"));
        RedisURI uri = RedisURI.create("redis://127.0.0.1:1");
        ResilientStateStore store = RedisStateStoreProvider.create(settings, TimeSource.system(), null, uri);
        try {
            assertThat(uri.getTimeout()).isEqualTo(Duration.ofMillis(700));
        } finally {
            store.close();
        }

        AbuseGuardSettings zero =
                AbuseGuardSettings.bind(java.util.Map.of("abuse-guard.store.redis.connect-timeout", "0s"));
        assertThatThrownBy(() -> RedisStateStoreProvider.create(
                        zero, TimeSource.system(), null, RedisURI.create("redis://127.0.0.1:1")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("abuse-guard.store.redis.connect-timeout");
    }

    /**
     * The probe's cold start: the first burst after an instance started found no connection, every request
     * but the connecting one failed with "being established", and the circuit opened for five seconds, in
     * which a failure rule's in-flight bound started empty. The store connects while it is built.
     */
    @Test
    void aStoreBuiltFromSettingsIsConnectedBeforeItsFirstRequest() throws Exception {
        // The burst's commands must all succeed: bounded by generous timeouts, not the 200 ms and 1 s defaults, which a
        // loaded machine outlasts (64 threads on 2 shared cores: 14 of the 64 timed out before they were written).
        // A store built without connecting still fails the burst at once ("being established"), whatever the bounds.
        AbuseGuardSettings settings = AbuseGuardSettings.bind(java.util.Map.of(
                "abuse-guard.store.redis.key-prefix",
                "abuse-guard-test:cold-start:" + System.nanoTime() + ":",
                "abuse-guard.store.redis.timeout",
                "10s",
                "abuse-guard.store.redis.connect-timeout",
                "10s"));
        ResilientStateStore store = RedisStateStoreProvider.create(
                settings, TimeSource.system(), null, RedisURI.create(RedisAvailability.requireRedis()));
        int burst = 64;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(burst);
        try {
            Counters counters = store.counters("burst", Duration.ofMinutes(1));
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Long>> added = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                added.add(pool.submit(() -> {
                    start.await();
                    return counters.add("k", 1);
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<Long> each : added) {
                each.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(store.isAvailable())
                    .as("the first burst is answered by Redis: no circuit opened")
                    .isTrue();
            // Redis itself, not the store's merged count: on a loaded machine a command of the burst may time
            // out after Redis ran it, and the fallback then counts it once more (strict, by design)
            assertThat(store.remote().counters("burst", Duration.ofMinutes(1)).get("k"))
                    .as("every request of the burst counted in Redis")
                    .isEqualTo(burst);
        } finally {
            pool.shutdown();
            store.close();
        }
    }

    /** Accepts connections and never answers the handshake, as a server too busy to reply would. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private final List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();

        SilentServer() throws IOException {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(server.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        /** The connections accepted so far: one per connect attempt. */
        int accepted() {
            return held.size();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
