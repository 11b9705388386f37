package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * review15 F3: a reservation the application refused (a made-up session's 401) leaves nothing in Redis. Trails are
 * kept for the longest {@code forbids} window (24 h here), so a last-use mark left behind by every refused request
 * would hold a key the client chose for a day.
 */
class WithdrawnReservationKeysTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final List<ResilientStateStore> stores = new ArrayList<>();
    private String uri;
    private String prefix;

    @BeforeEach
    void start() {
        uri = RedisAvailability.requireRedis();
        prefix = "abuse-guard-test:withdrawn:" + UUID.randomUUID() + ":";
    }

    @AfterEach
    void stop() throws Exception {
        for (ResilientStateStore store : stores) {
            store.close();
        }
        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            List<String> keys = connection.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    private AbuseGuard instance() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.store.type", "redis");
        properties.put("abuse-guard.store.redis.uri", uri);
        properties.put("abuse-guard.store.redis.key-prefix", prefix);
        properties.put("abuse-guard.store.redis.timeout", "5s");
        properties.put("abuse-guard.store.redis.connect-timeout", "10s");
        properties.put("abuse-guard.sequence.rules.redeem-once.operation", "POST /api/redeem");
        properties.put("abuse-guard.sequence.rules.redeem-once.forbids", "POST /api/redeem");
        properties.put("abuse-guard.sequence.rules.redeem-once.within", "24h");
        AbuseGuardSettings settings = SettingsBinder.bind(properties);
        ResilientStateStore store = RedisStateStoreProvider.create(settings, clock, null);
        stores.add(store);
        return SettingsAssembler.assemble(
                        settings,
                        GuardContext.builder().store(store).timeSource(clock).build())
                .build();
    }

    private static GuardRequest redeem(String token) {
        return GuardRequest.builder("POST", "/api/redeem")
                .route("/api/redeem")
                .header("Authorization", "Bearer " + token)
                .build();
    }

    private List<String> trailKeys() {
        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            return connection.sync().keys(prefix + "*tr*");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void madeUpSessionsTheApplicationRefusedLeaveNoKeyWhileARedemptionKeepsItsTrail() {
        AbuseGuard engine = instance();
        for (int i = 0; i < 100; i++) {
            GuardRequest request = redeem(UUID.randomUUID().toString());
            assertThat(engine.evaluate(request).isDenied()).isFalse();
            engine.complete(request, 401);
        }
        assertThat(trailKeys()).as("keys left by 100 refused reservations").isEmpty();

        GuardRequest real = redeem("the-holder");
        assertThat(engine.evaluate(real).isDenied()).isFalse();
        engine.complete(real, 200);
        assertThat(trailKeys()).as("the redemption's trail and its last use").hasSize(2);
        assertThat(engine.evaluate(redeem("the-holder")).isDenied()).isTrue();
    }
}
