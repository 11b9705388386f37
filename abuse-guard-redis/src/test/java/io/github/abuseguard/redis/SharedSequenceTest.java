package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Two instances sharing one Redis: a session's racing requests pass an "at most once" rule once in all. */
class SharedSequenceTest {
    private static final String REDEEM = "POST /api/gift-cards/{code}/redeem";

    @Test
    void thirtyTwoRacingRequestsAcrossTwoInstancesPassAnAtMostOnceRuleExactlyOnce() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard[] instances = {engine(first, clock), engine(second, clock)};
            // Connected before the race: while a store connects, its other callers fail at once (and the
            // engine's failure policy, not the rule, answers them).
            first.trails("sequence", 20, Duration.ofMinutes(30)).get("warm-up");
            second.trails("sequence", 20, Duration.ofMinutes(30)).get("warm-up");
            AtomicInteger passed = new AtomicInteger();
            AtomicInteger forbidden = new AtomicInteger();
            int threads = 32;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int t = 0; t < threads; t++) {
                    AbuseGuard engine = instances[t % 2];
                    pool.submit(() -> {
                        start.await();
                        var decision = engine.evaluate(redeem("bot")).decision();
                        if (!decision.isDeny()) {
                            passed.incrementAndGet();
                        } else if ("forbidden-sequence".equals(decision.reason())) {
                            forbidden.incrementAndGet();
                        }
                        return null;
                    });
                }
                start.countDown();
            } finally {
                pool.shutdown();
                assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
            }
            assertThat(passed.get()).isEqualTo(1);
            assertThat(forbidden.get()).isEqualTo(threads - 1);

            instances[0].complete(redeem("bot"), 200);
            assertThat(instances[1].evaluate(redeem("bot")).decision().reason())
                    .as("settled as a success: still forbidden on the other instance")
                    .isEqualTo("forbidden-sequence");
        }
    }

    @Test
    void aFailedRedemptionSettlesAndMayBeRetriedOnAnotherInstance() {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard one = engine(first, clock);
            AbuseGuard other = engine(second, clock);
            assertThat(one.evaluate(redeem("alice")).isDenied()).isFalse();
            assertThat(other.evaluate(redeem("alice")).isDenied())
                    .as("pending on the other instance")
                    .isTrue();
            one.complete(redeem("alice"), 409);
            assertThat(other.evaluate(redeem("alice")).isDenied()).isFalse();
        }
    }

    private static GuardRequest redeem(String token) {
        return GuardRequest.builder("POST", "/api/gift-cards/X1/redeem")
                .route("/api/gift-cards/{code}/redeem")
                .header("Authorization", "Bearer " + token)
                .build();
    }

    private static AbuseGuard engine(RedisStateStore store, FakeTimeSource clock) {
        return AbuseGuard.builder()
                .guard(SequenceGuard.builder()
                        .trails(store.trails("sequence", 20, Duration.ofMinutes(30)))
                        .inventory(EndpointInventory.withDefaults(clock))
                        .timeSource(clock)
                        .rule(new PrecedenceRule(
                                "redeem-once",
                                PrecedenceRule.Kind.FORBIDS,
                                REDEEM,
                                REDEEM,
                                2,
                                Duration.ofDays(1),
                                Duration.ZERO,
                                "test"))
                        .build())
                .timeSource(clock)
                .build();
    }
}
