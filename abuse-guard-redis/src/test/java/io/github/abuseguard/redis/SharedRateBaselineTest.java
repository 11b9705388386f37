package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.RateBaseline;
import io.github.abuseguard.volume.VolumeGuard;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The volume guard's rate baseline on Redis: per-client counts and the population's histogram live in the
 * shared store, so a flooder spreading its requests over two instances is held to one bound.
 */
class SharedRateBaselineTest {
    private static final Duration WINDOW = Duration.ofSeconds(10);

    @Test
    void aFlooderAlternatingBetweenTwoInstancesIsRefusedAtTheSharedBound() {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:rate:" + UUID.randomUUID() + ":";
        FakeTimeSource clock = new FakeTimeSource();
        clock.advance(Duration.ofSeconds(9)); // to a window boundary
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            VolumeGuard[] instances = {guard(first, clock), guard(second, clock)};
            for (int window = 0; window < 4; window++) {
                for (int client = 0; client < 20; client++) {
                    for (int i = 0; i < 1 + client % 4; i++) {
                        assertThat(instances[(client + i) % 2]
                                        .check(poll("198.51.100." + (client + 1)))
                                        .isAllow())
                                .isTrue();
                    }
                }
                clock.advance(WINDOW);
            }
            for (VolumeGuard instance : instances) {
                instance.check(poll("198.51.100.1")); // each folds the last window into its baseline
            }
            int allowed = 0;
            for (int i = 0; i < 100; i++) {
                if (instances[i % 2].check(poll("203.0.113.9")).isAllow()) {
                    allowed++;
                }
            }
            assertThat(allowed)
                    .as("the floor of 20 requests, counted across both instances")
                    .isEqualTo(20);
            assertThat(instances[0].check(poll("198.51.100.2")).isAllow())
                    .as("a peer is not affected")
                    .isTrue();
        }
    }

    private static VolumeGuard guard(RedisStateStore store, FakeTimeSource clock) {
        return VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(42)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(1024)
                        .rateBaseline(new RateBaseline(WINDOW, 3.0, 20, 3, Action.THROTTLE, 0))
                        .build())
                .build();
    }

    private static GuardRequest poll(String address) {
        return GuardRequest.builder("GET", "/api/scores/finals").client(address).build();
    }
}
