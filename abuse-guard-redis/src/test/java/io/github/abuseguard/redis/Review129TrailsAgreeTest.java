package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.TrailBlock;
import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** review129: the Redis store's trail scripts and the in-process trails, given the same calls, keep the same trail. */
class Review129TrailsAgreeTest {
    private static final String[] OPERATIONS = {"POST /redeem", "POST /redeem|0|1", "GET /", "", "POST /redeem#v"};
    private static final String[] STATUSES = {"0", "200", "404", "00", "+5"};

    private final String prefix = "review129:" + UUID.randomUUID() + ":";

    @AfterEach
    void removeKeys() {
        RedisClient client = RedisClient.create(RedisAvailability.URI);
        try (var connection = client.connect()) {
            List<String> keys = connection.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void redisAndLocalTrailsAgree() {
        String uri = RedisAvailability.requireRedis();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore redis = RedisAvailability.store(uri, prefix, clock)) {
            for (int seed = 0; seed < 120; seed++) {
                Random random = new Random(seed);
                int length = 1 + random.nextInt(4);
                Trails shared = redis.trails("agree" + seed, length, Duration.ofHours(1));
                Trails local = LocalStateStore.builder()
                        .timeSource(clock)
                        .build()
                        .trails("agree", length, Duration.ofHours(1));
                List<String> log = new ArrayList<>();
                for (int step = 0; step < 40; step++) {
                    String operation = OPERATIONS[random.nextInt(OPERATIONS.length)];
                    String entry = random.nextInt(8) == 0
                            ? new String[] {"x|0|123456789012345678901", "|0|5", "a|0|", "a|0|٣"}[random.nextInt(4)]
                            : operation + "|" + STATUSES[random.nextInt(STATUSES.length)] + "|" + random.nextInt(3000);
                    switch (random.nextInt(4)) {
                        case 0 -> {
                            log.add("append " + entry);
                            assertThat(shared.append("k", entry)).as("%s", log).isEqualTo(local.append("k", entry));
                        }
                        case 1 -> {
                            List<TrailBlock> blocks = new ArrayList<>();
                            if (random.nextBoolean()) {
                                blocks.add(new TrailBlock(
                                        OPERATIONS[random.nextInt(OPERATIONS.length)], random.nextInt(3), 0));
                            }
                            // the guard reserves with a pending entry, with a token on a shared store
                            String reservation = random.nextBoolean()
                                    ? operation + "|0|" + random.nextInt(3000)
                                    : Trails.uniqueReservation(operation, random.nextInt(3000));
                            log.add("appendUnless " + reservation + " " + blocks.size());
                            assertThat(shared.appendUnless("k", reservation, blocks))
                                    .as("%s", log)
                                    .isEqualTo(local.appendUnless("k", reservation, blocks));
                        }
                        case 2 -> {
                            String outcome = random.nextBoolean() ? null : entry;
                            log.add("settle " + operation + " " + outcome);
                            shared.settle("k", operation, outcome);
                            local.settle("k", operation, outcome);
                        }
                        default -> {
                            log.add("withdraw " + entry);
                            shared.withdraw("k", entry);
                            local.withdraw("k", entry);
                        }
                    }
                    assertThat(shared.get("k"))
                            .as("seed %d, length %d: %s", seed, length, log)
                            .isEqualTo(local.get("k"));
                }
            }
        }
    }

    /**
     * F4 (API, low): {@code Trails} promises "whatever is appended, a trail never holds more than twice its length",
     * and a settled entry pushes the oldest settled one out. The in-process store keeps both for an entry {@code
     * appendUnless} is given; the Redis script assumes the entry is pending and trims nothing, and it removes every
     * entry reading {@code ~dropped~} (its own marker) when it drops one settled entry.
     */
    @Test
    void redisTrailsKeepTheBoundsWhateverIsAppended() {
        String uri = RedisAvailability.requireRedis();
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore redis = RedisAvailability.store(uri, prefix, clock)) {
            Trails shared = redis.trails("bounds", 2, Duration.ofHours(1));
            Trails local = LocalStateStore.builder().timeSource(clock).build().trails("bounds", 2, Duration.ofHours(1));
            for (int i = 0; i < 10; i++) {
                shared.appendUnless("k", "GET /|200|" + i, List.of());
                local.appendUnless("k", "GET /|200|" + i, List.of());
            }
            assertThat(shared.get("k"))
                    .as("ten settled entries through appendUnless")
                    .isEqualTo(local.get("k"));

            for (String entry : List.of("~dropped~", "GET /|200|1", "GET /|200|2")) {
                shared.append("d", entry);
                local.append("d", entry);
            }
            assertThat(shared.get("d")).as("a settled entry pushed out").isEqualTo(local.get("d"));
        }
    }
}
