package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.Bans;
import io.github.abuseguard.testing.FakeTimeSource;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * review114 on f168ed19: liftsSeen is counted per namespace (liftEverywhere and heard messages) and once more at each
 * (re)subscription. Neither Review113LiftsSeenCostTest (a plain lift, no longer counted) nor Probe67aDigestLiftTest
 * (a heard lift of the namespace itself) shows the two other halves; these do.
 */
class Review114LiftsSeenTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void anotherNamespacesLiftEverywhereHereOrHeardChangesNoRememberedEnd() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "r114:test:" + UUID.randomUUID() + ":";
        try (RedisStateStore storeA = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore storeB = RedisAvailability.store(uri, prefix, clock)) {
            storeB.listenForLifts((namespace, address, listed) -> {});
            eventually(storeB::listensForLifts);
            Bans watchedB = storeB.bans("failure:login:bans");
            Bans otherB = storeB.bans("site-modes");
            Bans watchedA = storeA.bans("failure:login:bans");
            long before = watchedB.liftsSeen();
            long otherBefore = otherB.liftsSeen();
            storeA.bans("site-modes").liftEverywhere("198.51.100.7");
            eventually(() -> storeB.liftsHeard() == 1);
            assertThat(otherB.liftsSeen()).as("heard in its namespace").isEqualTo(otherBefore + 1);
            assertThat(watchedB.liftsSeen()).as("heard in another namespace").isEqualTo(before);
            long watchedABefore = watchedA.liftsSeen();
            storeA.bans("site-modes").liftEverywhere("198.51.100.8");
            assertThat(watchedA.liftsSeen())
                    .as("made here in another namespace")
                    .isEqualTo(watchedABefore);
            storeA.bans("failure:login:bans").lift("198.51.100.9");
            assertThat(watchedA.liftsSeen()).as("a plain lift").isEqualTo(watchedABefore);
        }
    }

    /** review113 F3: a re-subscription after the lifts connection was lost counts as a lift in every namespace. */
    @Test
    void aReSubscriptionCountsAsALift() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "r114:test:" + UUID.randomUUID() + ":";
        try (RedisStateStore storeB = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore storeA = RedisAvailability.store(uri, prefix, clock)) {
            Bans watchedB = storeB.bans("failure:login:bans");
            storeB.listenForLifts((namespace, address, listed) -> {});
            eventually(storeB::listensForLifts);
            storeA.bans("site-modes").liftEverywhere("198.51.100.7");
            eventually(() -> storeB.liftsHeard() == 1); // subscribed: its first confirmation is past
            long before = watchedB.liftsSeen();
            var field = RedisStateStore.class.getDeclaredField("lifts");
            field.setAccessible(true);
            @SuppressWarnings("unchecked")
            var lifts = (io.lettuce.core.pubsub.StatefulRedisPubSubConnection<byte[], byte[]>) field.get(storeB);
            long id = lifts.sync().clientId(); // RESP3: commands on a subscribed connection
            try (var client = io.lettuce.core.RedisClient.create(uri);
                    var killer = client.connect()) {
                killer.sync().clientKill(io.lettuce.core.KillArgs.Builder.id(id));
            }
            eventually(() -> watchedB.liftsSeen() > before);
        }
    }

    private static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within 30 s").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
