package io.github.abuseguard.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.RateLimitStatus;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe82b F1: a rule whose bucket the client's neighbours spend (keyed {@code network}, {@code allocation}, or a
 * network joined to a value the request names) reports that bucket's remaining quota on the client's allowed
 * answers, as if it were the client's own: a request from 198.51.100.10 tells how many requests the rest of its
 * /24 (or /16) sent, request by request. A site-wide cap reports nothing for that reason (its figures are the site's
 * traffic), and so does a rule keyed by a value others may send (review45 F6).
 */
class Probe82bNeighboursQuotaTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private RateLimitGuard guard(String key) {
        return RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("login-shared")
                        .path("/api/login")
                        .key(key)
                        .limit(Limit.of(30, Duration.ofMinutes(10)))
                        .build())
                .build();
    }

    private static GuardRequest login(String address, String user) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .body("application/json", "{\"username\":\"" + user + "\",\"password\":\"x\"}")
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"network", "allocation", "network+body:/username"})
    void aClientIsNotToldWhatItsNeighboursSpent(String key) {
        RateLimitGuard guard = guard(key);
        Decision first = guard.check(login("198.51.100.10", "alice"));
        for (int i = 0; i < 5; i++) {
            assertThat(guard.check(login("198.51.100." + (20 + i), "alice")).isAllow())
                    .isTrue(); // neighbours
        }
        Decision second = guard.check(login("198.51.100.10", "alice"));
        assertThat(second.isAllow()).isTrue();

        long before = first.rateLimits().stream()
                .mapToLong(RateLimitStatus::remaining)
                .min()
                .orElse(-1);
        long after = second.rateLimits().stream()
                .mapToLong(RateLimitStatus::remaining)
                .min()
                .orElse(-1);
        assertThat(second.rateLimits().isEmpty() || after == before - 1)
                .as(key + ": this client sent 2 requests; the remaining quota it was shown went " + before + " -> "
                        + after + ", so it read its neighbours' 5")
                .isTrue();
    }
}
