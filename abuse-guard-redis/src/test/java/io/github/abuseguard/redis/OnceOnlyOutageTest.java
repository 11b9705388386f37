package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.StoreTimeoutException;
import io.github.abuseguard.store.TrailBlock;
import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * probe28 F2 on the real Redis: two instances share a once-only step ({@code redeem forbids redeem within 24h}).
 * Instance A's Redis commands time out (its host starved by an attacker's burst; here a proxy that holds every
 * byte), and its store, under the default {@code local-fallback}, answered the reservation from its fallback,
 * where the session has no trail: the step was granted a second time. A reservation the shared store did not
 * confirm must not grant the step; and the reservation Redis runs when it catches up must not leave the refused
 * client's step taken, nor take away another request's.
 */
class OnceOnlyOutageTest {
    private static final String REDEEM = "POST /api/gift-cards/{code}/redeem";
    private static final Duration TRAIL_TTL = Duration.ofDays(1);
    /**
     * A's command timeout. The stall is what makes A's commands time out, whatever this is; the commands that must be
     * answered (the warm-up, the sync after the stall, the requests after it) must be on a loaded machine too: at
     * 200 ms the sync after a resume timed out 1 run in 10 on 2 busy cores.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void aStepRedeemedOnOneInstanceIsNotRedeemedAgainOnAnotherWhoseRedisTimesOut() throws Exception {
        try (Instances two = instances()) {
            assertThat(two.b.evaluate(redeem("bot")).isDenied())
                    .as("the first redemption, on B")
                    .isFalse();
            two.b.complete(redeem("bot"), 200);

            two.proxy.stall();
            Decision again = two.a.evaluate(redeem("bot")).decision();
            assertThat(again.isDeny())
                    .as("the same session on A, whose Redis does not answer")
                    .isTrue();
            assertThat(again.status()).isEqualTo(503);
            assertThat(again.reason()).isEqualTo("store-unavailable");
            assertThat(again.retryAfter()).as("a temporary answer").isNotNull();

            two.proxy.resume();
            sync(two.storeA);
            assertThat(two.a.evaluate(redeem("bot")).decision().reason())
                    .as("Redis answers again: forbidden, as on B")
                    .isEqualTo("forbidden-sequence");
        }
    }

    @Test
    void aReservationThatTimedOutLeavesTheRefusedClientsStepFree() throws Exception {
        try (Instances two = instances()) {

            two.proxy.stall();
            assertThat(two.a.evaluate(redeem("alice")).decision().status())
                    .as("refused on A: its reservation timed out")
                    .isEqualTo(503);
            two.proxy.resume(); // Redis now runs the reservation A sent, then what A sent after it
            sync(two.storeA);

            assertThat(two.b.evaluate(redeem("alice")).isDenied())
                    .as("alice never redeemed: her step is free on B")
                    .isFalse();
        }
    }

    @Test
    void withdrawingATimedOutReservationKeepsAnotherRequestsReservation() throws Exception {
        try (Instances two = instances()) {
            assertThat(two.b.evaluate(redeem("carol")).isDenied())
                    .as("carol's redemption on B, still running")
                    .isFalse();
            clock.advance(Duration.ofMillis(5));

            two.proxy.stall();
            assertThat(two.a.evaluate(redeem("carol")).decision().status())
                    .as("a parallel one on A times out")
                    .isEqualTo(503);
            two.proxy.resume(); // Redis refuses A's reservation (B's holds the step), then runs A's withdrawal
            sync(two.storeA);

            assertThat(two.b.evaluate(redeem("carol")).decision().reason())
                    .as("B's redemption still holds the step")
                    .isEqualTo("forbidden-sequence");
        }
    }

    /**
     * review16 F4 (a): two reservations of one session for one operation in the same millisecond, on two instances,
     * were one entry, {@code operation|0|millis}: A's withdrawal of its own refused reservation removed B's, and the
     * step could be granted again while B's redemption ran.
     */
    @Test
    void withdrawingATimedOutReservationOfTheSameMillisecondKeepsAnotherRequestsReservation() throws Exception {
        try (Instances two = instances()) {
            assertThat(two.b.evaluate(redeem("erin")).isDenied())
                    .as("erin's redemption on B, still running")
                    .isFalse();
            // no time passes: A's reservation is of the same millisecond as B's

            two.proxy.stall();
            assertThat(two.a.evaluate(redeem("erin")).decision().status())
                    .as("a parallel one on A times out")
                    .isEqualTo(503);
            two.proxy.resume(); // Redis refuses A's reservation (B's holds the step), then runs A's withdrawal
            sync(two.storeA);

            assertThat(two.b.evaluate(redeem("erin")).decision().reason())
                    .as("B's redemption still holds the step: a third one is not granted")
                    .isEqualTo("forbidden-sequence");
        }
    }

    /**
     * review16 F4 (b): a reservation that timed out is withdrawn by a command sent after it; when the store replaced
     * the stalled connection in between (two commands in a row timed out, another request's among them), the
     * withdrawal goes on the new connection and Redis runs it first, and the stalled reservation after it, when
     * the old connection delivers it. The refused client's step must not be taken then for the rule's window.
     */
    @Test
    void aReservationRunAfterItsWithdrawalOnAReplacedConnectionLeavesTheStepFree() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                RedisStateStore storeA = RedisStateStore.builder()
                        .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                        .uri("redis://127.0.0.1:" + proxy.port())
                        .keyPrefix(prefix)
                        .commandTimeout(TIMEOUT)
                        .timeSource(clock)
                        .build();
                RedisStateStore storeB = RedisAvailability.store(RedisAvailability.URI, prefix, clock)) {
            Trails a = storeA.trails("sequence", 20, TRAIL_TTL);
            Trails b = storeB.trails("sequence", 20, TRAIL_TTL);
            List<TrailBlock> once = List.of(new TrailBlock(REDEEM, 2, 0));
            // connected, and the reservation's script known to Redis, before the stall
            assertThat(a.appendUnless("warm-up", a.reservation(REDEEM, clock.epochMillis()), once))
                    .isEqualTo(-1);

            proxy.hold();
            String reservation = a.reservation(REDEEM, clock.epochMillis());
            assertThatThrownBy(() -> a.appendUnless("frank", reservation, once))
                    .as("frank's reservation on A times out")
                    .isInstanceOf(StoreTimeoutException.class);
            // A second command that times out makes the store replace the connection; the new one is in use once
            // a command is answered.
            boolean replaced = false;
            for (int attempt = 0; attempt < 50 && !replaced; attempt++) {
                try {
                    a.get("someone-else");
                    replaced = true;
                } catch (StoreTimeoutException onTheStalledConnection) {
                    // not replaced yet
                }
            }
            assertThat(replaced).as("the store replaced its stalled connection").isTrue();
            a.withdraw("frank", reservation); // on the new connection: Redis runs it now

            proxy.resume(); // the old connection delivers the reservation
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); // bounds a test that never gets there
            while (proxy.releasedAnswers() == 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertThat(proxy.releasedAnswers())
                    .as("Redis ran the stalled reservation")
                    .isPositive();

            assertThat(b.appendUnless("frank", b.reservation(REDEEM, clock.epochMillis()), once))
                    .as("frank, refused on A, never redeemed: his step is free on B")
                    .isEqualTo(-1);
            assertThat(b.get("frank")).hasSize(1);
        }
    }

    /**
     * A forbids rule whose operation reserves nothing ({@code cancel forbids redeem}) reads the trail before the
     * request: read from the fallback, where the session has none, it let the cancellation of a redeemed card
     * through.
     */
    @Test
    void aStepForbiddenAfterARedemptionIsNotGrantedOnAnInstanceWhoseRedisTimesOut() throws Exception {
        try (Instances two = instances()) {
            assertThat(two.b.evaluate(redeem("dave")).isDenied())
                    .as("redeemed on B")
                    .isFalse();
            two.b.complete(redeem("dave"), 200);

            two.proxy.stall();
            Decision cancel = two.a.evaluate(cancel("dave")).decision();
            assertThat(cancel.isDeny())
                    .as("cancelled on A, whose Redis does not answer")
                    .isTrue();
            assertThat(cancel.status()).isEqualTo(503);

            two.proxy.resume();
            sync(two.storeA);
            assertThat(two.a.evaluate(cancel("dave")).decision().reason())
                    .as("Redis answers again: forbidden")
                    .isEqualTo("forbidden-sequence");
        }
    }

    /**
     * Two instances on one Redis under a fresh key prefix: A through a proxy that can stall (the resilient store,
     * default outage policy), B directly; both connected before any stall.
     */
    private Instances instances() throws java.io.IOException {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
        ResilientStateStore storeA = behind(proxy, prefix);
        RedisStateStore storeB = RedisAvailability.store(RedisAvailability.URI, prefix, clock);
        warm(storeA);
        return new Instances(proxy, storeA, storeB, engine(storeA), engine(storeB));
    }

    private record Instances(
            StallingProxy proxy, ResilientStateStore storeA, RedisStateStore storeB, AbuseGuard a, AbuseGuard b)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try (StallingProxy p = proxy;
                    ResilientStateStore s = storeA;
                    RedisStateStore r = storeB) {
                // closed in the reverse order of opening, as the tests' try-with-resources did
            }
        }
    }

    /** Connected before the stall: while a store connects, its callers fail at once. */
    private static void warm(StateStore store) {
        store.trails("sequence", 20, TRAIL_TTL).get("warm-up");
    }

    /**
     * Waits until Redis has run what A sent during the stall: a command on A's connection is answered after the
     * commands sent before it.
     */
    private static void sync(ResilientStateStore storeA) {
        storeA.remote().trails("sequence", 20, TRAIL_TTL).get("sync");
    }

    private static GuardRequest redeem(String token) {
        return GuardRequest.builder("POST", "/api/gift-cards/X1/redeem")
                .route("/api/gift-cards/{code}/redeem")
                .header("Authorization", "Bearer " + token)
                .build();
    }

    private static GuardRequest cancel(String token) {
        return GuardRequest.builder("POST", "/api/gift-cards/X1/cancel")
                .route("/api/gift-cards/{code}/cancel")
                .header("Authorization", "Bearer " + token)
                .build();
    }

    private AbuseGuard engine(StateStore store) {
        return AbuseGuard.builder()
                .guard(SequenceGuard.builder()
                        .trails(store.trails("sequence", 20, TRAIL_TTL))
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
                        .rule(new PrecedenceRule(
                                "no-cancel-after-redeem",
                                PrecedenceRule.Kind.FORBIDS,
                                "POST /api/gift-cards/{code}/cancel",
                                REDEEM,
                                2,
                                Duration.ofDays(1),
                                Duration.ZERO,
                                "test"))
                        .build())
                .timeSource(clock)
                .build();
    }

    /** Instance A: the resilient store (default outage policy, local fallback) on Redis through {@code proxy}. */
    private ResilientStateStore behind(StallingProxy proxy, String prefix) {
        return RedisStateStoreProvider.create(
                AbuseGuardSettings.bind(Map.of(
                        "abuse-guard.store.type",
                        "redis",
                        "abuse-guard.store.redis.timeout",
                        TIMEOUT.toMillis() + "ms",
                        "abuse-guard.store.redis.connect-timeout",
                        "10s",
                        "abuse-guard.store.redis.key-prefix",
                        prefix)),
                clock,
                "redis://127.0.0.1:" + proxy.port());
    }
}
