package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Redis that stops answering for a moment, as on a loaded host: the commands that time out are answered by
 * the local fallback, which must not give a client at its bound on Redis a fresh budget.
 */
class SlowRedisTest {

    @Test
    void aLoginWhoseCommandsTimeOutFindsTheTenInFlightOnRedisStillCounted() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        FakeTimeSource clock = new FakeTimeSource();
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore store = RedisStateStoreProvider.create(
                        AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.store.type", "redis",
                                "abuse-guard.store.redis.timeout", "200ms",
                                "abuse-guard.store.redis.connect-timeout", "10s",
                                "abuse-guard.store.redis.key-prefix", "abuse-guard-test:" + UUID.randomUUID() + ":")),
                        clock,
                        "redis://127.0.0.1:" + proxy.port())) {
            AbuseGuard engine = UnreachableAtStartTest.engine(store, clock);
            for (int i = 0; i < 10; i++) {
                assertThat(decide(engine).isAllow()).as("login %d in flight", i).isTrue();
            }
            proxy.stall();
            Decision slow = decide(engine);
            assertThat(store.isAvailable()).as("a few timeouts open no circuit").isTrue();
            assertThat(slow.isDeny())
                    .as("the ten in flight on Redis still count when Redis does not answer")
                    .isTrue();
            assertThat(slow.reason()).isEqualTo("too-many-in-flight");
        }
    }

    private static Decision decide(AbuseGuard engine) {
        return engine.evaluate(UnreachableAtStartTest.login("198.51.100.1")).decision();
    }

    /** Forwards connections to Redis until {@link #stall()}; then holds every byte, as a server too busy to answer. */
    private static final class StallingProxy implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean stalled;

        StallingProxy(String host, int port) throws IOException {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket client = server.accept();
                        Socket upstream = new Socket(host, port);
                        sockets.add(client);
                        sockets.add(upstream);
                        pump(client, upstream);
                        pump(upstream, client);
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void pump(Socket from, Socket to) {
            Thread pump = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream();
                        OutputStream out = to.getOutputStream()) {
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        while (stalled) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                        }
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                } catch (IOException closed) {
                    // one side hung up
                }
            });
            pump.setDaemon(true);
            pump.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void stall() {
            stalled = true;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
