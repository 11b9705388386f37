package io.github.abuseguard.redis;

import static io.github.abuseguard.sequence.BonusFlow.TRAIL_LENGTH;
import static io.github.abuseguard.sequence.BonusFlow.bonus;
import static io.github.abuseguard.sequence.BonusFlow.card;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.sequence.BonusFlow;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * probe73a: two instances sharing one Redis trail. A session's once-only step stays in its trail until
 * {@code trail-length} recorded steps push it out (a documented limit), but a reservation of an operation some
 * {@code forbids} rule looks back for is appended (and the trail trimmed to its length) before the application
 * runs, whatever the request's answer turns out to be. Twenty in-flight requests of such an operation, each answered
 * {@code 400} (never recorded: the rule counts 2xx), push the once-only step out of the trail, and the step passes
 * again, with no recorded step in between.
 */
class Probe73aSequencePaddingTest {
    private static final String USER = "mallory";

    private final String prefix = "probe73a:" + UUID.randomUUID() + ":";

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

    @Test
    void failedInFlightRequestsDoNotPushAOnceOnlyStepOutOfTheSharedTrail() {
        String uri = RedisAvailability.requireRedis();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard[] instances = {engine(first, clock), engine(second, clock)};

            GuardRequest bonus = bonus(USER);
            assertThat(instances[0].evaluate(bonus).isDenied()).isFalse();
            instances[0].complete(bonus, 200);
            assertThat(instances[1].evaluate(bonus(USER)).decision().reason())
                    .as("the welcome bonus is once a day, on either instance")
                    .isEqualTo("forbidden-sequence");

            // twenty card attempts in flight at once (a slow card check), spread over both instances; every one is
            // refused by the application (a made-up card number): no rule counts a 400, none is recorded
            List<GuardRequest> cards = new ArrayList<>();
            for (int i = 0; i < TRAIL_LENGTH; i++) {
                GuardRequest card = card(USER);
                assertThat(instances[i % 2].evaluate(card).isDenied()).isFalse();
                cards.add(card);
            }
            for (int i = 0; i < cards.size(); i++) {
                instances[i % 2].complete(cards.get(i), 400);
            }

            assertThat(instances[1].evaluate(bonus(USER)).decision().reason())
                    .as("twenty refused card attempts, none of them a recorded step, gave the bonus again")
                    .isEqualTo("forbidden-sequence");
        }
    }

    @Test
    void aOnceOnlyStepInFlightIsNotPushedOutByOtherReservations() {
        String uri = RedisAvailability.requireRedis();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard[] instances = {engine(first, clock), engine(second, clock)};

            GuardRequest bonus = bonus(USER);
            assertThat(instances[0].evaluate(bonus).isDenied()).isFalse(); // in flight: reserved
            for (int i = 0; i < TRAIL_LENGTH - 1; i++) {
                assertThat(instances[i % 2].evaluate(card(USER)).isDenied()).isFalse(); // in flight too
            }
            assertThat(instances[1].evaluate(card(USER)).decision().reason())
                    .as("a trail's length of steps in flight at once: the next waits, it pushes none out")
                    .isEqualTo("too-many-steps-in-flight");

            GuardRequest again = bonus(USER);
            boolean secondPassed = !instances[1].evaluate(again).isDenied();
            instances[0].complete(bonus, 200);
            if (secondPassed) {
                instances[1].complete(again, 200);
            }
            assertThat(secondPassed)
                    .as("a second bonus while the first is still running, on the other instance")
                    .isFalse();
        }
    }

    /**
     * probe73a F2 (stop 69): a settlement Redis never ran (the instance's connection dropped while the application answered) leaves the
     * reservation pending: a step still running, which forbids for the rule's whole window. The user whose bonus the
     * application refused ({@code 409}) is refused the step on every instance for a day, though it never happened.
     */
    @Test
    void aFailedStepWhoseSettlementWasLostDoesNotForbidForTheWholeWindow() throws Exception {
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
            // A serves its next request: a call that reaches Redis replays what it did not take
            GuardRequest card = card(USER);
            assertThat(a.evaluate(card).isDenied()).isFalse();
            a.complete(card, 400);

            assertThat(b.evaluate(bonus(USER)).decision().reason())
                    .as("five minutes later on B: the refused bonus still reads as one still running")
                    .isNull();
        }
    }

    private static AbuseGuard engine(io.github.abuseguard.store.StateStore store, FakeTimeSource clock) {
        return BonusFlow.engine(store, clock, false);
    }
}
