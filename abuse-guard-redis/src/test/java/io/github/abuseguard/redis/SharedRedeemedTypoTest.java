package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A typo redeemed on the real Redis, over two instances: the customer's failure heard by one, its sign-in by the
 * other, the crowd's guesses by both. Its IPv6 /48 is not remembered with the crowd (probe22 F4), on either
 * instance; the crowd is.
 */
class SharedRedeemedTypoTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final Duration DURATION = Duration.ofMinutes(2);

    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void aTypoHeardByOneInstanceIsRedeemedBySigningInOnTheOther() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (RedisStateStore storeA = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore storeB = RedisAvailability.store(uri, prefix, clock)) {
            FailureGuard guardA = guard(storeA);
            AbuseGuard a = engine(guardA);
            AbuseGuard b = engine(guard(storeB));

            signIn(a, "2001:db8:aaaa:1::1", "carol", 401);
            clock.advance(Duration.ofSeconds(2));
            signIn(b, "2001:db8:aaaa:1::1", "carol", 200);
            signIn(b, "2001:db8:bbbb:1::1", "dave", 401);
            clock.advance(Duration.ofSeconds(1));
            for (int site = 1; site <= 12; site++) {
                AbuseGuard instance = site % 2 == 0 ? a : b;
                for (int g = 0; g < 2; g++) {
                    signIn(instance, "198.18.0." + site, "victim-" + site + "-" + g, 401);
                }
            }
            assertThat(guardA.underAttack()).containsExactly("login");
            clock.advance(DURATION.plusSeconds(1));

            for (AbuseGuard instance : new AbuseGuard[] {a, b}) {
                assertThat(signIn(instance, "2001:db8:aaaa:" + (instance == a ? "2" : "3") + "::1", "owner", 200)
                                .isAllow())
                        .as("a fresh /64 of the redeemed typo's /48")
                        .isTrue();
                assertThat(signIn(instance, "2001:db8:bbbb:" + (instance == a ? "2" : "3") + "::1", "owner", 200)
                                .reason())
                        .as("a fresh /64 of the /48 of a typo not redeemed")
                        .isEqualTo("site-under-attack");
                assertThat(signIn(instance, "198.18.0.1", "later", 401).reason())
                        .as("the crowd")
                        .isEqualTo("site-under-attack");
            }
        }
    }

    private FailureGuard guard(RedisStateStore store) {
        return FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .methods("POST")
                        .key("ip")
                        .distinct("body:/username")
                        .maxRetry(20)
                        .findTime(Duration.ofMinutes(10))
                        .underAttack(new UnderAttack(
                                Duration.ofSeconds(10),
                                5.0,
                                20,
                                0.2,
                                DURATION,
                                Action.REJECT,
                                EnumSet.allOf(UnderAttack.Signal.class),
                                null))
                        .build())
                .build();
    }

    private AbuseGuard engine(FailureGuard guard) {
        return AbuseGuard.builder().guard(guard).timeSource(clock).build();
    }

    private static Decision signIn(AbuseGuard engine, String address, String username, int status) {
        GuardRequest request = GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
        Evaluation evaluation = engine.evaluate(request);
        if (!evaluation.decision().isDeny()) {
            engine.complete(request, status);
        }
        return evaluation.decision();
    }
}
