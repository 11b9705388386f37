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
    private static final String[] ODD_ENTRIES = {"x|0|123456789012345678901", "|0|5", "a|0|", "a|0|٣"};

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
            agree(redis, clock, 120, OPERATIONS, STATUSES, 3_000, true);
        }
    }

    /**
     * Drives a Redis trail and an in-process one with the same random calls (seeds 0 to {@code seeds - 1}, 40 calls
     * each) and compares them after each call.
     *
     * @param millis the bound of the entries' times
     * @param oddEntries whether one entry in eight is a malformed one ({@link #ODD_ENTRIES}) and reservations draw
     *     times of their own, as review129 first drew them
     */
    static void agree(
            RedisStateStore redis,
            FakeTimeSource clock,
            int seeds,
            String[] operations,
            String[] statuses,
            int millis,
            boolean oddEntries) {
        for (int seed = 0; seed < seeds; seed++) {
            Random random = new Random(seed);
            int length = 1 + random.nextInt(4);
            Trails shared = redis.trails("agree" + seed, length, Duration.ofHours(1));
            Trails local =
                    LocalStateStore.builder().timeSource(clock).build().trails("agree", length, Duration.ofHours(1));
            List<String> log = new ArrayList<>();
            for (int step = 0; step < 40; step++) {
                String operation = operations[random.nextInt(operations.length)];
                long at = oddEntries ? 0 : random.nextInt(millis);
                String entry = oddEntries && random.nextInt(8) == 0
                        ? ODD_ENTRIES[random.nextInt(ODD_ENTRIES.length)]
                        : operation + "|" + statuses[random.nextInt(statuses.length)] + "|"
                                + (oddEntries ? random.nextInt(millis) : at);
                switch (random.nextInt(4)) {
                    case 0 -> {
                        log.add("append " + entry);
                        assertThat(shared.append("k", entry)).as("%s", log).isEqualTo(local.append("k", entry));
                    }
                    case 1 -> {
                        List<TrailBlock> blocks = new ArrayList<>();
                        if (random.nextBoolean()) {
                            blocks.add(new TrailBlock(
                                    operations[random.nextInt(operations.length)], random.nextInt(3), 0));
                        }
                        // the guard reserves with a pending entry, with a token on a shared store
                        boolean plain = random.nextBoolean();
                        long reservedAt = oddEntries ? random.nextInt(millis) : at;
                        String reservation = plain
                                ? operation + "|0|" + reservedAt
                                : Trails.uniqueReservation(operation, reservedAt);
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
