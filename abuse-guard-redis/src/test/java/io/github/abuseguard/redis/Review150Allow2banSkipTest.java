package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
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
        try (TwoInstances two = new TwoInstances()) {
            // on B (2 ms behind A) the previous window weighs one more: counts 3, 4, 5 on A, then 7 on B
            Evaluation refused = two.sixRequestsThenOneOnB(-1);
            assertThat(refused.isDenied())
                    .as("count 4 + 3 = 7 on B: past max-retry")
                    .isTrue();
            Evaluation again = two.a.evaluate(reset());
            assertThat(again.isDenied()).isTrue();
            assertThat(again.decision().retryAfter())
                    .as("a key past max-retry is banned: Retry-After is the ban's (15 min), not 1 s")
                    .isGreaterThan(Duration.ofMinutes(1));
        }
    }

    @Test
    void aKeyThatSteppedOverMaxRetryPlusOneIsStillRefusedWithinBanTime() {
        try (TwoInstances two = new TwoInstances()) {
            assertThat(two.sixRequestsThenOneOnB(-1).isDenied())
                    .as("past max-retry")
                    .isTrue();
            assertThat(two.a.evaluate(reset()).isDenied()).isTrue();
            // 11 minutes later: within the 15-minute ban that a count past max-retry earns
            two.advance(Duration.ofMinutes(11));
            assertThat(two.a.evaluate(reset()).isDenied())
                    .as("11 minutes after going past max-retry the key is still within its 15-minute ban")
                    .isTrue();
        }
    }

    /** Control: the same requests with both clocks alike: the count on B is 6, which bans for 15 minutes. */
    @Test
    void controlTheSameRequestsOnClocksAlikeBanForBanTime() {
        try (TwoInstances two = new TwoInstances()) {
            assertThat(two.sixRequestsThenOneOnB(+1).isDenied()).isTrue();
            assertThat(two.a.evaluate(reset()).decision().retryAfter()).isGreaterThan(Duration.ofMinutes(1));
            two.advance(Duration.ofMinutes(11));
            assertThat(two.a.evaluate(reset()).isDenied()).isTrue();
        }
    }

    /** Two instances of an allow2ban rule (max-retry 5, find-time 10 minutes, ban-time 15) on one Redis. */
    private static final class TwoInstances implements AutoCloseable {
        private final FakeTimeSource clockA = new FakeTimeSource();
        private final FakeTimeSource clockB = new FakeTimeSource();
        private final RedisStateStore first;
        private final RedisStateStore second;
        final AbuseGuard a;
        final AbuseGuard b;

        TwoInstances() {
            String uri = RedisAvailability.requireRedis();
            String prefix = "review150:" + UUID.randomUUID() + ":";
            first = RedisAvailability.store(uri, prefix, clockA);
            second = RedisAvailability.store(uri, prefix, clockB);
            FailureRule.Builder rule = FailureRule.builder("reset")
                    .path("/api/password-reset")
                    .counting(FailureRule.Counting.REQUESTS)
                    .maxRetry(5)
                    .findTime(FIND_TIME)
                    .banTime(Duration.ofMinutes(15))
                    .maxBanTime(Duration.ofHours(24));
            a = Probe83aTwoInstancesTest.engine(first, clockA, rule);
            b = Probe83aTwoInstancesTest.engine(second, clockB, rule);
        }

        /**
         * Three requests on A in one find-time window; a third of the next window later, three more on A, whose
         * previous window weighs ceil(3 x 399,999 / 600,000) = 2; then one on B, whose clock went {@code bOffsetMillis}
         * past the third of the window where A's went 1 ms past it (+1: alike; -1: 2 ms behind, where the previous
         * window weighs ceil(3 x 400,001 / 600,000) = 3).
         *
         * @return B's evaluation of its request
         */
        Evaluation sixRequestsThenOneOnB(long bOffsetMillis) {
            long w = FIND_TIME.toMillis();
            assertThat(Math.floorMod(clockA.epochMillis(), w))
                    .as("FakeTimeSource starts 1 s into a find-time window")
                    .isEqualTo(1000);
            for (int i = 0; i < 3; i++) {
                assertThat(a.evaluate(reset()).isDenied()).isFalse();
            }
            clockA.advance(Duration.ofMillis(w - 1000 + w / 3 + 1));
            clockB.advance(Duration.ofMillis(w - 1000 + w / 3 + bOffsetMillis));
            for (int i = 0; i < 3; i++) {
                assertThat(a.evaluate(reset()).isDenied())
                        .as("counts 3, 4, 5 on A: within max-retry")
                        .isFalse();
            }
            return b.evaluate(reset());
        }

        void advance(Duration duration) {
            clockA.advance(duration);
            clockB.advance(duration);
        }

        @Override
        public void close() {
            first.close();
            second.close();
        }
    }

    private static io.github.abuseguard.GuardRequest reset() {
        return Probe83aTwoInstancesTest.reset("198.51.100.77", "someone@example.com");
    }
}
