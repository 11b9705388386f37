package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
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
                        "abuse-guard.store.type", "redis",
                        "abuse-guard.store.redis.timeout", "200ms",
                        "abuse-guard.store.redis.connect-timeout", "10s",
                        "abuse-guard.store.redis.key-prefix", prefix)),
                clock,
                "redis://127.0.0.1:" + proxy.port());
    }
}
