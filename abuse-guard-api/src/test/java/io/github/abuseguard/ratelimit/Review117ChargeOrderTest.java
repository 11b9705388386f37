package io.github.abuseguard.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** review117: README's order the rate-limit rules of a request are charged in (user67 F10). */
class Review117ChargeOrderTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    /**
     * F4: README: "So a request its address's rule refuses writes no bucket under the name it sends". A
     * {@code basic-user} rule (a user name, any client may send it, README's "User-name keys (body: keys and
     * basic-user)") is read from a header, so it is charged in the first pass, in the declared order: declared before
     * the address's rule, it writes a bucket under every name a refused address sends.
     */
    @Test
    void anAddressRefusedByItsOwnRuleWritesNoBucketUnderTheBasicUserNamesItSends() {
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        Limit perName = Limit.of(5, Duration.ofMinutes(1));
        RateLimitGuard guard = RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("login")
                        .path("/api/login")
                        .key("basic-user")
                        .limit(perName)
                        .build())
                .rule(RateLimitRule.builder("login-address")
                        .path("/api/login")
                        .key("ip")
                        .limit(Limit.of(30, Duration.ofMinutes(1)))
                        .build())
                .build();
        int allowed = 0;
        for (int i = 0; i < 200; i++) {
            String basic = Base64.getEncoder().encodeToString(("name" + i + ":pw").getBytes(StandardCharsets.UTF_8));
            GuardRequest request = GuardRequest.builder("POST", "/api/login")
                    .client("198.51.100.2")
                    .header("Authorization", "Basic " + basic)
                    .build();
            if (guard.check(request).isAllow()) {
                allowed++;
            }
        }
        assertThat(allowed).as("the address's own limit").isEqualTo(30);
        assertThat(store.tokenBuckets("rate-limit:login", new BucketSpec(List.of(perName.toBucketLimit())))
                        .trackedKeys())
                .as("buckets under the names it sent: only those of requests its address's rule let through")
                .isEqualTo(30);
    }
}
