package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two instances sharing one Redis: failures racing in before they are counted cannot outnumber max-retry. */
class SharedFailureRaceTest {

    @Test
    void racingAttemptsFromOneAddressAcrossTwoInstancesReachTheApplicationAtMostMaxRetryTimes() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard[] instances = {
                engine(
                        first,
                        clock,
                        FailureRule.builder("login").path("/api/login").maxRetry(10)),
                engine(
                        second,
                        clock,
                        FailureRule.builder("login").path("/api/login").maxRetry(10))
            };
            List<GuardRequest> admitted = race(instances, 64, i -> login("198.51.100.1", "user" + i));
            assertThat(admitted).as("at most max-retry in flight at once").hasSize(10);
            for (GuardRequest request : admitted) {
                instances[0].complete(request, 401);
            }
            assertThat(instances[1]
                            .evaluate(login("198.51.100.1", "x"))
                            .decision()
                            .reason())
                    .as("banned once the ten failures are counted")
                    .isEqualTo("too-many-failures");
        }
    }

    @Test
    void oneUserNameTriedFromManyAddressesAtOnceIsAdmittedAtMostMaxRetryTimes() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard[] instances = {engine(first, clock, perUserName()), engine(second, clock, perUserName())};
            List<GuardRequest> admitted = race(instances, 60, i -> login("203.0.113." + (i + 1), "alice"));
            assertThat(admitted).hasSize(5);
            for (GuardRequest request : admitted) {
                instances[1].complete(request, 200);
            }
            assertThat(race(instances, 60, i -> login("203.0.114." + (i + 1), "alice")))
                    .as("successes give their slots back")
                    .hasSize(5);
        }
    }

    private static FailureRule.Builder perUserName() {
        return FailureRule.builder("user")
                .path("/api/login")
                .key("body:/username")
                .distinct("ip")
                .maxRetry(5);
    }

    /** Each request of {@code threads} at once, spread over the instances; the ones none refused. */
    static List<GuardRequest> race(
            AbuseGuard[] instances, int threads, java.util.function.IntFunction<GuardRequest> request)
            throws InterruptedException {
        ConcurrentLinkedQueue<GuardRequest> admitted = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                AbuseGuard engine = instances[t % instances.length];
                GuardRequest one = request.apply(t);
                pool.submit(() -> {
                    start.await();
                    if (!engine.evaluate(one).decision().isDeny()) {
                        admitted.add(one);
                    }
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        return List.copyOf(admitted);
    }

    private static GuardRequest login(String address, String username) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
    }

    private static AbuseGuard engine(RedisStateStore store, FakeTimeSource clock, FailureRule.Builder rule) {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(FailureGuard.builder()
                        .store(store)
                        .timeSource(clock)
                        .rule(rule.build())
                        .build())
                .timeSource(clock)
                .build();
        // connected before the race: while a store connects, its other callers fail at once
        store.counters("warm-up", Duration.ofMinutes(1)).get("x");
        return engine;
    }
}
