package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** probe83a: two instances on one Redis, one of which loses its connection (closed client, wrong port). */
class Probe83aOneInstanceDownTest {
    private static final String REDEEM = "POST /api/gift-cards/{code}/redeem";

    @Test
    void aOnceOnlyStepTakenOnOneInstanceIsNotTakenAgainThroughAnInstanceWhoseClientWasClosed() {
        String uri = RedisAvailability.requireRedis();
        String prefix = "probe83a:" + UUID.randomUUID() + ":";
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard healthy = engine(resilient(first, clock), clock);
            AbuseGuard failing = engine(resilient(second, clock), clock);
            second.trails("sequence", 20, Duration.ofMinutes(30)).get("warm-up");
            assertThat(healthy.evaluate(redeem("bot")).isDenied()).isFalse();
            healthy.complete(redeem("bot"), 200);
            second.close();
            for (int i = 0; i < 10; i++) {
                Decision again = failing.evaluate(redeem("bot")).decision();
                assertThat(again.isDeny())
                        .as("try %d through the instance whose client was closed: %s", i, again)
                        .isTrue();
            }
        }
    }

    @Test
    void aOnceOnlyStepTakenOnOneInstanceIsNotTakenAgainThroughAnInstanceOnAWrongPort() {
        String uri = RedisAvailability.requireRedis();
        String prefix = "probe83a:" + UUID.randomUUID() + ":";
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisStateStore.builder()
                        .connectTimeout(Duration.ofMillis(500))
                        .uri("redis://127.0.0.1:1")
                        .keyPrefix(prefix)
                        .commandTimeout(Duration.ofMillis(500))
                        .timeSource(clock)
                        .build()) {
            AbuseGuard healthy = engine(resilient(first, clock), clock);
            AbuseGuard failing = engine(resilient(second, clock), clock);
            assertThat(healthy.evaluate(redeem("bot")).isDenied()).isFalse();
            healthy.complete(redeem("bot"), 200);
            for (int i = 0; i < 10; i++) {
                Decision again = failing.evaluate(redeem("bot")).decision();
                assertThat(again.isDeny())
                        .as("try %d through the instance on a wrong port: %s", i, again)
                        .isTrue();
            }
            assertThat(healthy.evaluate(redeem("alice")).isDenied())
                    .as("an honest session's first redemption on the healthy instance")
                    .isFalse();
        }
    }

    private static StateStore resilient(RedisStateStore remote, FakeTimeSource clock) {
        return ResilientStateStore.builder(
                        remote, LocalStateStore.builder().timeSource(clock).build())
                .policy(OutagePolicy.LOCAL_FALLBACK)
                .timeSource(clock)
                .description("probe83a redis")
                .build();
    }

    private static GuardRequest redeem(String token) {
        return GuardRequest.builder("POST", "/api/gift-cards/X1/redeem")
                .route("/api/gift-cards/{code}/redeem")
                .header("Authorization", "Bearer " + token)
                .build();
    }

    private static AbuseGuard engine(StateStore store, FakeTimeSource clock) {
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
