package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.testing.FakeTimeSource;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * probe52d F2 on the real Redis, over two instances: a failure rule's ban lifted through one is lifted for the other,
 * its failures forgotten; an account banned by a rule keyed by user name is listed by its digest and lifted by its
 * name.
 */
class SharedFailureLiftTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void aBanLiftedThroughOneInstanceIsLiftedOnTheOtherAndAnAccountListedByItsDigestIsLiftedByName() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (RedisStateStore storeA = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore storeB = RedisAvailability.store(uri, prefix, clock)) {
            FailureGuard guardA = guard(storeA);
            FailureGuard guardB = guard(storeB);
            AbuseGuard a = AbuseGuard.builder().guard(guardA).timeSource(clock).build();
            AbuseGuard b = AbuseGuard.builder().guard(guardB).timeSource(clock).build();
            fail(a, "198.51.100.20", "erin");
            fail(b, "198.51.100.20", "erin");
            assertThat(refused(b, "198.51.100.20", "frank")).as("the address").isTrue();
            assertThat(refused(a, "198.51.100.21", "erin")).as("the account").isTrue();
            assertThat(guardB.bans(10).get("address"))
                    .extracting(BannedKey::key)
                    .containsExactly("198.51.100.20");
            String listing = guardB.bans(10).get("account").get(0).key();
            assertThat(listing).as("a user name is listed by its digest").startsWith("#");

            assertThat(guardA.lift("198.51.100.20", "198.51.100.20")).containsExactly("address");
            assertThat(refused(b, "198.51.100.20", "frank"))
                    .as("lifted for the other instance")
                    .isFalse();
            fail(b, "198.51.100.20", "grace");
            assertThat(refused(b, "198.51.100.20", "heidi"))
                    .as("one new failure: the two before the lift are forgotten")
                    .isFalse();

            assertThat(guardA.lift("Erin", null)).as("by its name").containsExactly("account");
            assertThat(refused(b, "198.51.100.22", "erin")).isFalse();
        }
    }

    /**
     * review56 F4: a request without the rule's key is counted, and banned, by a stand-in for its address, which the
     * shared store listed by its digest: the operator could not tell whose ban it was. It is listed by the address,
     * and lifted by it on every instance.
     */
    @Test
    void aBanOfARequestWithoutTheRulesKeyIsListedByItsAddress() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (RedisStateStore storeA = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore storeB = RedisAvailability.store(uri, prefix, clock)) {
            FailureGuard guardA = guard(storeA);
            FailureGuard guardB = guard(storeB);
            AbuseGuard a = AbuseGuard.builder().guard(guardA).timeSource(clock).build();
            GuardRequest withoutName = GuardRequest.builder("POST", "/api/login")
                    .client("198.51.100.30")
                    .body("application/json", "{}")
                    .build();
            for (int i = 0; i < 2; i++) {
                a.complete(withoutName, a.evaluate(withoutName), 401);
            }
            assertThat(guardB.bans(10).get("account"))
                    .extracting(BannedKey::key)
                    .containsExactly("198.51.100.30");
            assertThat(guardB.lift("198.51.100.30", "198.51.100.30")).contains("account");
            assertThat(guardA.bans(10).get("account")).isEmpty();
        }
    }

    /**
     * user66 F1: README (plain servlet applications) says {@code lift} takes "the key as {@code bans} lists it"; on
     * Redis an {@code ip+body:/username} ban is listed by its digest. Lifting that listing removed the ban from the
     * listing (and returned no rule) but left the failures counted, so the account stayed refused (429
     * too-many-in-flight) while {@code bans} listed nothing: a lift must be whole or not at all.
     */
    @Test
    void aBanLiftedByTheKeyBansListsIsLiftedWholeOrStaysListed() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "user66:test:" + UUID.randomUUID() + ":";
        try (RedisStateStore store = RedisAvailability.store(uri, prefix, clock)) {
            FailureGuard guard = FailureGuard.builder()
                    .store(store)
                    .timeSource(clock)
                    .rule(FailureRule.builder("pair")
                            .path("/api/login")
                            .key("ip+body:/username")
                            .maxRetry(3)
                            .build())
                    .build();
            AbuseGuard engine =
                    AbuseGuard.builder().guard(guard).timeSource(clock).build();
            for (int i = 0; i < 3; i++) {
                fail(engine, "198.51.100.40", "alice");
            }
            assertThat(refused(engine, "198.51.100.40", "alice")).isTrue();
            String listed = guard.bans(10).get("pair").get(0).key();
            assertThat(listed).startsWith("#");

            assertThat(guard.lift(listed, null)).containsExactly("pair");

            boolean stillListed = !guard.bans(10).get("pair").isEmpty();
            boolean stillRefused = refused(engine, "198.51.100.40", "alice");
            assertThat(stillListed || !stillRefused)
                    .as("after lift(%s): listed=%s, refused=%s", listed, stillListed, stillRefused)
                    .isTrue();
            assertThat(stillRefused).as("lifted whole").isFalse();
        }
    }

    private FailureGuard guard(RedisStateStore store) {
        return FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("address")
                        .path("/api/login")
                        .maxRetry(2)
                        .build())
                .rule(FailureRule.builder("account")
                        .path("/api/login")
                        .key("body:/username")
                        .maxRetry(2)
                        .build())
                .build();
    }

    private static GuardRequest login(String address, String username) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .body("application/json", "{\"username\":\"" + username + "\"}")
                .build();
    }

    private static void fail(AbuseGuard engine, String address, String username) {
        GuardRequest request = login(address, username);
        Evaluation evaluation = engine.evaluate(request);
        assertThat(evaluation.decision().isDeny()).isFalse();
        engine.complete(request, evaluation, 401);
    }

    /** Whether a request is refused; one that is not is answered 200, which counts as no failure. */
    private static boolean refused(AbuseGuard engine, String address, String username) {
        GuardRequest request = login(address, username);
        Evaluation evaluation = engine.evaluate(request);
        if (evaluation.decision().isDeny()) {
            return true;
        }
        engine.complete(request, evaluation, 200);
        return false;
    }
}
