package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A rule keyed {@code global} on Redis: two instances of an application share one bucket, held in one Redis key,
 * and one address hammering both instances spends nothing of it beyond what its own limit lets through. The
 * limits refill one token a day or slower, so no token comes back while the test runs.
 */
class SharedCapTest {
    private static final int CAP = 50;
    private static final int PER_ADDRESS = 5;

    @Test
    void twoInstancesShareOneCapInOneKeyThatOneAddressCannotSpendAlone() {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:routecap:" + UUID.randomUUID() + ":";
        try (RedisStateStore first = store(uri, prefix);
                RedisStateStore second = store(uri, prefix)) {
            check(uri, prefix, first, second);
        } finally {
            // The buckets refill over 50 days: the shared Redis is not left holding them that long.
            try (var client = io.lettuce.core.RedisClient.create(uri);
                    var connection = client.connect()) {
                List<String> keys = connection.sync().keys(prefix + "*");
                if (!keys.isEmpty()) {
                    connection.sync().del(keys.toArray(String[]::new));
                }
            }
        }
    }

    private static void check(String uri, String prefix, RedisStateStore first, RedisStateStore second) {
        AbuseGuard[] instances = {engine(first), engine(second)};

        int attackerThrough = 0;
        for (int i = 0; i < 200; i++) {
            Evaluation evaluation = instances[i % 2].evaluate(signUp("203.0.113.66"));
            if (!evaluation.isDenied()) {
                attackerThrough++;
            } else {
                assertThat(evaluation.decision().rule()).isEqualTo("signup-per-ip");
            }
        }
        assertThat(attackerThrough).isEqualTo(PER_ADDRESS);

        int crowdThrough = 0;
        for (int n = 0; n < 100; n++) {
            Evaluation evaluation = instances[n % 2].evaluate(signUp("10.0." + n + ".7"));
            if (!evaluation.isDenied()) {
                crowdThrough++;
            } else {
                assertThat(evaluation.decision().reason()).isEqualTo(RateLimitGuard.CAPACITY_REACHED);
            }
        }
        assertThat(crowdThrough)
                .as("the cap across both instances, less the attacker's five")
                .isEqualTo(CAP - PER_ADDRESS);

        try (var client = io.lettuce.core.RedisClient.create(uri);
                var connection = client.connect()) {
            List<String> keys = connection.sync().keys(prefix + "rate-limit:signup-site:*");
            assertThat(keys).as("one bucket for every client").hasSize(1);
            assertThat(connection.sync().keys(prefix + "rate-limit:signup-per-ip:*"))
                    .as(
                            "one bucket per address that spent a token: the attacker's and the crowd's 45 let through;"
                                    + " a sign-up the cap refused got its token back, and a full bucket keeps no key (probe64e F1)")
                    .hasSize(1 + CAP - PER_ADDRESS);
        }
    }

    private static GuardRequest signUp(String address) {
        return GuardRequest.builder("POST", "/api/signup").client(address).build();
    }

    private static RedisStateStore store(String uri, String prefix) {
        return RedisStateStore.builder()
                .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                .uri(uri)
                .keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static AbuseGuard engine(RedisStateStore store) {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(store)
                        // The cap first: the guard charges it after the per-address rule all the same.
                        .rule(RateLimitRule.builder("signup-site")
                                .path("/api/signup")
                                .key("global")
                                .limit(new Limit(CAP, 1, Duration.ofDays(1), Limit.Refill.GREEDY))
                                .build())
                        .rule(RateLimitRule.builder("signup-per-ip")
                                .path("/api/signup")
                                .limit(new Limit(PER_ADDRESS, 1, Duration.ofDays(1), Limit.Refill.GREEDY))
                                .build())
                        .build())
                .build();
    }
}
