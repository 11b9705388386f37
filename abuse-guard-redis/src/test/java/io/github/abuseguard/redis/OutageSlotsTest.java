package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Probe finding probe9 F2 on the real Redis: a client's requests are in flight on one instance when Redis stalls
 * long enough for its circuit to open. Slots that instance took on Redis and gave back while the circuit was open,
 * and a slot Redis granted to a reservation that timed out (Redis ran it when it caught up), must not stay held
 * on Redis until the key lapses two find-times later: once Redis answers again it holds the slots really in
 * flight, and a give-back that timed out (Redis ran it too) is not given back twice.
 */
class OutageSlotsTest {
    private static final Duration WINDOW = Duration.ofMinutes(20); // two find-times of ten minutes

    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void afterAStallRedisHoldsTheSlotsInFlightNotThoseGivenBackDuringIt() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore storeA = behind(
                        proxy,
                        prefix,
                        Map.of(
                                "abuse-guard.store.redis.connect-timeout", "10s",
                                "abuse-guard.store.redis.minimum-calls", "5",
                                "abuse-guard.store.redis.window-size", "20",
                                "abuse-guard.store.redis.half-open-calls", "1"));
                RedisStateStore storeB = RedisAvailability.store(RedisAvailability.URI, prefix, clock)) {
            Counters a = storeA.counters("failure:lookups", WINDOW);
            Counters b = storeB.counters("failure:lookups", WINDOW);
            for (int i = 0; i < 4; i++) {
                assertThat(reserve(a)).as("slot %d on A", i).isTrue();
            }
            assertThat(reserve(b)).as("a slot on B").isTrue();
            assertThat(b.get("k@p1")).as("five in flight on Redis").isEqualTo(5);

            proxy.stall();
            a.release("k@p1"); // times out; Redis runs it when it catches up
            assertThat(reserve(a))
                    .as("times out on Redis, which grants it when it catches up; taken on A's fallback")
                    .isTrue();
            for (int i = 0; i < 20 && storeA.isAvailable(); i++) {
                a.get("other-" + i); // each times out
            }
            assertThat(storeA.isAvailable()).as("the circuit opened").isFalse();
            a.release("k@p1"); // the slot of the fallback (and the one Redis will grant it)
            a.release("k@p1"); // two slots taken on Redis, given back with the circuit open
            a.release("k@p1");

            proxy.resume();
            clock.advance(Duration.ofSeconds(6)); // past the retry interval: the next call is a trial
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; !storeA.isAvailable(); i++) {
                assertThat(System.nanoTime()).as("the circuit closes").isLessThan(deadline);
                a.get("trial-" + i);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }

            assertThat(b.get("k@p1"))
                    .as("in flight: one of A's four, and B's; not the three A gave back during the stall")
                    .isEqualTo(2);
            for (int i = 0; i < 8; i++) {
                assertThat(reserve(b)).as("slot %d of the eight left on B", i).isTrue();
            }
            assertThat(reserve(b)).as("ten in flight: the bound").isFalse();
        }
    }

    /** A reservation of key {@code k} under a bound of ten, nothing counted. */
    /**
     * review8 F1: a reservation Redis never saw (refused at once while the connection is down) took no slot
     * there, so none may be given back there when the fallback's slot ends: that frees another instance's.
     */
    @Test
    void aReservationRefusedBeforeItWasSentGivesBackNothingOnRedis() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore storeA = behind(
                        proxy,
                        prefix,
                        Map.of(
                                "abuse-guard.store.redis.connect-timeout", "2s",
                                "abuse-guard.store.redis.minimum-calls", "20"));
                RedisStateStore storeB = RedisAvailability.store(RedisAvailability.URI, prefix, clock)) {
            Counters a = storeA.counters("failure:lookups", WINDOW);
            Counters b = storeB.counters("failure:lookups", WINDOW);
            Counters aRemote = storeA.remote().counters("failure:lookups", WINDOW);
            assertThat(aRemote.get("warm")).isZero(); // A is connected
            for (int i = 0; i < 10; i++) {
                assertThat(reserve(b)).as("slot %d on B", i).isTrue();
            }
            proxy.cut();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // the client sees the connection drop
            assertThat(reserve(a))
                    .as("refused by the client, never sent; A's fallback grants it")
                    .isTrue();
            proxy.restore();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try {
                    aRemote.get("warm");
                    break;
                } catch (RuntimeException reconnecting) {
                    assertThat(System.nanoTime()).as("A reconnects").isLessThan(deadline);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
            a.release("k@p1"); // A's request ends

            assertThat(b.get("k@p1")).as("B's ten requests are still in flight").isEqualTo(10);
            assertThat(reserve(b)).as("an 11th on B: past the bound of 10").isFalse();
        }
    }

    /** Instance A: the resilient store on Redis through {@code proxy}, a 200 ms command timeout and {@code breaker}. */
    private ResilientStateStore behind(StallingProxy proxy, String prefix, Map<String, String> breaker) {
        Map<String, String> properties = new HashMap<>(breaker);
        properties.put("abuse-guard.store.type", "redis");
        properties.put("abuse-guard.store.redis.timeout", "200ms");
        properties.put("abuse-guard.store.redis.key-prefix", prefix);
        return RedisStateStoreProvider.create(
                AbuseGuardSettings.bind(properties), clock, "redis://127.0.0.1:" + proxy.port());
    }

    private static boolean reserve(Counters counters) {
        return counters.reserve("k@p1", "k@p0", "k@1", "k@0", 0, 1, 10);
    }
}
