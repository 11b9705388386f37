package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client Redis refused is refused again from the instance's memory until its retry-after, without a round trip:
 * what that memory does while Redis is gone. probe75b F2: such a refusal counted as a call Redis answered, and a
 * throttled client's three requests closed the circuit while Redis was still gone. review133 F2: a refund taken on
 * the fallback during the outage left the refusal remembered, and the refunded client refused for the rest of it.
 */
class Probe75bRememberedRefusalTrialTest {
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

    private final FakeTimeSource clock = new FakeTimeSource();
    private final RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
    private final String prefix = "abuse-guard-test:remembered:" + UUID.randomUUID() + ":";

    @AfterEach
    void removeKeys() {
        RedisClient client = RedisClient.create(redis);
        try (var connection = client.connect()) {
            List<String> keys = connection.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    /** The instance's store, reaching Redis through {@code proxy}: a 200 ms timeout, a 5 s retry interval. */
    private ResilientStateStore store(StallingProxy proxy) {
        return RedisStateStoreProvider.create(
                AbuseGuardSettings.bind(Map.of(
                        "abuse-guard.store.type", "redis",
                        "abuse-guard.store.redis.timeout", "200ms",
                        "abuse-guard.store.redis.connect-timeout", "10s",
                        "abuse-guard.store.redis.retry-interval", RETRY_INTERVAL.toMillis() + "ms",
                        "abuse-guard.store.redis.key-prefix", prefix)),
                clock,
                "redis://127.0.0.1:" + proxy.port());
    }

    /** One export a day per address, given back for {@code refundStatuses} (none when empty). */
    private AbuseGuard exports(ResilientStateStore store, String refundStatuses) {
        RateLimitRule.Builder rule = RateLimitRule.builder("exports")
                .path("/api/exports")
                .limit(new Limit(1, 1, Duration.ofDays(1), Limit.Refill.GREEDY));
        if (!refundStatuses.isEmpty()) {
            rule.refundStatuses(refundStatuses);
        }
        return AbuseGuard.builder()
                .timeSource(clock)
                .guard(RateLimitGuard.builder().store(store).rule(rule.build()).build())
                .build();
    }

    /** Cuts Redis off and sends other clients' exports until the circuit opens. */
    private void outage(StallingProxy proxy, ResilientStateStore store, AbuseGuard engine) throws IOException {
        proxy.cut();
        for (int i = 1; i <= 50 && store.isAvailable(); i++) {
            engine.evaluate(export("203.0.113." + i));
        }
        assertThat(store.isAvailable()).as("the circuit opened").isFalse();
    }

    @Test
    void refusalsRememberedOnTheInstanceNeitherCloseTheCircuitNorKeepItClosedWhileRedisIsGone() throws Exception {
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore store = store(proxy)) {
            AbuseGuard engine = exports(store, "");
            // The attacker spends its export of the day; Redis refuses the next one, for a day.
            assertThat(engine.evaluate(export("198.51.100.66")).decision().isAllow())
                    .isTrue();
            assertThat(engine.evaluate(export("198.51.100.66")).decision().isDeny())
                    .isTrue();
            outage(proxy, store, engine);

            clock.advance(RETRY_INTERVAL.plusSeconds(1));
            for (int i = 0; i < 3; i++) {
                assertThat(engine.evaluate(export("198.51.100.66")).decision().isDeny())
                        .isTrue();
            }
            assertThat(store.isAvailable())
                    .as("three trial calls after the retry interval were refusals the instance remembered; Redis"
                            + " answered none of them")
                    .isFalse();
        }
    }

    @Test
    void aRefundDuringAnOutageLiftsTheRefusalTheInstanceRemembers() throws Exception {
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore store = store(proxy)) {
            AbuseGuard engine = exports(store, "5xx");
            GuardRequest first = export("198.51.100.20");
            assertThat(engine.evaluate(first).decision().isAllow()).isTrue();
            assertThat(engine.evaluate(export("198.51.100.20")).decision().isDeny())
                    .as("its export of the day is in flight: Redis refuses a second, remembered until the refill")
                    .isTrue();
            outage(proxy, store, engine); // Redis is gone; the application fails for it too

            engine.complete(first, 503); // a refund status: the export is given back, to the fallback
            assertThat(engine.evaluate(export("198.51.100.20")).decision().isAllow())
                    .as("the refunded export, as the fallback holds it; not a refusal remembered of the bucket before")
                    .isTrue();
        }
    }

    private static GuardRequest export(String address) {
        return GuardRequest.builder("POST", "/api/exports").client(address).build();
    }
}
