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
 * probe66c F1: with the Markov model on, every answered request of a made-up session writes the model's trail to
 * Redis (two keys, kept for the idle gap), so one client address that sends a fresh {@code Authorization} per
 * request writes two keys per request, whatever the application answered, and whether or not the model refused it.
 * README: "a reservation the application refused (a made-up session's 401) leaves no key"; "Trails live in the
 * state store ... bounded in length and expiring".
 */
class ModelTrailKeysRedisTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final List<ResilientStateStore> stores = new ArrayList<>();
    private String uri;
    private String prefix;

    @BeforeEach
    void start() {
        uri = RedisAvailability.requireRedis();
        prefix = "probe66c:test:" + UUID.randomUUID() + ":";
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
        return instance(false);
    }

    private AbuseGuard instance(boolean deny) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.store.type", "redis");
        properties.put("abuse-guard.store.redis.uri", uri);
        properties.put("abuse-guard.store.redis.key-prefix", prefix);
        properties.put("abuse-guard.store.redis.timeout", "5s");
        properties.put("abuse-guard.store.redis.connect-timeout", "10s");
        properties.put("abuse-guard.sequence.model", "learn-and-score");
        if (deny) {
            properties.put("abuse-guard.sequence.model-deny", "true");
        }
        AbuseGuardSettings settings = SettingsBinder.bind(properties);
        ResilientStateStore store = RedisStateStoreProvider.create(settings, clock, null);
        stores.add(store);
        return SettingsAssembler.assemble(
                        settings,
                        GuardContext.builder().store(store).timeSource(clock).build())
                .build();
    }

    private List<String> modelKeys() {
        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            return connection.sync().keys(prefix + "sequence-model:*");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void oneAddressesMadeUpSessionsDoNotWriteAKeyEach() {
        AbuseGuard engine = instance();
        for (int i = 0; i < 1_000; i++) {
            GuardRequest request = GuardRequest.builder("GET", "/api/nothing")
                    .client("203.0.113.7")
                    .header("Authorization", "Bearer made-up-" + i)
                    .build();
            engine.evaluate(request);
            engine.complete(request, 404);
        }
        // Seen on the demo (two instances, model on): 20,000 such requests of one address left 39,978 keys, 9.6 MiB,
        // each kept 30 minutes; 10,000 of them had been refused 403 unusual-sequence and still wrote their keys.
        assertThat(modelKeys())
                .as("Redis keys left by one address's 1,000 made-up sessions, each answered 404")
                .hasSizeLessThan(100);
    }

    /** Sessions answered 200 are bounded too, per client site, more generously: a crowd behind one NAT has many. */
    @Test
    void oneAddressesAnsweredSessionsAreBoundedAndAnotherAddressKeepsItsOwnBudget() {
        AbuseGuard engine = instance(true);
        for (int i = 0; i < 1_200; i++) {
            GuardRequest request = step("203.0.113.8", "answered-" + i, "/api/scores/chess");
            engine.evaluate(request);
            engine.complete(request, 200);
        }
        int oneAddress = modelKeys().size();
        assertThat(oneAddress)
                .as("two keys a session, for at most the site's budget of new sessions")
                .isBetween(2 * 1_000, 2 * 1_000 + 2);
        GuardRequest other = step("198.51.100.77", "someone-else", "/api/scores/chess");
        engine.evaluate(other);
        engine.complete(other, 200);
        GuardRequest again = step("198.51.100.77", "someone-else", "/api/scores/go");
        engine.evaluate(again);
        engine.complete(again, 200);
        assertThat(modelKeys()).as("another address's session is recorded").hasSize(oneAddress + 2);
    }

    private static GuardRequest step(String site, String token, String path) {
        return GuardRequest.builder("GET", path)
                .route(path)
                .client(site)
                .header("Authorization", "Bearer " + token)
                .build();
    }
}
