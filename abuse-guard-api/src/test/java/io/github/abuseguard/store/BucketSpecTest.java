package io.github.abuseguard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BucketSpecTest {

    @Test
    void theSameLimitsHaveTheSameIdentityAndOthersDiffer() {
        BucketSpec perMinute = BucketSpec.of(BucketLimit.greedy(100, 100, Duration.ofMinutes(1)));
        assertThat(perMinute.identity())
                .isEqualTo(BucketSpec.of(BucketLimit.greedy(100, 100, Duration.ofSeconds(60)))
                        .identity())
                .isEqualTo("100/100/60000000000/g");
        assertThat(perMinute.identity())
                .isNotEqualTo(BucketSpec.of(BucketLimit.intervally(100, 100, Duration.ofMinutes(1)))
                        .identity())
                .isNotEqualTo(BucketSpec.of(BucketLimit.greedy(101, 100, Duration.ofMinutes(1)))
                        .identity());
    }

    @Test
    void aBucketNeedsOneToSixteenLimits() {
        BucketLimit limit = BucketLimit.greedy(1, 1, Duration.ofSeconds(1));
        assertThatIllegalArgumentException().isThrownBy(() -> new BucketSpec(List.of()));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BucketSpec(Collections.nCopies(BucketSpec.MAX_LIMITS + 1, limit)));
        assertThat(new BucketSpec(Collections.nCopies(BucketSpec.MAX_LIMITS, limit)).limits())
                .hasSize(BucketSpec.MAX_LIMITS);
    }

    @Test
    void limitsThatCannotWorkAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> BucketLimit.greedy(0, 1, Duration.ofSeconds(1)));
        assertThatIllegalArgumentException().isThrownBy(() -> BucketLimit.greedy(1, 0, Duration.ofSeconds(1)));
        assertThatIllegalArgumentException().isThrownBy(() -> BucketLimit.greedy(1, 1, Duration.ZERO));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BucketLimit.greedy(5000, 5000, Duration.ofNanos(1000)))
                .withMessageContaining("more than one token a nanosecond");
        assertThatIllegalArgumentException().isThrownBy(() -> BucketLimit.greedy(1, 1, Duration.ofDays(365L * 300)));
    }

    @Test
    void theTimeToFillIsTheSlowestLimitsAndNeverOverflows() {
        BucketSpec spec = BucketSpec.of(
                BucketLimit.greedy(10, 10, Duration.ofSeconds(1)),
                BucketLimit.intervally(100, 10, Duration.ofHours(1)));
        assertThat(spec.nanosToFill()).isEqualTo(Duration.ofHours(10).toNanos());
        assertThat(BucketSpec.of(BucketLimit.greedy(Long.MAX_VALUE, 1, Duration.ofDays(365)))
                        .nanosToFill())
                .isPositive();
    }
}
