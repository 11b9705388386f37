package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** probe83a: two instances on one Redis, an attacker racing and spreading requests over both. */
class Probe83aTwoInstancesTest {

    private static String prefix() {
        return "probe83a:" + UUID.randomUUID() + ":";
    }

    /**
     * allow2ban (counting: requests): a burst over max-retry spread over two instances must ban the key once, for
     * ban-time, not escalate the ban once per racing request.
     */
    @Test
    void aRacingBurstOverAnAllow2banLimitBansOnceNotOncePerRacer() throws Exception {
        // a race: it does not escalate in every run; five runs, each on a fresh prefix
        for (int attempt = 0; attempt < 5; attempt++) {
            aRacingBurstOverAnAllow2banLimitBansOnceNotOncePerRacerOnce();
        }
    }

    private static void aRacingBurstOverAnAllow2banLimitBansOnceNotOncePerRacerOnce() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = prefix();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard[] instances = {engine(first, clock, requests()), engine(second, clock, requests())};
            List<GuardRequest> admitted =
                    SharedFailureRaceTest.race(instances, 64, i -> reset("198.51.100.7", "victim@example.com"));
            assertThat(admitted).as("max-retry requests pass").hasSize(5);
            Duration retryAfter = instances[0]
                    .evaluate(reset("198.51.100.7", "victim@example.com"))
                    .decision()
                    .retryAfter();
            assertThat(retryAfter)
                    .as("one ban of ban-time (15m), not ban-time x 2^(racers-1) up to max-ban-time")
                    .isLessThanOrEqualTo(Duration.ofMinutes(15));
        }
    }

    /**
     * The same on a key any client names for another (an e-mail address): one burst of 64 requests naming the
     * victim, spread over two instances, locks the victim out for max-ban-time (24 h) instead of ban-time (15 m).
     */
    @Test
    void aRacingBurstNamingAVictimLocksItOutForBanTimeNotMaxBanTime() throws Exception {
        // a race: it does not escalate in every run; five runs, each on a fresh prefix
        for (int attempt = 0; attempt < 5; attempt++) {
            aRacingBurstNamingAVictimLocksItOutForBanTimeNotMaxBanTimeOnce();
        }
    }

    private static void aRacingBurstNamingAVictimLocksItOutForBanTimeNotMaxBanTimeOnce() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = prefix();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            FailureRule.Builder perEmail = requests().key("body:/email");
            AbuseGuard[] instances = {engine(first, clock, perEmail), engine(second, clock, perEmail)};
            List<GuardRequest> admitted =
                    SharedFailureRaceTest.race(instances, 64, i -> reset("203.0.113." + (i + 1), "victim@example.com"));
            assertThat(admitted).as("max-retry requests pass").hasSize(5);
            clock.advance(Duration.ofMinutes(16));
            assertThat(instances[1]
                            .evaluate(reset("192.0.2.10", "victim@example.com"))
                            .isDenied())
                    .as("the victim's own request once the 15-minute ban is over")
                    .isFalse();
        }
    }

    /** The same race on one instance's threads alone (the check-then-ban is not atomic there either). */
    @Test
    void aRacingBurstOnOneInstanceBansOnceNotOncePerRacer() throws Exception {
        // a race: it does not escalate in every run; five runs, each on a fresh prefix
        for (int attempt = 0; attempt < 5; attempt++) {
            aRacingBurstOnOneInstanceBansOnceNotOncePerRacerOnce();
        }
    }

    private static void aRacingBurstOnOneInstanceBansOnceNotOncePerRacerOnce() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = prefix();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard[] instances = {engine(first, clock, requests().key("body:/email"))};
            List<GuardRequest> admitted =
                    SharedFailureRaceTest.race(instances, 64, i -> reset("203.0.113." + (i + 1), "victim@example.com"));
            assertThat(admitted).hasSize(5);
            clock.advance(Duration.ofMinutes(16));
            assertThat(instances[0]
                            .evaluate(reset("192.0.2.10", "victim@example.com"))
                            .isDenied())
                    .as("the victim's own request once the 15-minute ban is over")
                    .isFalse();
        }
    }

    /** Control: the same requests one after another, alternating instances, ban once for 15 minutes. */
    @Test
    void controlSequentialRequestsOverAnAllow2banLimitBanForBanTime() {
        String uri = RedisAvailability.requireRedis();
        String prefix = prefix();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            FailureRule.Builder perEmail = requests().key("body:/email");
            AbuseGuard[] instances = {engine(first, clock, perEmail), engine(second, clock, perEmail)};
            int admitted = 0;
            for (int i = 0; i < 64; i++) {
                if (!instances[i % 2]
                        .evaluate(reset("203.0.113." + (i + 1), "victim@example.com"))
                        .isDenied()) {
                    admitted++;
                }
            }
            assertThat(admitted).isEqualTo(5);
            clock.advance(Duration.ofMinutes(16));
            assertThat(instances[1]
                            .evaluate(reset("192.0.2.10", "victim@example.com"))
                            .isDenied())
                    .isFalse();
        }
    }

    /** fail2ban: racing failures settled on both instances ban once, for ban-time. */
    @Test
    void controlRacingFailuresSettledOnBothInstancesBanOnce() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = prefix();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            FailureRule.Builder rule = FailureRule.builder("login")
                    .path("/api/password-reset")
                    .maxRetry(5)
                    .banTime(Duration.ofMinutes(15));
            AbuseGuard[] instances = {engine(first, clock, rule), engine(second, clock, rule)};
            List<GuardRequest> admitted =
                    SharedFailureRaceTest.race(instances, 64, i -> reset("198.51.100.9", "u" + i));
            assertThat(admitted).hasSize(5);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(5);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < admitted.size(); i++) {
                AbuseGuard engine = instances[i % 2];
                GuardRequest one = admitted.get(i);
                pool.submit(() -> {
                    go.await();
                    engine.complete(one, 401);
                    return null;
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES))
                    .isTrue();
            clock.advance(Duration.ofMinutes(16));
            assertThat(instances[1].evaluate(reset("198.51.100.9", "x")).isDenied())
                    .isFalse();
        }
    }

    private static FailureRule.Builder requests() {
        return FailureRule.builder("reset")
                .path("/api/password-reset")
                .counting(FailureRule.Counting.REQUESTS)
                .maxRetry(5)
                .findTime(Duration.ofMinutes(10))
                .banTime(Duration.ofMinutes(15))
                .maxBanTime(Duration.ofHours(24));
    }

    static GuardRequest reset(String address, String email) {
        return GuardRequest.builder("POST", "/api/password-reset")
                .client(address)
                .body("application/json", "{\"email\":\"" + email + "\"}")
                .build();
    }

    static AbuseGuard engine(RedisStateStore store, FakeTimeSource clock, FailureRule.Builder rule) {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(FailureGuard.builder()
                        .store(store)
                        .timeSource(clock)
                        .rule(rule.build())
                        .build())
                .timeSource(clock)
                .build();
        store.counters("warm-up", Duration.ofMinutes(1)).get("x");
        return engine;
    }
}
