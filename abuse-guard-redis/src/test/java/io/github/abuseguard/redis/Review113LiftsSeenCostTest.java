package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * review113: FailureGuard#banned promises "a banned client's flood costs no more store steps than its checks": the
 * ban's end is read once and remembered. Since e2ffb9a1 the remembered end holds only while the store's liftsSeen is
 * unchanged, and liftsSeen counts every Bans#lift of the store, of any namespace, whether it lifted anything: the
 * Redemptions' lift of a site's redeemed mark on that site's first failure of a span (any client's) is one.
 */
class Review113LiftsSeenCostTest {
    private static final String BROWSER =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void anotherClientsFirstFailureDoesNotCostABannedClientsRefusalAStoreStep() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "r113:test:" + UUID.randomUUID() + ":";
        try (RedisStateStore store = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard engine =
                    AbuseGuard.builder().guard(guard(store)).timeSource(clock).build();
            for (int i = 0; i < 3; i++) {
                assertThat(signIn(engine, "198.51.100.40", "alice" + i, 401).isDeny())
                        .isFalse();
            }
            assertThat(signIn(engine, "198.51.100.40", "alice", 401).isDeny())
                    .as("banned")
                    .isTrue();
            int quiet;
            try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
                assertThat(signIn(engine, "198.51.100.40", "alice", 401).isDeny())
                        .isTrue();
                quiet = monitor.commandsSoFar().size();
            }
            int[] after = new int[5];
            for (int n = 0; n < after.length; n++) {
                // another client's first failure: Redemptions lifts its site's (absent) redeemed mark
                assertThat(signIn(engine, "203.0.113." + (10 + n), "user" + n, 401)
                                .isDeny())
                        .isFalse();
                try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
                    assertThat(signIn(engine, "198.51.100.40", "alice", 401).isDeny())
                            .isTrue();
                    after[n] = monitor.commandsSoFar().size();
                }
            }
            assertThat(after)
                    .as("commands of a banned client's refusal after another client's first failure; %d without", quiet)
                    .containsOnly(quiet);
        }
    }

    private FailureGuard guard(RedisStateStore store) {
        return FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .methods("POST")
                        .key("ip")
                        .distinct("body:/username")
                        .maxRetry(3)
                        .findTime(Duration.ofMinutes(10))
                        .banTime(Duration.ofMinutes(15))
                        .underAttack(new UnderAttack(
                                Duration.ofSeconds(10),
                                5.0,
                                1000,
                                0.2,
                                Duration.ofMinutes(2),
                                Action.REJECT,
                                EnumSet.allOf(UnderAttack.Signal.class),
                                null))
                        .build())
                .build();
    }

    private static io.github.abuseguard.Decision signIn(
            AbuseGuard engine, String address, String username, int status) {
        GuardRequest request = GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
        Evaluation evaluation = engine.evaluate(request);
        if (!evaluation.decision().isDeny()) {
            engine.complete(request, status);
        }
        return evaluation.decision();
    }
}
