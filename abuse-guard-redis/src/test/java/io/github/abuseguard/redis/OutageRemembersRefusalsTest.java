package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.Consumption;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.Tallies;
import io.github.abuseguard.store.TokenBuckets;
import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisCommandTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Probe finding F4 in miniature, on the real Redis: two instances share it; one of them loses it (its
 * commands time out, as they do when an attacker's own burst starves a small machine) and answers from its
 * fallback. The outage is driven by a gate in front of that instance's Redis store, not by load, so the
 * test does not depend on timing.
 */
class OutageRemembersRefusalsTest {

    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void anOutageOnOneInstanceForgetsNeitherBansNorRefusalsAndBansTakenDuringItReachTheOthers() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (RedisStateStore redisA = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore redisB = RedisAvailability.store(uri, prefix, clock)) {
            GatedStore gate = new GatedStore(redisA);
            ResilientStateStore storeA = resilient(gate);
            ResilientStateStore storeB = resilient(redisB);
            AbuseGuard a = engine(storeA);
            AbuseGuard b = engine(storeB);

            for (int i = 0; i < 10; i++) {
                guessAndFail(b, "198.51.100.1");
            }
            assertThat(reason(a, guess("198.51.100.1")))
                    .as("banned on Redis by the other instance")
                    .isEqualTo("too-many-failures");
            for (int i = 0; i < 3; i++) {
                assertThat(a.evaluate(scores("198.51.100.2")).decision().isAllow())
                        .isTrue();
            }
            assertThat(a.evaluate(scores("198.51.100.2")).decision().isDeny())
                    .as("drained on Redis")
                    .isTrue();

            gate.down.set(true);
            for (int i = 0; i < 20 && storeA.isAvailable(); i++) {
                a.evaluate(scores("203.0.113." + (i + 1)));
            }
            assertThat(storeA.isAvailable()).as("the circuit opened").isFalse();

            assertThat(reason(a, guess("198.51.100.1")))
                    .as("the ban survives the fallback")
                    .isEqualTo("too-many-failures");
            assertThat(a.evaluate(scores("198.51.100.2")).decision().isDeny())
                    .as("so does the rate limit's refusal, until its retry-after")
                    .isTrue();
            assertThat(a.evaluate(guess("198.51.100.3")).decision().isAllow())
                    .as("the fallback still answers everyone else")
                    .isTrue();

            for (int i = 0; i < 10; i++) {
                guessAndFail(a, "198.51.100.4");
            }
            assertThat(reason(a, guess("198.51.100.4"))).isEqualTo("too-many-failures");

            gate.down.set(false);
            clock.advance(Duration.ofSeconds(6));
            for (int i = 0; i < 20 && !storeA.isAvailable(); i++) {
                a.evaluate(scores("203.0.113." + (i + 100)));
            }
            assertThat(storeA.isAvailable()).as("the circuit closed").isTrue();
            assertThat(reason(b, guess("198.51.100.4")))
                    .as("the ban taken during the outage reached the other instance")
                    .isEqualTo("too-many-failures");
            assertThat(reason(a, guess("198.51.100.1"))).isEqualTo("too-many-failures");
        }
    }

    private void guessAndFail(AbuseGuard engine, String address) {
        GuardRequest request = guess(address);
        assertThat(engine.evaluate(request).decision().isAllow()).isTrue();
        engine.complete(request, 401);
    }

    private static String reason(AbuseGuard engine, GuardRequest request) {
        Decision decision = engine.evaluate(request).decision();
        return decision.isDeny() ? decision.reason() : "allowed";
    }

    private static GuardRequest guess(String address) {
        return GuardRequest.builder("GET", "/api/cards/1234").client(address).build();
    }

    private static GuardRequest scores(String address) {
        return GuardRequest.builder("GET", "/api/scores/chess").client(address).build();
    }

    private ResilientStateStore resilient(StateStore remote) {
        return ResilientStateStore.builder(
                        remote, LocalStateStore.builder().timeSource(clock).build())
                .minimumCalls(5)
                .windowSize(20)
                .halfOpenCalls(1)
                .timeSource(clock)
                .build();
    }

    private AbuseGuard engine(StateStore store) {
        return AbuseGuard.builder()
                .guard(FailureGuard.builder()
                        .store(store)
                        .timeSource(clock)
                        .rule(FailureRule.builder("guess")
                                .path("/api/cards/**")
                                .maxRetry(10)
                                .build())
                        .build())
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("per-ip")
                                .path("/api/scores/**")
                                .limit(new Limit(3, 1, Duration.ofMinutes(10), Limit.Refill.GREEDY))
                                .build())
                        .build())
                .timeSource(clock)
                .build();
    }

    /** A store in front of another that, while {@code down}, fails every call as a Redis command timeout does. */
    private static final class GatedStore implements StateStore {
        final AtomicBoolean down = new AtomicBoolean();
        private final StateStore delegate;

        GatedStore(StateStore delegate) {
            this.delegate = delegate;
        }

        private void pass() {
            if (down.get()) {
                throw new RedisCommandTimeoutException("Command timed out after 200 millisecond(s)");
            }
        }

        @Override
        public TokenBuckets tokenBuckets(String namespace, BucketSpec spec) {
            TokenBuckets buckets = delegate.tokenBuckets(namespace, spec);
            return new TokenBuckets() {
                @Override
                public Consumption tryConsume(String key, long tokens) {
                    pass();
                    return buckets.tryConsume(key, tokens);
                }

                @Override
                public void refund(String key, long tokens) {
                    pass();
                    buckets.refund(key, tokens);
                }

                @Override
                public long trackedKeys() {
                    pass();
                    return buckets.trackedKeys();
                }
            };
        }

        @Override
        public Counters counters(String namespace, Duration window) {
            return new GatedCounters(delegate.counters(namespace, window));
        }

        /** Every operation of the delegate's, so that Redis keeps its one-script steps. */
        private final class GatedCounters implements Counters {
            final Counters counters;

            GatedCounters(Counters counters) {
                this.counters = counters;
            }

            @Override
            public long add(String key, long delta) {
                pass();
                return counters.add(key, delta);
            }

            @Override
            public long get(String key) {
                pass();
                return counters.get(key);
            }

            @Override
            public long[] addAndGet(String key, long delta, String other) {
                pass();
                return counters.addAndGet(key, delta, other);
            }

            @Override
            public long[] get(String key, String other) {
                pass();
                return counters.get(key, other);
            }

            @Override
            public boolean reserve(
                    String reserved,
                    String reservedBefore,
                    String current,
                    String previous,
                    long previousPart,
                    long whole,
                    long limit) {
                pass();
                return counters.reserve(reserved, reservedBefore, current, previous, previousPart, whole, limit);
            }

            @Override
            public void release(String reserved) {
                pass();
                counters.release(reserved);
            }

            @Override
            public long[] addAndRelease(String key, long delta, String other, String reserved) {
                pass();
                return counters.addAndRelease(key, delta, other, reserved);
            }
        }

        @Override
        public Bans bans(String namespace) {
            Bans bans = delegate.bans(namespace);
            return new Bans() {
                @Override
                public void ban(String key, Duration ttl) {
                    pass();
                    bans.ban(key, ttl);
                }

                @Override
                public boolean isBanned(String key) {
                    pass();
                    return bans.isBanned(key);
                }

                @Override
                public Duration remaining(String key) {
                    pass();
                    return bans.remaining(key);
                }

                @Override
                public long[] addAndGetUnlessBanned(
                        String key, Counters counters, String countKey, long delta, String otherKey) {
                    pass();
                    Counters inner = counters instanceof GatedCounters gated ? gated.counters : counters;
                    return bans.addAndGetUnlessBanned(key, inner, countKey, delta, otherKey);
                }

                @Override
                public void lift(String key) {
                    pass();
                    bans.lift(key);
                }

                @Override
                public List<BannedKey> active(int limit) {
                    pass();
                    return bans.active(limit);
                }
            };
        }

        @Override
        public Trails trails(String namespace, int maxLength, Duration ttl) {
            pass();
            return delegate.trails(namespace, maxLength, ttl);
        }

        @Override
        public Tallies tallies(String namespace, int bits, int slots, Duration ttl) {
            pass();
            return delegate.tallies(namespace, bits, slots, ttl);
        }
    }
}
