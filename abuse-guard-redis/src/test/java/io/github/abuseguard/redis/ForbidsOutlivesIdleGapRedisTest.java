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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances assembled from properties on one real Redis: README's "redeem forbids redeem within 24h"
 * holds past the idle gap, and racing requests of one session across both instances still pass it once.
 */
class ForbidsOutlivesIdleGapRedisTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final List<ResilientStateStore> stores = new ArrayList<>();
    private String uri;
    private String prefix;

    @BeforeEach
    void start() {
        uri = RedisAvailability.requireRedis();
        prefix = "abuse-guard-test:seqkeys:" + UUID.randomUUID() + ":";
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

    /** One instance: its own store on the shared Redis and prefix, a once-a-day rule. */
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

    /** Twenty requests of one session at once, alternating between the instances; each passed one answers 200. */
    private static int passedOfTwentyRacing(AbuseGuard[] instances, String token) throws Exception {
        AtomicInteger passed = new AtomicInteger();
        int threads = 20;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                AbuseGuard engine = instances[t % 2];
                pool.submit(() -> {
                    start.await();
                    GuardRequest request = redeem(token);
                    if (!engine.evaluate(request).decision().isDeny()) {
                        passed.incrementAndGet();
                        engine.complete(request, 200);
                    }
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        return passed.get();
    }

    @Test
    void aOnceADayStepStaysTakenAcrossInstancesPastTheIdleGap() throws Exception {
        AbuseGuard[] instances = {instance(), instance()};
        // Connected before the race: while a store connects, its callers meet the outage policy, not the rule.
        for (AbuseGuard engine : instances) {
            engine.evaluate(redeem("warm-up"));
        }

        assertThat(passedOfTwentyRacing(instances, "alice")).isEqualTo(1);

        clock.advance(Duration.ofMinutes(31)); // past the default idle gap of 30 minutes
        assertThat(passedOfTwentyRacing(instances, "alice"))
                .as("31 minutes later, within the 24 hours")
                .isZero();

        clock.advance(Duration.ofHours(23));
        assertThat(instances[1].evaluate(redeem("alice")).decision().reason())
                .as("23 hours later on the other instance")
                .isEqualTo("forbidden-sequence");

        clock.advance(Duration.ofMinutes(30));
        assertThat(passedOfTwentyRacing(instances, "alice"))
                .as("once the 24 hours have passed: once again")
                .isEqualTo(1);
    }

    private List<String> trailKeys() {
        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            return connection.sync().keys(prefix + "*tr*");
        } finally {
            client.shutdown();
        }
    }

    /** review15 F3: a refused reservation's keys would otherwise stay for the whole window, chosen by the client. */
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
