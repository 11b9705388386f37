package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisURI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Redis that stops answering for a moment, as on a loaded host: the commands that time out are answered by
 * the local fallback, which must not give a client at its bound on Redis a fresh budget.
 */
class SlowRedisTest {

    @Test
    void aLoginWhoseCommandsTimeOutFindsTheTenInFlightOnRedisStillCounted() throws Exception {
        RedisURI redis = RedisURI.create(RedisAvailability.requireRedis());
        FakeTimeSource clock = new FakeTimeSource();
        try (StallingProxy proxy = new StallingProxy(redis.getHost(), redis.getPort());
                ResilientStateStore store = RedisStateStoreProvider.create(
                        AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.store.type", "redis",
                                "abuse-guard.store.redis.timeout", "200ms",
                                "abuse-guard.store.redis.connect-timeout", "10s",
                                "abuse-guard.store.redis.key-prefix", "abuse-guard-test:" + UUID.randomUUID() + ":")),
                        clock,
                        "redis://127.0.0.1:" + proxy.port())) {
            AbuseGuard engine = UnreachableAtStartTest.engine(store, clock);
            for (int i = 0; i < 10; i++) {
                assertThat(decide(engine).isAllow()).as("login %d in flight", i).isTrue();
            }
            proxy.stall();
            Decision slow = decide(engine);
            assertThat(store.isAvailable()).as("a few timeouts open no circuit").isTrue();
            assertThat(slow.isDeny())
                    .as("the ten in flight on Redis still count when Redis does not answer")
                    .isTrue();
            assertThat(slow.reason()).isEqualTo("too-many-in-flight");
        }
    }

    private static Decision decide(AbuseGuard engine) {
        return engine.evaluate(UnreachableAtStartTest.login("198.51.100.1")).decision();
    }
}
