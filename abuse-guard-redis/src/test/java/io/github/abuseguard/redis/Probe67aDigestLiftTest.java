package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * probe67a: a pair ban ({@code ip+body:/username}, listed on Redis only by its digest) lifted by that digest through the
 * control endpoint. README (Live control): {@code unban} lifts a failure rule's ban "with its counted failures and its
 * escalation"; and "a refusal says the time the ban has left".
 */
class Probe67aDigestLiftTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    /** F1: the lift by digest leaves the escalation: the key's next ban is ban-time × ban-factor, as a second ban. */
    @Test
    void aLiftByTheListedDigestForgetsTheEscalation() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "p67a:test:" + UUID.randomUUID() + ":";
        try (RedisStateStore store = RedisAvailability.store(uri, prefix, clock)) {
            FailureGuard guard = guard(store);
            AbuseGuard engine =
                    AbuseGuard.builder().guard(guard).timeSource(clock).build();
            for (int i = 0; i < 3; i++) {
                fail(engine, "198.51.100.40", "alice");
            }
            BannedKey first = guard.bans(10).get("pair").get(0);
            assertThat(first.remaining())
                    .isGreaterThan(Duration.ofMinutes(14))
                    .isLessThanOrEqualTo(Duration.ofMinutes(15));
            assertThat(guard.lift(first.key(), null)).containsExactly("pair");

            for (int i = 0; i < 3; i++) {
                fail(engine, "198.51.100.40", "alice");
            }
            BannedKey second = guard.bans(10).get("pair").get(0);
            assertThat(second.remaining())
                    .as("the ban after a lift is a first ban again (README: unban lifts its escalation)")
                    .isLessThanOrEqualTo(Duration.ofMinutes(15));
        }
    }

    /**
     * F2: the other instance remembered the lifted ban's end and answers the key's next ban with it: Retry-After
     * says the old ban's time left, not the new ban's.
     */
    @Test
    void afterALiftTheOtherInstanceTellsTheNewBansTimeLeft() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "p67a:test:" + UUID.randomUUID() + ":";
        try (RedisStateStore storeA = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore storeB = RedisAvailability.store(uri, prefix, clock)) {
            storeB.listenForLifts((namespace, address, listed) -> {}); // as a ResilientStateStore over it does
            eventually(storeB::listensForLifts);
            FailureGuard guardA = guard(storeA);
            FailureGuard guardB = guard(storeB);
            AbuseGuard a = AbuseGuard.builder().guard(guardA).timeSource(clock).build();
            AbuseGuard b = AbuseGuard.builder().guard(guardB).timeSource(clock).build();
            for (int i = 0; i < 3; i++) {
                fail(a, "198.51.100.41", "bob");
            }
            assertThat(refusal(b, "198.51.100.41", "bob"))
                    .as("B refuses and remembers the end")
                    .isNotNull();
            clock.advance(Duration.ofMinutes(10));
            String listed = guardA.bans(10).get("pair").get(0).key();
            assertThat(guardA.lift(listed, null)).containsExactly("pair");
            eventually(() -> storeB.liftsHeard() == 1); // B heard the lift
            for (int i = 0; i < 3; i++) {
                fail(a, "198.51.100.41", "bob");
            }
            Duration left = guardA.bans(10).get("pair").get(0).remaining();
            Duration told = refusal(b, "198.51.100.41", "bob");
            assertThat(told).isNotNull();
            assertThat(told).as("B's Retry-After (ban left %s)", left).isGreaterThan(left.minusMinutes(1));
        }
    }

    /** Waits (at most 30 s) for what the store's subscription thread does. */
    private static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within 30 s").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private FailureGuard guard(RedisStateStore store) {
        return FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("pair")
                        .path("/api/login")
                        .key("ip+body:/username")
                        .maxRetry(3)
                        .findTime(Duration.ofMinutes(10))
                        .banTime(Duration.ofMinutes(15))
                        .build())
                .build();
    }

    private static GuardRequest login(String address, String username) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .body("application/json", "{\"username\":\"" + username + "\"}")
                .build();
    }

    private static void fail(AbuseGuard engine, String address, String username) {
        GuardRequest request = login(address, username);
        Evaluation evaluation = engine.evaluate(request);
        assertThat(evaluation.decision().isDeny()).isFalse();
        engine.complete(request, evaluation, 401);
    }

    private static Duration refusal(AbuseGuard engine, String address, String username) {
        GuardRequest request = login(address, username);
        Evaluation evaluation = engine.evaluate(request);
        if (evaluation.decision().isDeny()) {
            return evaluation.decision().retryAfter();
        }
        engine.complete(request, evaluation, 200);
        return null;
    }
}
