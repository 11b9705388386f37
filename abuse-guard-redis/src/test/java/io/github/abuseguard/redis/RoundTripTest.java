package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.RuleGuard;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.BucketLimit;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.TokenBuckets;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Counts the commands a rate decision sends to a real Redis, with {@code MONITOR}. */
class RoundTripTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private String uri;
    private String prefix;
    private RedisStateStore store;

    @BeforeEach
    void start() {
        uri = RedisAvailability.requireRedis();
        prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        store = RedisStateStore.builder()
                .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                .uri(uri)
                .keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(5))
                .timeSource(clock)
                .build();
    }

    @AfterEach
    void stop() {
        store.close();
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

    private AbuseGuard engine(int perHour) {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("per-ip")
                                .path("/api/**")
                                .limit(Limit.of(perHour, Duration.ofHours(1)))
                                .build())
                        .build())
                .build();
    }

    private static Evaluation request(AbuseGuard engine, String client) {
        return engine.evaluate(
                GuardRequest.builder("GET", "/api/scores").client(client).build());
    }

    @Test
    void anAllowedDecisionIsOneCommandAndAThrottledKeyNoneUntilItsRetryAfter() throws Exception {
        AbuseGuard engine = engine(3);
        request(engine, "198.51.100.1"); // the script reaches the server's cache before counting starts
        try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
            for (int i = 0; i < 3; i++) {
                assertThat(request(engine, "203.0.113.7").isDenied()).isFalse();
            }
            List<String> allowed = monitor.commandsSoFar();
            assertThat(allowed)
                    .hasSize(3)
                    .allSatisfy(command -> assertThat(command).contains("\"EVALSHA\""));

            Evaluation throttled = request(engine, "203.0.113.7");
            assertThat(throttled.isDenied()).isTrue();
            assertThat(monitor.commandsSoFar())
                    .as("Redis tells the first refusal")
                    .hasSize(1);

            for (int i = 0; i < 50; i++) {
                assertThat(request(engine, "203.0.113.7").isDenied()).isTrue();
            }
            clock.advance(Duration.ofMinutes(19));
            assertThat(request(engine, "203.0.113.7").isDenied()).isTrue();
            assertThat(monitor.commandsSoFar())
                    .as("refused locally until the retry-after")
                    .isEmpty();

            clock.advance(Duration.ofMinutes(2)); // one token back after 20 minutes
            assertThat(request(engine, "203.0.113.7").isDenied()).isFalse();
            assertThat(monitor.commandsSoFar()).hasSize(1);
        }
    }

    /**
     * probe70a: on a sign-up route whose rate-limit guard also limits the mailbox read from the body, a client over
     * its limit per address is refused by that limit, remembered on this instance, before a guard that reads the
     * body (the e-mail guard) is asked, and without a round trip.
     */
    @Test
    void aClientOverItsAddressLimitIsRefusedBeforeAGuardReadsItsBodyAndWithoutARoundTrip() throws Exception {
        BodyReader reader = new BodyReader();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(reader)
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("per-mailbox")
                                .path("/api/accounts")
                                .key("mailbox:/email")
                                .limit(Limit.of(1, Duration.ofHours(1)))
                                .build())
                        .rule(RateLimitRule.builder("per-ip")
                                .path("/api/accounts")
                                .limit(Limit.of(2, Duration.ofHours(1)))
                                .build())
                        .build())
                .build();
        assertThat(signUp(engine, "ann@example.com").isDenied()).isFalse();
        assertThat(signUp(engine, "bob@example.com").isDenied()).isFalse();
        assertThat(signUp(engine, "eve@example.com").decision().rule())
                .as("Redis tells the first refusal")
                .isEqualTo("per-ip");
        assertThat(reader.bodiesRead).isEqualTo(3);
        try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
            for (int i = 0; i < 5; i++) {
                Evaluation over = signUp(engine, "x" + i + "@example.com");
                assertThat(over.decision().status()).isEqualTo(429);
                assertThat(over.decision().rule()).isEqualTo("per-ip");
            }
            assertThat(monitor.commandsSoFar()).as("refused locally").isEmpty();
        }
        assertThat(reader.bodiesRead).as("no body read").isEqualTo(3);
        clock.advance(Duration.ofMinutes(31)); // one token back after 30 minutes
        assertThat(signUp(engine, "fay@example.com").isDenied()).isFalse();
        assertThat(reader.bodiesRead).isEqualTo(4);
    }

    /** Reads the e-mail address of each request it is asked about, as the e-mail guard does. */
    private static final class BodyReader extends RuleGuard<EmailRule> {
        int bodiesRead;

        BodyReader() {
            super(
                    "body-reader",
                    List.of(EmailRule.builder("sign-up").path("/api/accounts").build()));
        }

        @Override
        protected boolean readsBody(EmailRule rule) {
            return true;
        }

        @Override
        public Decision check(GuardRequest request) {
            request.bodyField("/email");
            bodiesRead++;
            return Decision.allow();
        }
    }

    private static Evaluation signUp(AbuseGuard engine, String email) {
        return engine.evaluate(GuardRequest.builder("POST", "/api/accounts")
                .route("/api/accounts")
                .client("203.0.113.70")
                .body("application/json", "{\"email\":\"" + email + "\"}")
                .build());
    }

    @Test
    void aDecisionAfterTheServerForgotTheScriptLoadsItAgainAndCounts() throws Exception {
        TokenBuckets buckets =
                store.tokenBuckets("noscript", BucketSpec.of(BucketLimit.greedy(2, 2, Duration.ofHours(1))));
        assertThat(buckets.tryConsume("k", 1).consumed()).isTrue();
        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            connection.sync().scriptFlush();
        } finally {
            client.shutdown();
        }

        assertThat(buckets.tryConsume("k", 1).remainingTokens()).isZero();
        assertThat(buckets.tryConsume("k", 1).consumed()).isFalse();
    }

    @Test
    void aRefundOnThisInstanceEndsItsRememberedDenial() {
        TokenBuckets buckets =
                store.tokenBuckets("refund", BucketSpec.of(BucketLimit.greedy(1, 1, Duration.ofHours(1))));
        assertThat(buckets.tryConsume("k", 1).consumed()).isTrue();
        assertThat(buckets.tryConsume("k", 1).consumed()).isFalse();

        buckets.refund("k", 1);

        assertThat(buckets.tryConsume("k", 1).consumed()).isTrue();
    }

    /**
     * probe45b F3: a key another client may name (a mailbox) refused on one instance while the requests that spent
     * it were refunded on another stayed refused there until the refill (8 h of a 3-a-day sign-up limit). Such a
     * refusal is remembered for a second; a key of the client's own, until the refill.
     */
    @Test
    void aRefusalOfAKeyOthersMayNameIsRememberedForASecondOnly() {
        BucketLimit oneAnHour = BucketLimit.greedy(1, 1, Duration.ofHours(1));
        try (RedisStateStore other = RedisStateStore.builder()
                .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                .uri(uri)
                .keyPrefix(prefix)
                .timeSource(clock)
                .build()) {
            for (boolean shared : new boolean[] {true, false}) {
                String namespace = shared ? "mailbox" : "address";
                TokenBuckets here = store.tokenBuckets(namespace, new BucketSpec(List.of(oneAnHour), shared));
                TokenBuckets there = other.tokenBuckets(namespace, new BucketSpec(List.of(oneAnHour), shared));
                assertThat(here.tryConsume("ann@gmail.com", 1).consumed()).isTrue();
                assertThat(there.tryConsume("ann@gmail.com", 1).consumed()).isFalse();
                here.refund("ann@gmail.com", 1); // the application refused the request that spent it
                assertThat(there.tryConsume("ann@gmail.com", 1).consumed())
                        .as("within the second, remembered")
                        .isFalse();

                clock.advance(Duration.ofSeconds(1));

                assertThat(there.tryConsume("ann@gmail.com", 1).consumed())
                        .as(
                                shared
                                        ? "the owner's sign-up a second later"
                                        : "a key of the client's own: until the refill")
                        .isEqualTo(shared);
            }
        }
    }

    @Test
    void aRememberedDenialTellsTheTimeLeftUntilTheTokensAreBack() {
        TokenBuckets buckets =
                store.tokenBuckets("wait", BucketSpec.of(BucketLimit.greedy(1, 1, Duration.ofMinutes(10))));
        buckets.tryConsume("k", 1);
        long first = buckets.tryConsume("k", 1).nanosToWaitForRefill();
        clock.advance(Duration.ofMinutes(4));

        long later = buckets.tryConsume("k", 1).nanosToWaitForRefill();

        assertThat(later).isEqualTo(first - Duration.ofMinutes(4).toNanos());
    }

    @Test
    void withoutADenialCacheEveryDecisionGoesToRedis() throws Exception {
        store.close();
        store = RedisStateStore.builder()
                .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                .uri(uri)
                .keyPrefix(prefix)
                .timeSource(clock)
                .denialCacheSize(0)
                .build();
        AbuseGuard engine = engine(1);
        request(engine, "198.51.100.1");
        try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
            for (int i = 0; i < 4; i++) {
                request(engine, "203.0.113.7");
            }
            assertThat(monitor.commandsSoFar()).hasSize(4);
        }
    }
}
