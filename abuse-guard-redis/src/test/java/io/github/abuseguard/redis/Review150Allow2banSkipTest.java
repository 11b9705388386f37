package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * review150: allow2ban (counting: requests) bans only when a request's sliding count is exactly max-retry + 1. The
 * sliding count is weighted by the caller's clock, so two instances whose clocks differ by 2 ms (or one instance's
 * racing threads whose times reach the store out of order) can see the count go from max-retry to max-retry + 2:
 * no request bans, the key over the limit is refused by its count alone, with a Retry-After of 1 s, and admitted
 * again as soon as its count slides under the limit, long before ban-time.
 */
class Review150Allow2banSkipTest {

    private static final Duration FIND_TIME = Duration.ofMinutes(10);

    @Test
    void aCountThatStepsOverMaxRetryPlusOneStillBansForBanTime() {
        String uri = RedisAvailability.requireRedis();
        String prefix = "review150:" + UUID.randomUUID() + ":";
        FakeTimeSource clockA = new FakeTimeSource();
        FakeTimeSource clockB = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clockA);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clockB)) {
            FailureRule.Builder rule = FailureRule.builder("reset")
                    .path("/api/password-reset")
                    .counting(FailureRule.Counting.REQUESTS)
                    .maxRetry(5)
                    .findTime(FIND_TIME)
                    .banTime(Duration.ofMinutes(15))
                    .maxBanTime(Duration.ofHours(24));
            AbuseGuard a = Probe83aTwoInstancesTest.engine(first, clockA, rule);
            AbuseGuard b = Probe83aTwoInstancesTest.engine(second, clockB, rule);
            long w = FIND_TIME.toMillis();
            assertThat(Math.floorMod(clockA.epochMillis(), w))
                    .as("FakeTimeSource starts 1 s into a find-time window")
                    .isEqualTo(1000);
            // window e: three requests (counts 1, 2, 3)
            for (int i = 0; i < 3; i++) {
                assertThat(a.evaluate(reset()).isDenied()).isFalse();
            }
            // window e+1, a third of it gone: on A the previous window weighs ceil(3 x 399,999 / 600,000) = 2, on B
            // (2 ms behind) ceil(3 x 400,001 / 600,000) = 3
            clockA.advance(Duration.ofMillis(w - 1000 + w / 3 + 1));
            clockB.advance(Duration.ofMillis(w - 1000 + w / 3 - 1));
            for (int i = 0; i < 3; i++) {
                assertThat(a.evaluate(reset()).isDenied())
                        .as("counts 3, 4, 5 on A: within max-retry")
                        .isFalse();
            }
            var refusedEval = b.evaluate(reset());
            Decision refused = refusedEval.decision();
            assertThat(refusedEval.isDenied())
                    .as("count 4 + 3 = 7 on B: past max-retry")
                    .isTrue();
            var againEval = a.evaluate(reset());
            Decision again = againEval.decision();
            assertThat(againEval.isDenied()).isTrue();
            assertThat(again.retryAfter())
                    .as("a key past max-retry is banned: Retry-After is the ban's (15 min), not 1 s")
                    .isGreaterThan(Duration.ofMinutes(1));
        }
    }

    @Test
    void aKeyThatSteppedOverMaxRetryPlusOneIsStillRefusedWithinBanTime() {
        String uri = RedisAvailability.requireRedis();
        String prefix = "review150:" + UUID.randomUUID() + ":";
        FakeTimeSource clockA = new FakeTimeSource();
        FakeTimeSource clockB = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clockA);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clockB)) {
            FailureRule.Builder rule = FailureRule.builder("reset")
                    .path("/api/password-reset")
                    .counting(FailureRule.Counting.REQUESTS)
                    .maxRetry(5)
                    .findTime(FIND_TIME)
                    .banTime(Duration.ofMinutes(15))
                    .maxBanTime(Duration.ofHours(24));
            AbuseGuard a = Probe83aTwoInstancesTest.engine(first, clockA, rule);
            AbuseGuard b = Probe83aTwoInstancesTest.engine(second, clockB, rule);
            long w = FIND_TIME.toMillis();
            for (int i = 0; i < 3; i++) {
                assertThat(a.evaluate(reset()).isDenied()).isFalse();
            }
            clockA.advance(Duration.ofMillis(w - 1000 + w / 3 + 1));
            clockB.advance(Duration.ofMillis(w - 1000 + w / 3 - 1));
            for (int i = 0; i < 3; i++) {
                assertThat(a.evaluate(reset()).isDenied()).isFalse();
            }
            assertThat(b.evaluate(reset()).isDenied()).as("past max-retry").isTrue();
            assertThat(a.evaluate(reset()).isDenied()).isTrue();
            // 11 minutes later: within the 15-minute ban that a count past max-retry earns
            clockA.advance(Duration.ofMinutes(11));
            clockB.advance(Duration.ofMinutes(11));
            assertThat(a.evaluate(reset()).isDenied())
                    .as("11 minutes after going past max-retry the key is still within its 15-minute ban")
                    .isTrue();
        }
    }

    /** Control: the same requests with both clocks alike: the count on B is 6, which bans for 15 minutes. */
    @Test
    void controlTheSameRequestsOnClocksAlikeBanForBanTime() {
        String uri = RedisAvailability.requireRedis();
        String prefix = "review150:" + UUID.randomUUID() + ":";
        FakeTimeSource clockA = new FakeTimeSource();
        FakeTimeSource clockB = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clockA);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clockB)) {
            FailureRule.Builder rule = FailureRule.builder("reset")
                    .path("/api/password-reset")
                    .counting(FailureRule.Counting.REQUESTS)
                    .maxRetry(5)
                    .findTime(FIND_TIME)
                    .banTime(Duration.ofMinutes(15))
                    .maxBanTime(Duration.ofHours(24));
            AbuseGuard a = Probe83aTwoInstancesTest.engine(first, clockA, rule);
            AbuseGuard b = Probe83aTwoInstancesTest.engine(second, clockB, rule);
            long w = FIND_TIME.toMillis();
            for (int i = 0; i < 3; i++) {
                assertThat(a.evaluate(reset()).isDenied()).isFalse();
            }
            clockA.advance(Duration.ofMillis(w - 1000 + w / 3 + 1));
            clockB.advance(Duration.ofMillis(w - 1000 + w / 3 + 1));
            for (int i = 0; i < 3; i++) {
                assertThat(a.evaluate(reset()).isDenied()).isFalse();
            }
            assertThat(b.evaluate(reset()).isDenied()).isTrue();
            var again = a.evaluate(reset());
            assertThat(again.decision().retryAfter()).isGreaterThan(Duration.ofMinutes(1));
            clockA.advance(Duration.ofMinutes(11));
            clockB.advance(Duration.ofMinutes(11));
            assertThat(a.evaluate(reset()).isDenied()).isTrue();
        }
    }

    private static io.github.abuseguard.GuardRequest reset() {
        return Probe83aTwoInstancesTest.reset("198.51.100.77", "someone@example.com");
    }
}
