package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * review104 F1 on the real Redis, over two instances ({@code CounterSlidingWindows.banAfresh}): README says "over a
 * long time a key gets at most about max-retry per find-time"; with ban-time 1m under find-time 10m, one address
 * guessing a second at a time through two instances got 285 guesses in an hour (on the local store, before b4800271: 26).
 */
class Review104SharedBanAfreshTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void aKeyGetsAtMostAboutMaxRetryPerFindTimeOverTwoInstancesWhenItsBanIsShorter() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "review104:test:" + UUID.randomUUID() + ":";
        try (RedisStateStore storeA = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore storeB = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard a = engine(storeA);
            AbuseGuard b = engine(storeB);
            int reached = 0;
            for (int second = 0; second < 3600; second++) {
                if (attempt(second % 2 == 0 ? a : b)) {
                    reached++;
                }
                clock.advance(Duration.ofSeconds(1));
            }
            assertThat(reached)
                    .as("guesses in an hour, max-retry 5, find-time 10m, ban-time 1m: README says at most about 30")
                    .isLessThanOrEqualTo(2 * 5 * 6);
        }
    }

    private AbuseGuard engine(RedisStateStore store) {
        FailureGuard guard = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .key("ip+body:/username")
                        .maxRetry(5)
                        .findTime(Duration.ofMinutes(10))
                        .banTime(Duration.ofMinutes(1))
                        .banFactor(1)
                        .build())
                .build();
        return AbuseGuard.builder().guard(guard).timeSource(clock).build();
    }

    /** One wrong password; whether it reached the application. */
    private static boolean attempt(AbuseGuard engine) {
        GuardRequest request = GuardRequest.builder("POST", "/api/login")
                .client("198.51.100.50")
                .body("application/json", "{\"username\":\"alice\"}")
                .build();
        Evaluation evaluation = engine.evaluate(request);
        if (evaluation.decision().isDeny()) {
            return false;
        }
        engine.complete(request, evaluation, 401);
        return true;
    }
}
