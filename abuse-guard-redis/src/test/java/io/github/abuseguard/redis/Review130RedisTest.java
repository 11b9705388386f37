package io.github.abuseguard.redis;

import static io.github.abuseguard.sequence.BonusFlow.TRAIL_LENGTH;
import static io.github.abuseguard.sequence.BonusFlow.bonus;
import static io.github.abuseguard.sequence.BonusFlow.card;
import static io.github.abuseguard.sequence.BonusFlow.verify;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.sequence.BonusFlow;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review130: owed settlements and the Redis trail scripts' in-flight cut-off. */
class Review130RedisTest {
    private static final String USER = "mallory";

    private final String prefix = "review130:" + UUID.randomUUID() + ":";

    @AfterEach
    void removeKeys() {
        RedisClient client = RedisClient.create(RedisAvailability.URI);
        try (var connection = client.connect()) {
            List<String> keys = connection.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    /**
     * F2: probe73a F2 under {@code outage-policy: fail-open} or {@code fail-closed}. README: "A step's answer that
     * Redis did not take (a dropped connection, an open circuit) is sent again once Redis answers this instance".
     * Only {@code local-fallback} keeps it ({@code owedSettlements} is filled only when the store remembers): under
     * the other two the settlement throws and is gone, and the bonus the application refused 409 reads as one still
     * running on Redis for the rule's whole day.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {"fail-closed"}) // not under fail-open, whose reservation may never have been made (review131 F3)
    void aFailedStepWhoseSettlementWasLostIsReplayedUnderEveryPolicy(String policy) throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        FakeTimeSource clock = new FakeTimeSource();
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore storeA = RedisStateStoreProvider.create(
                        AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.store.type", "redis",
                                "abuse-guard.store.redis.timeout", "200ms",
                                "abuse-guard.store.redis.connect-timeout", "10s",
                                "abuse-guard.store.redis.outage-policy", policy,
                                "abuse-guard.store.redis.key-prefix", prefix)),
                        clock,
                        "redis://127.0.0.1:" + proxy.port());
                RedisStateStore storeB = RedisAvailability.store(RedisAvailability.URI, prefix, clock)) {
            storeA.trails("sequence", TRAIL_LENGTH, Duration.ofDays(1)).get("warm-up");
            AbuseGuard a = engine(storeA, clock);
            AbuseGuard b = engine(storeB, clock);

            GuardRequest bonus = bonus(USER);
            assertThat(a.evaluate(bonus).isDenied()).as("reserved on Redis").isFalse();
            proxy.cut(); // A's connection drops while the application answers
            a.complete(bonus, 409); // the application refused the bonus: nothing was paid
            proxy.restore();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try {
                    storeA.remote().counters("warm", Duration.ofMinutes(1)).get("warm");
                    break;
                } catch (RuntimeException reconnecting) {
                    assertThat(System.nanoTime()).as("A reconnects").isLessThan(deadline);
                    java.util.concurrent.locks.LockSupport.parkNanos(
                            java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
            clock.advance(Duration.ofMinutes(5));
            // A serves its next requests: a call that reaches Redis replays what it did not take
            for (int i = 0; i < 3; i++) {
                GuardRequest card = card(USER);
                assertThat(a.evaluate(card).isDenied()).isFalse();
                a.complete(card, 400);
            }

            assertThat(b.evaluate(bonus(USER)).decision().reason())
                    .as("five minutes later on B (%s): the refused bonus still reads as one still running", policy)
                    .isNull();
        }
    }

    /**
     * F3: a settlement owed for a step the fallback reserved (a card: no rule forbids it, so during the outage the
     * fallback records it) is replayed on Redis, where that reservation never was: it settles (here removes) the
     * session's card that another instance has in flight then, and the verify that a card in flight forbids
     * ({@code no-replay}) passes while it runs.
     */
    @Test
    void aReplayedSettlementLeavesAnotherInstancesStepInFlightAlone() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        FakeTimeSource clock = new FakeTimeSource();
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore storeA = RedisStateStoreProvider.create(
                        AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.store.type", "redis",
                                "abuse-guard.store.redis.timeout", "200ms",
                                "abuse-guard.store.redis.connect-timeout", "10s",
                                "abuse-guard.store.redis.key-prefix", prefix)),
                        clock,
                        "redis://127.0.0.1:" + proxy.port());
                RedisStateStore storeB = RedisAvailability.store(RedisAvailability.URI, prefix, clock)) {
            storeA.trails("sequence", TRAIL_LENGTH, Duration.ofDays(1)).get("warm-up");
            AbuseGuard a = engine(storeA, clock);
            AbuseGuard b = engine(storeB, clock);

            proxy.cut();
            GuardRequest cardDuringTheOutage = card(USER);
            assertThat(a.evaluate(cardDuringTheOutage).isDenied())
                    .as("recorded by A's fallback")
                    .isFalse();
            a.complete(cardDuringTheOutage, 400); // refused by the application: owed to Redis
            proxy.restore();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try {
                    storeA.remote().counters("warm", Duration.ofMinutes(1)).get("warm");
                    break;
                } catch (RuntimeException reconnecting) {
                    assertThat(System.nanoTime()).as("A reconnects").isLessThan(deadline);
                    java.util.concurrent.locks.LockSupport.parkNanos(
                            java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
            clock.advance(Duration.ofSeconds(30));
            GuardRequest cardOnB = card(USER);
            assertThat(b.evaluate(cardOnB).isDenied()).isFalse(); // B's card check is slow: in flight
            assertThat(b.evaluate(verify(USER)).decision().reason())
                    .as("before A replays: the card in flight forbids a verify")
                    .isEqualTo("forbidden-sequence");
            for (int i = 0; i < 3; i++) { // A serves other users: its calls reach Redis, and it replays
                GuardRequest other = GuardRequest.builder("POST", "/api/accounts/9/payment-methods")
                        .route("/api/accounts/{id}/payment-methods")
                        .header("Authorization", "Bearer someone-else-" + i)
                        .build();
                assertThat(a.evaluate(other).isDenied()).isFalse();
                a.complete(other, 400);
            }

            GuardRequest verify = verify(USER);
            assertThat(b.evaluate(verify).decision().reason())
                    .as("a verify while the session's card runs on B (no-replay forbids it)")
                    .isEqualTo("forbidden-sequence");
        }
    }

    private static final String[] OPERATIONS = {"POST /redeem", "GET /", "POST /redeem#v"};
    private static final String[] STATUSES = {"0", "0", "200", "404"};

    /**
     * Review129TrailsAgreeTest draws every time below 3,000 ms, so the 10-minute in-flight cut-off
     * ({@link Trails#IN_FLIGHT_MILLIS}) never separates two entries there: the same random calls with times over
     * 40 minutes.
     */
    @Test
    void redisAndLocalTrailsAgreeAcrossTheInFlightCutOff() {
        String uri = RedisAvailability.requireRedis();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore redis = RedisAvailability.store(uri, prefix, clock)) {
            Review129TrailsAgreeTest.agree(redis, clock, 150, OPERATIONS, STATUSES, 2_400_000, false);
        }
    }

    private static AbuseGuard engine(io.github.abuseguard.store.StateStore store, FakeTimeSource clock) {
        return BonusFlow.engine(store, clock, false);
    }
}
