package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.volume.VolumeGuard;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Instances that share Redis hash the volume guard's sketch alike without {@code abuse-guard.volume.seed}:
 * the seed is kept in Redis, chosen by the first instance. With a seed per instance, a game read on one
 * instance and again on the other filled two registers of the shared sketch, and a reader behind a
 * round-robin balancer was refused at about half of {@code max-distinct} (probe9 F1: 35 of 42 reads of 21
 * games).
 */
class SharedVolumeSeedTest {
    private final String prefix = "abuse-guard-test:seed:" + UUID.randomUUID() + ":";

    /** Seeds are kept without expiry: each test deletes its own. */
    @AfterEach
    void deleteSeeds() {
        try (var client = io.lettuce.core.RedisClient.create(RedisAvailability.URI);
                var connection = client.connect()) {
            for (String key : connection.sync().keys(prefix + "*")) {
                connection.sync().del(key);
            }
        }
    }

    @Test
    void instancesSharingAStoreShareItsSeedAndOthersDoNot() {
        String uri = RedisAvailability.requireRedis();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore elsewhere = RedisAvailability.store(uri, prefix + "other:", clock)) {
            long seed = first.sharedSeed("volume");

            assertThat(second.sharedSeed("volume")).isEqualTo(seed);
            assertThat(first.sharedSeed("volume")).as("kept").isEqualTo(seed);
            assertThat(elsewhere.sharedSeed("volume"))
                    .as("another site's store")
                    .isNotEqualTo(seed);
            assertThat(first.sharedSeed("other")).as("another name").isNotEqualTo(seed);
        }
    }

    @Test
    void aReaderAlternatingBetweenTwoInstancesIsCountedOncePerGame() {
        String uri = RedisAvailability.requireRedis();
        FakeTimeSource clock = new FakeTimeSource();
        // the seed a first instance set: a known one, so that how far past the bound the walker below gets (31 to
        // 38 over random seeds) is the same on every run; both instances read it, as with any seed
        try (var client = io.lettuce.core.RedisClient.create(uri);
                var connection = client.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
            connection
                    .sync()
                    .set(
                            (prefix + "seed:volume").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            java.nio.ByteBuffer.allocate(Long.BYTES)
                                    .putLong(1234)
                                    .array());
        }
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            VolumeGuard[] instances = {guard(first, clock), guard(second, clock)};
            int allowed = 0;
            for (int round = 0; round < 2; round++) {
                for (int game = 0; game < 21; game++) {
                    GuardRequest read = GuardRequest.builder("GET", "/api/scores/game-" + game)
                            .client("198.51.100.7")
                            .build();
                    if (instances[(round + game) % 2].check(read).isAllow()) {
                        allowed++;
                    }
                }
            }

            assertThat(allowed)
                    .as("21 games read twice, each time on the other instance, against max-distinct 30")
                    .isEqualTo(42);
            int walked = 0;
            while (walked < 100
                    && instances[walked % 2]
                            .check(GuardRequest.builder("GET", "/api/scores/match-" + walked)
                                    .client("203.0.113.9")
                                    .build())
                            .isAllow()) {
                walked++;
            }
            assertThat(walked)
                    .as("a walker of new games is refused near the bound")
                    .isBetween(30, 36);
        }
    }

    private static VolumeGuard guard(RedisStateStore store, FakeTimeSource clock) {
        return (VolumeGuard) SettingsAssembler.guard(
                SettingsBinder.bind(Map.of(
                        "abuse-guard.volume.rules.scores.paths", "/api/scores/{game}",
                        "abuse-guard.volume.rules.scores.max-distinct", "30",
                        "abuse-guard.volume.rules.scores.window", "10m")),
                "volume",
                GuardContext.builder().store(store).timeSource(clock).build());
    }
}
