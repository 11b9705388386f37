package io.github.abuseguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalStateStoreTest extends StateStoreContract {
    private final FakeTimeSource clock = new FakeTimeSource();

    @Override
    protected StateStore store() {
        return LocalStateStore.builder().timeSource(clock).maximumKeys(10_000).build();
    }

    @Override
    protected void advance(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void aFloodOfDistinctKeysKeepsTheStoreAtItsBound() {
        LocalStateStore store =
                LocalStateStore.builder().timeSource(clock).maximumKeys(5_000).build();
        TokenBuckets buckets =
                store.tokenBuckets("flood", BucketSpec.of(BucketLimit.greedy(10, 10, Duration.ofMinutes(1))));
        for (int i = 0; i < 1_000_000; i++) {
            buckets.tryConsume("attacker-" + i, 1);
        }
        assertThat(buckets.trackedKeys()).isLessThanOrEqualTo(5_000);
    }

    @Test
    void bucketsAreForgottenOnceTheyWouldHaveRefilled() {
        TokenBuckets buckets =
                store().tokenBuckets("idle", BucketSpec.of(BucketLimit.greedy(10, 10, Duration.ofMinutes(1))));
        buckets.tryConsume("client", 10);
        assertThat(buckets.trackedKeys()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(61));
        assertThat(buckets.trackedKeys()).isZero();
        assertThat(buckets.tryConsume("client", 10).consumed()).isTrue();
    }
}
