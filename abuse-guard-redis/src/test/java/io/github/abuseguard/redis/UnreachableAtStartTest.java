package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code abuse-guard.store.type=redis} started while Redis is unreachable, as built from settings: the
 * first burst is held to a failure rule's bound by the fallback, and when Redis comes up the failures and
 * in-flight slots of the outage still count.
 */
class UnreachableAtStartTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private Process redis;

    @AfterEach
    void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void racingAttemptsAgainstAnUnreachableRedisReachTheApplicationAtMostMaxRetryTimes() throws Exception {
        try (ResilientStateStore store = store(freePort())) {
            AbuseGuard engine = engine(store, clock);
            assertThat(race(engine, 15)).hasSize(10);
        }
    }

    @Test
    void failuresAndSlotsOfTheOutageStillCountWhenRedisComesUp() throws Exception {
        RedisAvailability.requireRedis(); // the redis-server binary comes with the service
        int port = freePort();
        try (ResilientStateStore store = store(port)) {
            AbuseGuard engine = engine(store, clock);
            List<GuardRequest> admitted = race(engine, 15);
            assertThat(admitted).hasSize(10);
            for (GuardRequest failed : admitted.subList(0, 4)) {
                engine.complete(failed, 401); // four failures counted in the fallback, six still in flight
            }
            assertThat(store.isAvailable()).isFalse();

            redis = OutageTest.startServer(port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!store.isAvailable()) {
                assertThat(System.nanoTime()).as("the circuit closes").isLessThan(deadline);
                clock.advance(Duration.ofSeconds(6)); // past the retry interval: trial calls try Redis
                for (int i = 0; i < 3; i++) {
                    GuardRequest other = login("192.0.2." + (i + 1));
                    engine.evaluate(other);
                    engine.complete(other, 200);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }

            assertThat(race(engine, 15))
                    .as("four failures and six requests in flight fill the bound of ten on Redis too")
                    .isEmpty();
            for (GuardRequest failed : admitted.subList(4, 10)) {
                engine.complete(failed, 401);
            }
            assertThat(engine.evaluate(login("198.51.100.1")).decision().reason())
                    .as("the ten failures ban the address")
                    .isEqualTo("too-many-failures");
        }
    }

    private ResilientStateStore store(int port) {
        AbuseGuardSettings settings = AbuseGuardSettings.bind(Map.of(
                "abuse-guard.store.type", "redis",
                "abuse-guard.store.redis.connect-timeout", "10s"));
        return RedisStateStoreProvider.create(settings, clock, "redis://127.0.0.1:" + port);
    }

    /** An engine with one failure rule on {@code POST /api/login}: 401 counts, max-retry 10. */
    static AbuseGuard engine(StateStore store, FakeTimeSource clock) {
        return AbuseGuard.builder()
                .guard(FailureGuard.builder()
                        .store(store)
                        .timeSource(clock)
                        .rule(FailureRule.builder("login")
                                .path("/api/login")
                                .statuses("401")
                                .maxRetry(10)
                                .build())
                        .build())
                .timeSource(clock)
                .build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** Fifteen logins of one address at once; the ones the guard lets through. */
    private static List<GuardRequest> race(AbuseGuard engine, int threads) throws InterruptedException {
        return new ArrayList<>(
                SharedFailureRaceTest.race(new AbuseGuard[] {engine}, threads, i -> login("198.51.100.1")));
    }

    static GuardRequest login(String address) {
        return GuardRequest.builder("POST", "/api/login").client(address).build();
    }
}
