package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * probe75b: a refusal by Redis is remembered on the instance that heard it until the refill ("a throttled client
 * costs no round trip until then"), and README keeps a key that another client may spend ("{@code mailbox:}, {@code
 * body:}, {@code query:}, {@code basic-user}") for a second only, since "requests another instance refunded may have
 * filled its bucket again" (probe45b F3). A site-wide cap ({@code key: global}) and a network's limit are spent by
 * everyone else: the moment some other client's refundable requests hold them, one refusal on an instance shuts the
 * honest clients out of that instance until the refill, while Redis holds the tokens the refunds gave back.
 */
class Probe75bSharedKeyDenialTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private String uri;
    private String prefix;

    @BeforeEach
    void redis() {
        uri = RedisAvailability.requireRedis();
        prefix = "abuse-guard-test:probe75b:" + UUID.randomUUID() + ":";
    }

    @AfterEach
    void clean() {
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

    @Test
    void aSiteWideCapRefusedOnceOnAnInstanceWhileOthersHeldItIsNotRefusedThereForTheRestOfTheHour() throws Exception {
        try (RedisStateStore redisA = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore redisB = RedisAvailability.store(uri, prefix, clock);
                ResilientStateStore storeA = resilient(redisA);
                ResilientStateStore storeB = resilient(redisB)) {
            AbuseGuard a = engine(storeA, "global", Limit.Refill.INTERVALLY);
            AbuseGuard b = engine(storeB, "global", Limit.Refill.INTERVALLY);

            // Three sign-ups the application will refuse (400: a malformed request), in flight on instance B.
            List<GuardRequest> held = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                GuardRequest request = signUp("198.51.100." + i);
                assertThat(b.evaluate(request).decision().isAllow()).isTrue();
                held.add(request);
            }
            // Meanwhile one more sign-up reaches instance A: the cap is spent, for the moment.
            assertThat(a.evaluate(signUp("198.51.100.9")).decision().reason())
                    .isEqualTo(RateLimitGuard.CAPACITY_REACHED);
            // B answers its three with 400: each gives its token back, and Redis holds the whole cap again.
            for (GuardRequest request : held) {
                b.complete(request, 400);
            }
            clock.advance(Duration.ofSeconds(2));

            int through = 0;
            String refusedBy = null;
            for (int n = 0; n < 3; n++) {
                Evaluation evaluation = a.evaluate(signUp("203.0.113." + (n + 1)));
                if (evaluation.decision().isAllow()) {
                    through++;
                } else {
                    refusedBy = evaluation.decision().reason() + " Retry-After "
                            + evaluation.decision().retryAfter();
                }
            }
            assertThat(through)
                    .as(
                            "three honest sign-ups on instance A while Redis holds the cap's three tokens (refused: %s)",
                            refusedBy)
                    .isEqualTo(3);
            assertThat(b.evaluate(signUp("203.0.113.9")).decision().reason())
                    .as("the three on A spent the cap on Redis: B refuses the fourth")
                    .isEqualTo(RateLimitGuard.CAPACITY_REACHED);
        }
    }

    @Test
    void aNetworksLimitRefusedOnceOnAnInstanceWhileANeighbourHeldItIsNotRefusedThereUntilTheRefill() throws Exception {
        try (RedisStateStore redisA = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore redisB = RedisAvailability.store(uri, prefix, clock);
                ResilientStateStore storeA = resilient(redisA);
                ResilientStateStore storeB = resilient(redisB)) {
            // the default refill, gradual: a token every 20 minutes
            AbuseGuard a = engine(storeA, "network", Limit.Refill.GREEDY);
            AbuseGuard b = engine(storeB, "network", Limit.Refill.GREEDY);

            // A neighbour in the /24 holds the network's three sign-ups with requests the application will refuse.
            List<GuardRequest> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                GuardRequest request = signUp("198.51.100.66");
                assertThat(b.evaluate(request).decision().isAllow()).isTrue();
                held.add(request);
            }
            assertThat(a.evaluate(signUp("198.51.100.66")).decision().isDeny()).isTrue();
            for (GuardRequest request : held) {
                b.complete(request, 400);
            }
            clock.advance(Duration.ofSeconds(2));

            Evaluation honest = a.evaluate(signUp("198.51.100.7"));
            assertThat(honest.decision().isAllow())
                    .as(
                            "another address of the /24, its network's bucket full again on Redis: refused %s",
                            honest.decision().retryAfter())
                    .isTrue();
            assertThat(b.evaluate(signUp("198.51.100.8")).decision().isAllow())
                    .as("instance B asks Redis, which has the tokens")
                    .isTrue();
        }
    }

    private static GuardRequest signUp(String address) {
        return GuardRequest.builder("POST", "/api/signup").client(address).build();
    }

    private ResilientStateStore resilient(StateStore remote) {
        return ResilientStateStore.builder(
                        remote, LocalStateStore.builder().timeSource(clock).build())
                .timeSource(clock)
                .build();
    }

    private AbuseGuard engine(StateStore store, String key, Limit.Refill refill) {
        return AbuseGuard.builder()
                .timeSource(clock)
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("signup-" + key)
                                .path("/api/signup")
                                .key(key)
                                .refundStatuses("400")
                                .limit(new Limit(3, 3, Duration.ofHours(1), refill))
                                .build())
                        .build())
                .build();
    }
}
