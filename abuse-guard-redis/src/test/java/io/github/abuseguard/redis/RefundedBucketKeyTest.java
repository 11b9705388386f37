package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.BucketLimit;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.TokenBuckets;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * probe64e F1: README's bounds say an idle bucket is forgotten once it would have refilled completely ("a full
 * bucket is a new bucket") and every Redis key expires "buckets once refilled". A request the application refused
 * gives its token back (refund-statuses): the bucket is full again at once, yet its hash was kept for the limit's
 * whole period (the demo's sign-up-mailbox rule: 24 h per made-up mailbox named in an e-mail change answered 404).
 */
class RefundedBucketKeyTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private String uri;
    private String prefix;
    private RedisStateStore store;

    @BeforeEach
    void start() {
        uri = RedisAvailability.requireRedis();
        prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        store = RedisStateStore.builder()
                .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                .uri(uri)
                .keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(5))
                .timeSource(clock)
                .build();
    }

    @AfterEach
    void stop() {
        store.close();
        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            List<String> keys = connection.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aBucketFullAgainAfterARefundKeepsNoKey() {
        TokenBuckets mailboxes = store.tokenBuckets(
                "sign-up-mailbox", new BucketSpec(List.of(BucketLimit.intervally(3, 3, Duration.ofDays(1))), true));
        for (int i = 0; i < 50; i++) {
            String mailbox = "made-up-" + i + "@example.org";
            assertThat(mailboxes.tryConsume(mailbox, 1).consumed()).isTrue();
            mailboxes.refund(mailbox, 1); // the handler answered 404: nothing was changed
        }

        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            List<String> kept = connection.sync().keys(prefix + "sign-up-mailbox:tb:*");
            assertThat(kept)
                    .as(
                            "full buckets (every token given back) are new buckets; kept for %s ms each",
                            kept.isEmpty() ? 0 : connection.sync().pttl(kept.get(0)))
                    .isEmpty();
        } finally {
            client.shutdown();
        }
    }
}
