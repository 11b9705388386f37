package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * What the store tells an operator of the Redis it runs on (probe19): an eviction policy that drops bans, instances
 * hashing keys under different secrets, a wrong password, and the command timeout in its log name; and a primary
 * demoted by a failover, which answers READONLY.
 */
class ServerInspectionTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void anEvictingPolicyIsNamedAtStartUpWithWhatItCosts() throws Exception {
        try (OwnRedis lru = new OwnRedis("--maxmemory", "50mb", "--maxmemory-policy", "allkeys-lru")) {
            String log = stderrOf(() -> start(lru.uri(), Map.of()).close());
            assertThat(log)
                    .contains("maxmemory-policy is allkeys-lru")
                    .contains("maxmemory 52428800 bytes")
                    .contains("bans")
                    .contains("noeviction");
        }
    }

    @Test
    void aVolatilePolicyIsNamedTooSinceEveryKeyOfTheStoreExpires() throws Exception {
        try (OwnRedis volatileLru = new OwnRedis("--maxmemory-policy", "volatile-lru")) {
            String log = stderrOf(() -> start(volatileLru.uri(), Map.of()).close());
            assertThat(log).contains("maxmemory-policy is volatile-lru").contains("every key the store writes");
        }
    }

    @Test
    void noevictionIsNotWarnedAbout() throws Exception {
        try (OwnRedis noeviction = new OwnRedis("--maxmemory-policy", "noeviction")) {
            String log = stderrOf(() -> start(noeviction.uri(), Map.of()).close());
            assertThat(log).doesNotContain("maxmemory-policy");
        }
    }

    @Test
    void anInstanceWithAnotherKeySecretOnTheSameRedisAndPrefixIsWarnedAbout() {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        Map<String, String> first = Map.of(
                "abuse-guard.store.redis.key-prefix",
                prefix,
                "abuse-guard.store.redis.key-secret",
                "first-secret-of-16-chars");
        Map<String, String> second = Map.of(
                "abuse-guard.store.redis.key-prefix",
                prefix,
                "abuse-guard.store.redis.key-secret",
                "second-secret-of-16-chars");
        String firstLog = stderrOf(() -> start(uri, first).close());
        String sameLog = stderrOf(() -> start(uri, first).close());
        String secondLog = stderrOf(() -> start(uri, second).close());
        assertThat(firstLog + sameLog).doesNotContain("key-secret");
        assertThat(secondLog)
                .contains("another abuse-guard.store.redis.key-secret")
                .contains(prefix)
                .doesNotContain("second-secret-of-16-chars")
                .doesNotContain("first-secret-of-16-chars");
        String unkeyedLog = stderrOf(() ->
                start(uri, Map.of("abuse-guard.store.redis.key-prefix", prefix)).close());
        assertThat(unkeyedLog).as("none against a secret").contains("another abuse-guard.store.redis.key-secret");
    }

    @Test
    void aWrongPasswordIsNamedInTheStartUpWarningWithoutThePassword() throws Exception {
        try (OwnRedis guarded = new OwnRedis("--requirepass", "the-right-one")) {
            String wrong = stderrOf(() -> start("redis://:not-the-right-one@127.0.0.1:" + guarded.port(), Map.of())
                    .close());
            assertThat(wrong)
                    .contains("is not reachable at start-up")
                    .contains("WRONGPASS")
                    .doesNotContain("not-the-right-one");
            String none = stderrOf(() -> start(guarded.uri(), Map.of()).close());
            assertThat(none).contains("NOAUTH");
        }
    }

    @Test
    void theLogNameShowsTheCommandTimeoutNotTheConnectTimeout() {
        try (RedisStateStore store = RedisStateStore.builder()
                .uri("redis://:secret-password@10.0.0.5:6380/2")
                .commandTimeout(Duration.ofMillis(200))
                .connectTimeout(Duration.ofSeconds(1))
                .build()) {
            assertThat(store.description())
                    .endsWith("@10.0.0.5:6380/2?timeout=200ms")
                    .doesNotContain("secret-password")
                    .doesNotContain("1s");
        }
    }

    @Test
    void theLogNameShowsTheDefaultPortToo() {
        // user68 F6: redis://127.0.0.1:6379 was logged as redis://127.0.0.1
        for (String[] given : new String[][] {
            {"redis://127.0.0.1:6379", "redis://127.0.0.1:6379?timeout=200ms"},
            {"redis://127.0.0.1", "redis://127.0.0.1:6379?timeout=200ms"},
            {"redis://:pw@10.0.0.5/2", "@10.0.0.5:6379/2?timeout=200ms"},
            {"rediss://cache.example:6390", "rediss://cache.example:6390?timeout=200ms"}
        }) {
            try (RedisStateStore store = RedisStateStore.builder()
                    .uri(given[0])
                    .commandTimeout(Duration.ofMillis(200))
                    .build()) {
                assertThat(store.description()).as(given[0]).endsWith(given[1]);
            }
        }
    }

    @Test
    void theSocketsKeepAliveSoThatAPeerGoneWithoutAResetIsDropped() {
        io.lettuce.core.SocketOptions socket = RedisStateStore.socketOptions(Duration.ofSeconds(1));
        assertThat(socket.isKeepAlive()).isTrue();
        assertThat(socket.getConnectTimeout()).isEqualTo(Duration.ofSeconds(1));
        if (io.lettuce.core.resource.ExtendedKeepAliveSupport.isSupported()) {
            assertThat(socket.getKeepAlive().getIdle()).isEqualTo(Duration.ofSeconds(15));
        }
    }

    @Test
    void aRedisRestartedEmptyIsWarnedAboutWhenLettuceReconnects() throws Exception {
        try (OwnRedis redis = new OwnRedis();
                ResilientStateStore store = start(redis.uri(), Map.of())) {
            Counters counters = store.counters("restart", Duration.ofHours(1));
            counters.add("k", 1);
            String log = stderrOf(() -> {
                redis.restart();
                for (int i = 0; i < 100 && redis.commands().dbsize() == 0; i++) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // Lettuce reconnects, the store looks
                }
            });
            assertThat(log).contains("no longer holds the key");
        }
    }

    @Test
    void keysLostSinceTheStoreLastLookedAreWarnedAboutWhenItReconnects() throws Exception {
        try (OwnRedis redis = new OwnRedis();
                StallingProxy proxy = new StallingProxy("127.0.0.1", redis.port());
                ResilientStateStore store = start(
                        "redis://127.0.0.1:" + proxy.port(), Map.of("abuse-guard.store.redis.timeout", "200ms"))) {
            Counters counters = store.counters("lost", Duration.ofHours(1));
            counters.add("k", 1);
            redis.commands().flushall(); // as a restart without persistence
            proxy.freeze();
            String log = stderrOf(() -> {
                // the commands' connection and the subscription to lifts, then the replacement
                for (int i = 0; i < 100 && proxy.connections() < 3; i++) {
                    counters.add("k", 1);
                }
                for (int i = 0; i < 100 && redis.commands().dbsize() == 0; i++) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            });
            assertThat(log).contains("replaced the connection").contains("no longer holds the key");
        }
    }

    @Test
    void aPrimaryDemotedByAFailoverAnswersReadonlyAndTheStoreReconnectsToTheNewOne() throws Exception {
        try (OwnRedis old = new OwnRedis();
                OwnRedis promoted = new OwnRedis();
                StallingProxy address = new StallingProxy("127.0.0.1", old.port());
                ResilientStateStore store = start("redis://127.0.0.1:" + address.port(), Map.of())) {
            Counters counters = store.counters("failover", Duration.ofHours(1));
            assertThat(counters.add("k", 1)).isEqualTo(1);

            // the failover: the old primary follows the new one, and the address moves to it
            old.commands().replicaof("127.0.0.1", promoted.port());
            address.retarget(promoted.port());

            boolean onPromoted = false;
            for (int i = 0; i < 100 && !onPromoted; i++) {
                counters.add("k", 1); // READONLY from the old primary, answered by the fallback, until reconnected
                onPromoted = promoted.commands().dbsize() > 0;
                if (!onPromoted) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
            assertThat(onPromoted).as("the store writes to the new primary").isTrue();
            assertThat(address.connections()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aClockFarFromTheRedisServersIsWarnedAboutAtStartUp() {
        String uri = RedisAvailability.requireRedis();
        TimeSource twoHoursAhead = new TimeSource() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Instant instant() {
                return Instant.now().plus(Duration.ofHours(2));
            }
        };
        String aheadLog = stderrOf(() -> start(uri, Map.of(), twoHoursAhead).close());
        assertThat(aheadLog)
                .contains("ms ahead of the Redis server's")
                .contains("once-only step")
                .contains("NTP");
        String inStepLog =
                stderrOf(() -> start(uri, Map.of(), TimeSource.system()).close());
        assertThat(inStepLog).doesNotContain("the Redis server's");
    }

    private ResilientStateStore start(String uri, Map<String, String> properties) {
        return start(uri, properties, clock);
    }

    private ResilientStateStore start(String uri, Map<String, String> properties, TimeSource timeSource) {
        Map<String, String> all = new HashMap<>(Map.of(
                "abuse-guard.store.type", "redis",
                "abuse-guard.store.redis.connect-timeout", "10s",
                "abuse-guard.store.redis.timeout", "2s",
                "abuse-guard.store.redis.key-prefix", "abuse-guard-test:" + UUID.randomUUID() + ":"));
        all.putAll(properties);
        return RedisStateStoreProvider.create(AbuseGuardSettings.bind(all), timeSource, uri);
    }

    /** What the loggers (slf4j-simple, on standard error in tests) wrote while {@code action} ran. */
    private static String stderrOf(ThrowingRunnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text); // still in the build's output
        return text;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
