package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.store.Histories;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.UnderScrape;
import io.github.abuseguard.volume.VolumeGuard;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * The engine's side of writing a client's history before its answer is committed: {@link
 * AbuseGuard#awaitsHistory} says which guards wait for the outcome, {@link AbuseGuard#earnHistory} writes
 * their histories for a success, and {@link AbuseGuard#complete} then leaves the histories alone.
 */
class HistoryBeforeCommitTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(10_000).build();
    private final Histories failureHistory = store.histories("failure:history", FailureGuard.DEFAULT_HISTORY_TTL);
    private final Histories outsideHistory = store.histories("volume:outside", Duration.ofHours(24));
    private final AbuseGuard engine = AbuseGuard.builder()
            .guard(loginGuard())
            .guard(VolumeGuard.builder()
                    .store(store)
                    .timeSource(clock)
                    .rule(DistinctRule.builder("scores")
                            .path("/api/scores/{id}")
                            .maxDistinct(30)
                            .underScrape(new UnderScrape(
                                    Duration.ofSeconds(10), 5.0, 300, Duration.ofMinutes(2), Action.THROTTLE))
                            .build())
                    .build())
            .timeSource(clock)
            .build();

    /** A failure rule on the login that watches for a surge, so that it keeps histories. */
    private FailureGuard loginGuard() {
        return FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .methods("POST")
                        .maxRetry(100)
                        .underAttack(new UnderAttack(
                                Duration.ofSeconds(10),
                                5.0,
                                20,
                                0.2,
                                Duration.ofMinutes(2),
                                Action.REJECT,
                                EnumSet.of(UnderAttack.Signal.FRESH_CLIENT),
                                null))
                        .build())
                .build();
    }

    private static GuardRequest login(String address) {
        return GuardRequest.builder("POST", "/api/login").client(address).build();
    }

    @Test
    void aFreshClientsSuccessWritesBothHistoriesBeforeTheExchangeIsComplete() {
        GuardRequest request = login("198.51.100.7");
        assertThat(engine.evaluate(request).decision().isAllow()).isTrue();

        long awaiting = engine.awaitsHistory(request);
        assertThat(awaiting).as("both guards wait for the outcome").isNotZero();
        assertThat(request.historySettled()).isTrue();

        engine.earnHistory(request, 200, awaiting);
        assertThat(failureHistory.has("198.51.100.7")).isTrue();
        assertThat(outsideHistory.has("198.51.100.7")).isTrue();

        engine.complete(request, 200);
        assertThat(failureHistory.has("198.51.100.7"))
                .as("written once, not again after the exchange")
                .isTrue();

        GuardRequest next = login("198.51.100.7");
        assertThat(engine.awaitsHistory(next))
                .as("a client with its history awaits nothing")
                .isZero();
    }

    @Test
    void aPathThatIsNotExactlyAnExemptRouteAwaitsItsHistoryAsItIsChecked() {
        // exempt routes match paths exactly: /api/login/ is checked, so its success earns a history
        AbuseGuard exempting = AbuseGuard.builder()
                .guard(loginGuard())
                .exemptRoute("/api/login")
                .timeSource(clock)
                .build();
        GuardRequest slashed = GuardRequest.builder("POST", "/api/login/")
                .client("198.51.100.20")
                .build();
        exempting.evaluate(slashed);
        long awaiting = exempting.awaitsHistory(slashed);
        assertThat(awaiting).as("checked, so not exempt here either").isNotZero();
        exempting.earnHistory(slashed, 200, awaiting);
        assertThat(failureHistory.has("198.51.100.20")).isTrue();
    }

    @Test
    void aFailureOrAnUnwatchedRouteEarnsNoHistory() {
        GuardRequest failed = login("198.51.100.8");
        long awaiting = engine.awaitsHistory(failed);
        engine.earnHistory(failed, 401, awaiting);
        engine.complete(failed, 401);
        assertThat(failureHistory.has("198.51.100.8")).isFalse();
        assertThat(outsideHistory.has("198.51.100.8")).isFalse();

        GuardRequest health =
                GuardRequest.builder("GET", "/health").client("198.51.100.8").build();
        assertThat(engine.awaitsHistory(health)).isZero();
        engine.complete(health, 200);
        assertThat(failureHistory.has("198.51.100.8")).isFalse();
    }

    @Test
    void theScrapeWatchedRouteItselfEarnsNoOutsideHistory() {
        GuardRequest score = GuardRequest.builder("GET", "/api/scores/game-1")
                .client("198.51.100.9")
                .build();
        long awaiting = engine.awaitsHistory(score);
        engine.earnHistory(score, 200, awaiting);
        engine.complete(score, 200);

        assertThat(outsideHistory.has("198.51.100.9")).isFalse();
    }

    @Test
    void aRequestWhoseHistoryWasNotSettledStillEarnsItWhenItsOutcomeIsHeard() {
        GuardRequest request = login("198.51.100.10");
        engine.complete(request, 200);

        assertThat(failureHistory.has("198.51.100.10")).isTrue();
        assertThat(outsideHistory.has("198.51.100.10")).isTrue();
    }
}
