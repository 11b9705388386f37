package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * review105 F2, F3: review104 F1's floor (a ban lasts at least find-time) applies to a user-name key and beside a
 * max-ban-time shorter than find-time too; README now says so (a ban forgets the failures that earned it, so a ban
 * shorter than find-time would give max-retry more guesses each time it ended). What a refusal says is what holds: a
 * user-name ban's refusal says its first ban, the ban ends when it says, and the owner then signs in.
 */
class Review105UserNameBanTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    private static GuardRequest login(String address, String username) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
    }

    /** What the engine and a servlet filter do: check, and if the app runs, report its status. */
    private static Decision exchange(AbuseGuard engine, GuardRequest request, int status) {
        Evaluation evaluation = engine.evaluate(request);
        if (!evaluation.decision().isDeny() || evaluation.decision().action().passesRequestOn()) {
            engine.complete(request, status);
        }
        return evaluation.decision();
    }

    @Test
    void aPerUserNameBanSaysItsFirstBanAtLeastFindTimeAndEndsThen() {
        FailureRule rule = FailureRule.builder("login-per-username") // README's example; ban-time its default, 15m
                .path("/api/login")
                .methods("POST")
                .statuses("401")
                .key("body:/username")
                .distinct("ip")
                .maxRetry(5)
                .findTime(Duration.ofHours(1))
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(FailureGuard.builder()
                        .store(store)
                        .timeSource(clock)
                        .rule(rule)
                        .build())
                .timeSource(clock)
                .build();
        for (int i = 1; i <= 5; i++) {
            exchange(engine, login("203.0.113." + i, "alice"), 401);
        }
        Decision banned = exchange(engine, login("198.51.100.9", "alice"), 200);
        assertThat(banned.isDeny()).as("the user name is banned").isTrue();
        assertThat(banned.retryAfter())
                .as("README: a user-name ban's refusal says its first ban, ban-time but at least find-time")
                .isEqualTo(Duration.ofHours(1));
        clock.advance(Duration.ofMinutes(16));
        assertThat(exchange(engine, login("198.51.100.9", "alice"), 200).isDeny())
                .as("16 minutes in: the ban lasts find-time")
                .isTrue();
        clock.advance(Duration.ofMinutes(45));
        assertThat(exchange(engine, login("198.51.100.9", "alice"), 200).isDeny())
                .as("the owner once the hour is over")
                .isFalse();
    }

    /** review105 F3: beside a max-ban-time shorter than find-time, a ban lasts find-time, says so and then ends. */
    @Test
    void aBanLastsFindTimeWhereMaxBanTimeIsShorterAndSaysSo() {
        FailureRule rule = FailureRule.builder("login")
                .path("/api/login")
                .methods("POST")
                .maxRetry(5)
                .findTime(Duration.ofMinutes(10))
                .banTime(Duration.ofMinutes(1))
                .maxBanTime(Duration.ofMinutes(5))
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(FailureGuard.builder()
                        .store(store)
                        .timeSource(clock)
                        .rule(rule)
                        .build())
                .timeSource(clock)
                .build();
        for (int i = 0; i < 5; i++) {
            exchange(engine, login("198.51.100.1", "alice"), 401);
        }
        Decision banned = exchange(engine, login("198.51.100.1", "alice"), 401);
        assertThat(banned.isDeny()).as("banned").isTrue();
        assertThat(banned.retryAfter()).as("find-time, not max-ban-time").isEqualTo(Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(6));
        assertThat(exchange(engine, login("198.51.100.1", "alice"), 200).isDeny())
                .as("6 minutes in")
                .isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertThat(exchange(engine, login("198.51.100.1", "alice"), 200).isDeny())
                .as("once find-time is over")
                .isFalse();
    }
}
