package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.StateStoreContract;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract against a real Redis; time is the fake clock, which the store's scripts honour. */
class RedisStateStoreTest extends StateStoreContract {
    private static String uri;
    private final FakeTimeSource clock = new FakeTimeSource();
    private final List<RedisStateStore> stores = new ArrayList<>();

    @BeforeAll
    static void redis() {
        uri = RedisAvailability.requireRedis();
    }

    @Override
    protected StateStore store() {
        RedisStateStore store = RedisStateStore.builder()
                .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                .uri(uri)
                .keyPrefix("abuse-guard-test:")
                .commandTimeout(Duration.ofSeconds(2))
                .timeSource(clock)
                .build();
        stores.add(store);
        return store;
    }

    @Override
    protected StateStore restarted(StateStore store) {
        return store();
    }

    @Override
    protected void advance(Duration duration) {
        clock.advance(duration);
    }

    @AfterEach
    void close() {
        stores.forEach(RedisStateStore::close);
    }

    @Test
    void aBanSetThroughOneInstanceIsListedByAnother() {
        String namespace = namespace("listed");
        store().bans(namespace).ban("203.0.113.7", Duration.ofMinutes(5));
        store().bans(namespace).ban("198.51.100.2", Duration.ofMinutes(1));

        assertThat(store().bans(namespace).active(10))
                .extracting(io.github.abuseguard.store.BannedKey::key)
                .containsExactly("198.51.100.2", "203.0.113.7");
    }

    /**
     * probe47a F11: two services sharing the key prefix (one records a step the other's rule reads) keep trails
     * differently; each applied its own time to live and length, so one with a 5-second idle gap deleted the
     * other's hour-long once-only step 7 seconds later. A trail is kept as long, and as long a list, as its
     * longest writer keeps it.
     */
    @Test
    void aTrailIsKeptAsItsLongestWriterKeepsIt() {
        String namespace = namespace("shared-trail");
        io.github.abuseguard.store.Trails hourLong = store().trails(namespace, 20, Duration.ofHours(1));
        io.github.abuseguard.store.Trails brief = store().trails(namespace, 2, Duration.ofSeconds(5));
        hourLong.append("s", "POST /api/login|200|" + clock.epochMillis());
        clock.advance(Duration.ofSeconds(7));
        brief.append("s", "GET /api/other|200|" + clock.epochMillis());
        brief.append("s", "GET /api/other|200|" + clock.epochMillis());
        clock.advance(Duration.ofSeconds(7));
        assertThat(hourLong.get("s"))
                .as("the hour-long step, after the brief writer's appends and past its time to live")
                .hasSize(3)
                .first()
                .asString()
                .startsWith("POST /api/login|200|");
        clock.advance(Duration.ofMinutes(61));
        assertThat(hourLong.get("s")).as("past the longest time to live").isEmpty();
    }

    @Test
    void aSlotGivenBackLeavesNoKeyBehind() {
        // probe F11: one address sent a new user name per request; each left a hash of 0 held slots for
        // two find-times, so Redis grew by a key per request
        RedisStateStore store = (RedisStateStore) store();
        String namespace = namespace("slots");
        io.github.abuseguard.store.Counters counters = store.counters(namespace, Duration.ofMinutes(10));
        io.github.abuseguard.store.SlidingWindows windows =
                store.slidingWindows(namespace + ":w", Duration.ofMinutes(10));
        for (int i = 0; i < 20; i++) {
            String name = "name-" + i;
            assertThat(counters.reserve(name + "#held", name + "#before", name + "@1", name + "@0", 0, 1, 5))
                    .isTrue();
            counters.release(name + "#held");
            long at = clock.epochMillis();
            assertThat(windows.reserve(name, at, 5))
                    .isEqualTo(io.github.abuseguard.store.SlidingWindows.Reservation.TAKEN);
            windows.release(name, at, at);
        }
        try (var client = io.lettuce.core.RedisClient.create(uri);
                var connection = client.connect()) {
            assertThat(connection.sync().keys("abuse-guard-test:" + namespace + "*"))
                    .as("no held-slot hash stays once its count is back to zero")
                    .isEmpty();
        }
    }

    @Test
    void everyKeyIsNamespacedAndExpires() {
        RedisStateStore store = (RedisStateStore) store();
        String namespace = namespace("expiry");
        store.counters(namespace, Duration.ofMinutes(1)).add("k", 1);
        store.bans(namespace).ban("k", Duration.ofMinutes(1));
        store.trails(namespace, 3, Duration.ofMinutes(1)).append("k", "a");
        var trails = store.trails(namespace, 3, Duration.ofMinutes(1));
        trails.withdraw("k", trails.reservation("POST /redeem", clock.epochMillis()));
        store.tallies(namespace, 64, 1, Duration.ofMinutes(1)).record("k", 1, 0, 0, 0);
        try (var client = io.lettuce.core.RedisClient.create(uri);
                var connection = client.connect()) {
            List<String> keys = connection.sync().keys("abuse-guard-test:" + namespace + ":*");
            // counter, ban, the bans' listing, trail, the trail's last use and withdrawn reservations, tally and the
            // tally's bitmap
            assertThat(keys).hasSize(8);
            for (String key : keys) {
                assertThat(connection.sync().pttl(key)).as(key).isPositive();
            }
        }
    }

    /**
     * review16 F4: a reservation Redis runs after its withdrawal (sent on a connection the store replaced) appends
     * nothing; the withdrawals kept for that are bounded, per trail, in number and time; entries the previous
     * version wrote ({@code operation|0|millis}, no token) still block, settle and withdraw during a rolling upgrade.
     */
    @Test
    void aReservationRunAfterItsWithdrawalAppendsNothingAndWithdrawalsAreBounded() {
        RedisStateStore store = (RedisStateStore) store();
        String namespace = namespace("withdrawn");
        Duration ttl = Duration.ofMinutes(30);
        io.github.abuseguard.store.Trails trails = store.trails(namespace, 10, ttl);
        List<io.github.abuseguard.store.TrailBlock> once =
                List.of(new io.github.abuseguard.store.TrailBlock("POST /redeem", 2, 0));
        List<String> withdrawn = new ArrayList<>();
        for (int i = 0; i < RedisStateStore.WITHDRAWALS_KEPT + 4; i++) {
            String reservation = trails.reservation("POST /redeem", clock.epochMillis());
            trails.withdraw("s", reservation); // before its append ran
            withdrawn.add(reservation);
        }
        String last = withdrawn.get(withdrawn.size() - 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trails.appendUnless("s", last, once))
                .as("run after its withdrawal")
                .isInstanceOf(io.github.abuseguard.store.StoreUnavailableException.class);
        assertThat(trails.get("s")).as("the step is free").isEmpty();
        assertThat(trails.appendUnless("s", trails.reservation("POST /redeem", clock.epochMillis()), once))
                .as("a new reservation of the session")
                .isEqualTo(-1);
        try (var client = io.lettuce.core.RedisClient.create(uri);
                var connection = client.connect()) {
            List<String> keys = connection.sync().keys("abuse-guard-test:" + namespace + ":trw:*");
            assertThat(keys).hasSize(1);
            assertThat(connection.sync().llen(keys.get(0)))
                    .as("the last withdrawals only")
                    .isEqualTo(RedisStateStore.WITHDRAWALS_KEPT);
            assertThat(connection.sync().pttl(keys.get(0)))
                    .as("for the trail's time to live")
                    .isPositive()
                    .isLessThanOrEqualTo(ttl.toMillis());
        }

        io.github.abuseguard.store.Trails older = store.trails(namespace("previous-version"), 10, ttl);
        older.append("s", "POST /redeem|0|" + clock.epochMillis()); // as the previous version reserved
        assertThat(older.appendUnless("s", older.reservation("POST /redeem", clock.epochMillis()), once))
                .as("the previous version's reservation blocks")
                .isZero();
        older.withdraw("s", "POST /redeem|0|" + clock.epochMillis());
        assertThat(older.get("s")).as("withdrawn by its exact entry").isEmpty();
        older.append("s", "POST /redeem|0|" + clock.epochMillis());
        older.settle("s", "POST /redeem", "POST /redeem|200|" + clock.epochMillis());
        assertThat(older.get("s")).containsExactly("POST /redeem|200|" + clock.epochMillis());
    }

    @Test
    void anInstanceStillOnOlderLimitsDoesNotShortenABucketsExpiry() {
        String namespace = namespace("rollout-ttl");
        var older = store().tokenBuckets(
                        namespace,
                        io.github.abuseguard.store.BucketSpec.of(
                                io.github.abuseguard.store.BucketLimit.greedy(100, 100, Duration.ofMinutes(1))));
        clock.advance(Duration.ofSeconds(1));
        var newer = store().tokenBuckets(
                        namespace,
                        io.github.abuseguard.store.BucketSpec.of(
                                io.github.abuseguard.store.BucketLimit.greedy(100, 100, Duration.ofMinutes(1)),
                                io.github.abuseguard.store.BucketLimit.greedy(1000, 1000, Duration.ofDays(1))));
        newer.tryConsume("203.0.113.7", 1);
        older.tryConsume("203.0.113.7", 1);
        try (var client = io.lettuce.core.RedisClient.create(uri);
                var connection = client.connect()) {
            List<String> keys = connection.sync().keys("abuse-guard-test:" + namespace + ":tb:*");
            assertThat(keys).hasSize(1);
            assertThat(connection.sync().pttl(keys.get(0)))
                    .as("the daily limit's expiry survives a request through the older instance")
                    .isGreaterThan(Duration.ofHours(1).toMillis());
        }
    }

    /**
     * A user name from a request body is personal data, and an API key a secret: neither is written to
     * the shared store, nor any byte of them into a key name. Keys are a fixed-length digest; a ban's
     * listing shows an address as it is and anything else as its digest.
     */
    @Test
    void noClientKeyIsStoredVerbatimAndEveryKeyNameHasAFixedLength() {
        RedisStateStore store = (RedisStateStore) store();
        String namespace = namespace("pii");
        String user = "login|alice@example.com";
        String padded = "mallory\u0000:ban:" + "x".repeat(5_000);
        store.tokenBuckets(
                        namespace,
                        io.github.abuseguard.store.BucketSpec.of(
                                io.github.abuseguard.store.BucketLimit.greedy(5, 5, Duration.ofMinutes(1))))
                .tryConsume(user, 1);
        store.counters(namespace, Duration.ofMinutes(1)).add(user, 1);
        store.counters(namespace, Duration.ofMinutes(1)).add(padded, 1);
        store.bans(namespace).ban(user, Duration.ofMinutes(1));
        store.bans(namespace).ban("203.0.113.7", Duration.ofMinutes(1));
        store.trails(namespace, 3, Duration.ofMinutes(1)).append(user, "a");
        store.tallies(namespace, 64, 1, Duration.ofMinutes(1)).record(user, 1, 0, 0, 0);

        try (var client = io.lettuce.core.RedisClient.create(uri);
                var connection = client.connect()) {
            String prefix = "abuse-guard-test:" + namespace + ":";
            List<String> keys = connection.sync().keys(prefix + "*");
            assertThat(keys)
                    .as("bucket, two counters, two bans, listing, trail and its last use, tally and its bitmap")
                    .hasSize(10);
            for (String key : keys) {
                assertThat(key)
                        .doesNotContain("alice")
                        .doesNotContain("mallory")
                        .doesNotContain("\u0000");
                if (!key.equals(prefix + "bans")) {
                    assertThat(key.substring(prefix.length())).matches("(tb|ct|ban|tr|trt|ta|tab):[A-Za-z0-9_-]{22}");
                }
            }
            assertThat(connection.sync().zrange(prefix + "bans", 0, -1))
                    .hasSize(2)
                    .contains("203.0.113.7")
                    .noneMatch(member -> member.contains("alice"));
        }
        assertThat(store.bans(namespace).active(10))
                .extracting(io.github.abuseguard.store.BannedKey::key)
                .containsExactlyInAnyOrder(
                        "203.0.113.7", "#" + KeyDigest.unkeyed().of(user));
        assertThat(store.bans(namespace).isBanned(user)).isTrue();
        store.bans(namespace).lift(user);
        assertThat(store.bans(namespace).active(10))
                .extracting(io.github.abuseguard.store.BannedKey::key)
                .containsExactly("203.0.113.7");
    }

    /** The Actuator lists a user name's ban as {@code #digest}: an operator lifts it by what the listing shows. */
    @Test
    void aBanListedAsItsDigestIsLiftedByThatListing() {
        RedisStateStore store = (RedisStateStore) store();
        var bans = store.bans(namespace("lift-digest"));
        bans.ban("login|alice@example.com", Duration.ofMinutes(5));
        bans.ban("login|bob@example.com", Duration.ofMinutes(5));
        String listed = bans.active(10).stream()
                .map(io.github.abuseguard.store.BannedKey::key)
                .filter(key -> key.equals("#" + KeyDigest.unkeyed().of("login|alice@example.com")))
                .findFirst()
                .orElseThrow();

        bans.lift(listed);

        assertThat(bans.isBanned("login|alice@example.com"))
                .as("lifted by its listing")
                .isFalse();
        assertThat(bans.isBanned("login|bob@example.com"))
                .as("the other ban stays")
                .isTrue();
        assertThat(bans.active(10))
                .extracting(io.github.abuseguard.store.BannedKey::key)
                .containsExactly("#" + KeyDigest.unkeyed().of("login|bob@example.com"));
    }

    @Test
    void instancesShareStateOnlyUnderTheSameKeySecret() {
        String namespace = namespace("secret");
        byte[] secret = "a secret of 32 bytes, not less!!".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.function.Function<byte[], RedisStateStore> instance = key -> {
            RedisStateStore.Builder builder = RedisStateStore.builder()
                    .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                    .uri(uri)
                    .keyPrefix("abuse-guard-test:")
                    .commandTimeout(Duration.ofSeconds(2))
                    .timeSource(clock);
            RedisStateStore store = (key == null ? builder : builder.keySecret(key)).build();
            stores.add(store);
            return store;
        };
        instance.apply(secret).counters(namespace, Duration.ofMinutes(1)).add("alice", 3);

        assertThat(instance.apply(secret.clone())
                        .counters(namespace, Duration.ofMinutes(1))
                        .get("alice"))
                .isEqualTo(3);
        assertThat(instance.apply(null)
                        .counters(namespace, Duration.ofMinutes(1))
                        .get("alice"))
                .as("without the secret the name of alice's count cannot be found")
                .isZero();
        assertThat(KeyDigest.keyed(secret).of("alice"))
                .isNotEqualTo(KeyDigest.unkeyed().of("alice"));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> RedisStateStore.builder().keySecret(new byte[15]))
                .withMessageContaining("at least 16 bytes");
    }

    /**
     * probe52a F3: {@code getBytes(UTF_8)} wrote an unpaired surrogate as {@code ?}, so {@code bob\ud800} and {@code
     * bob?} were one rate-limit bucket on Redis (five {@code bob?} sign-ins, then {@code bob\ud800} was refused) and
     * two in the local store; review55 F9: as U+FFFD, {@code bob\ud800}, {@code bob\udc00} and {@code bob\ufffd} were
     * one key on Redis and three in process. A lone surrogate is its own three bytes.
     */
    @Test
    void aLoneSurrogateIsNoQuestionMark() throws Exception {
        KeyDigest digest = KeyDigest.unkeyed();
        assertThat(digest.of("bob\ud800")).isNotEqualTo(digest.of("bob?"));
        assertThat(digest.of("bob\ud800"))
                .isNotEqualTo(digest.of("bob\ufffd"))
                .isNotEqualTo(digest.of("bob\udc00"))
                .isNotEqualTo(digest.of("bob"))
                .isEqualTo(digest.of("bob\ud800"));
        assertThat(io.github.abuseguard.internal.Utf8.bytes("a\ud800b\udfffc"))
                .containsExactly('a', 0xED, 0xA0, 0x80, 'b', 0xED, 0xBF, 0xBF, 'c');
        assertThat(digest.of("bob\ud83d\ude00")).as("a pair is one character").isEqualTo(digest.of("bob😀"));
        assertThat(digest.of("ålice"))
                .as("text without a lone surrogate is named as before: its keys survive an upgrade")
                .isEqualTo(java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(java.util.Arrays.copyOf(
                                java.security.MessageDigest.getInstance("SHA-256")
                                        .digest("ålice".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                                16)));
    }

    @Test
    void addressesAndNetworksAreListedAsTheyAreAndNothingElse() {
        assertThat(List.of("203.0.113.7", "10.0.0.0/8", "2001:db8:0:1::/64", "::1", "::ffff:192.0.2.1", "fe80::1"))
                .allMatch(KeyDigest::isAddress);
        assertThat(List.of(
                        "alice",
                        "1234",
                        "1.2.3",
                        "256.1.1.1",
                        "1.2.3.4.5",
                        "cafe:babe",
                        "a@b.c",
                        "1.2.3.4/",
                        "",
                        "dead:beef:x"))
                .noneMatch(KeyDigest::isAddress);
    }
}
