package io.github.abuseguard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BucketLimitTest {

    @Test
    void aLimitIsBuiltOnlyByTheFactoriesThatNameItsRefill() {
        assertThat(BucketLimit.class.getConstructors())
                .as("no public constructor with a positional boolean")
                .isEmpty();
        assertThat(BucketLimit.greedy(10, 2, Duration.ofSeconds(1)).greedy()).isTrue();
        assertThat(BucketLimit.intervally(10, 2, Duration.ofSeconds(1)).greedy())
                .isFalse();
    }

    @Test
    void limitsWithTheSameValuesAreEqualAndOthersDiffer() {
        BucketLimit limit = BucketLimit.greedy(10, 2, Duration.ofSeconds(60));

        assertThat(limit)
                .isEqualTo(BucketLimit.greedy(10, 2, Duration.ofMinutes(1)))
                .hasSameHashCodeAs(BucketLimit.greedy(10, 2, Duration.ofMinutes(1)))
                .isNotEqualTo(BucketLimit.intervally(10, 2, Duration.ofMinutes(1)))
                .isNotEqualTo(BucketLimit.greedy(11, 2, Duration.ofMinutes(1)))
                .isNotEqualTo(BucketLimit.greedy(10, 3, Duration.ofMinutes(1)))
                .isNotEqualTo(BucketLimit.greedy(10, 2, Duration.ofMinutes(2)));
        assertThat(limit.capacity()).isEqualTo(10);
        assertThat(limit.refillTokens()).isEqualTo(2);
        assertThat(limit.period()).isEqualTo(Duration.ofMinutes(1));
        assertThat(limit).hasToString("BucketLimit[capacity=10, refillTokens=2, period=PT1M, greedy=true]");
    }

    @Test
    void eachFactoryChecksItsValues() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BucketLimit.greedy(0, 1, Duration.ofSeconds(1)))
                .withMessageContaining("capacity");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BucketLimit.intervally(1, 0, Duration.ofSeconds(1)))
                .withMessageContaining("refill tokens");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BucketLimit.intervally(1, 1, Duration.ZERO))
                .withMessageContaining("period");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BucketLimit.greedy(2, 2, Duration.ofNanos(1)))
                .withMessageContaining("more than one token a nanosecond");
    }
}
