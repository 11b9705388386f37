package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * review79 of b03f7a52 (the spent counts in the store): two guards sharing one store are two instances of a shared
 * store. Its tests of two instances spending at once tested the spent counts as {@code p@}/{@code q@} counters; the
 * trail that replaced them is tested so in {@link SpentTrailReview81Test} (review81 F2).
 */
class SpentInStoreReview79Test {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore local =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    /** The store the two instances share. */
    private final StateStore store = local;

    private static FailureRule giftCards(Action action) {
        return giftCards(action, UnderAttack.History.RESOURCE);
    }

    private static FailureRule giftCards(Action action, UnderAttack.History history) {
        return FailureRule.builder("giftcards")
                .path("/api/giftcards/{code}")
                .methods("GET")
                .statuses("404")
                .key("ip")
                .maxRetry(10)
                .findTime(Duration.ofMinutes(10))
                .underAttack(new UnderAttack(
                        Duration.ofSeconds(10),
                        5.0,
                        20,
                        0.2,
                        Duration.ofMinutes(5),
                        action,
                        EnumSet.allOf(UnderAttack.Signal.class),
                        null,
                        history))
                .build();
    }

    private FailureGuard guard(FailureRule rule) {
        return FailureGuard.builder().store(store).timeSource(clock).rule(rule).build();
    }

    private AbuseGuard engine(FailureGuard guard) {
        return AbuseGuard.builder().guard(guard).timeSource(clock).build();
    }

    private static GuardRequest lookUp(String address, String code) {
        return GuardRequest.builder("GET", "/api/giftcards/" + code)
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .build();
    }

    private static boolean exchange(AbuseGuard engine, GuardRequest request, int status) {
        Evaluation evaluation = engine.evaluate(request);
        if (evaluation.decision().isDeny() && !evaluation.decision().action().passesRequestOn()) {
            return false;
        }
        engine.complete(request, status);
        return true;
    }

    private static long entered(FailureGuard guard) {
        return guard.baselines().get("giftcards").get("timesEntered").longValue();
    }

    /**
     * The store's spent counts are read only while no mode is on: during the mode, an instance that did not start it
     * still reads the starters' failures as new evidence, and the first failure it counts (a customer's single typo,
     * reaching the application in a mode of {@code action: log}, or from a client with a history under {@code reject})
     * extends the mode for its whole length on them. On one instance the same typo extends nothing
     * (the starter spent those counts), and the mode ends five minutes after the crowd stopped.
     */
    @Test
    void aCustomersTypoOnAnotherInstanceDuringTheModeDoesNotExtendItOnTheStartersFailures() {
        FailureGuard first = guard(giftCards(Action.LOG));
        AbuseGuard firstEngine = engine(first);
        FailureGuard second = guard(giftCards(Action.LOG));
        AbuseGuard secondEngine = engine(second);
        for (int customer = 1; customer <= 5; customer++) { // customers who found their cards before
            exchange(secondEngine, lookUp("10.7.0." + customer, "GIFT-20" + customer), 200);
            clock.advance(Duration.ofSeconds(1));
        }
        int code = 0;
        for (int address = 1; address <= 12; address++) {
            for (int guess = 0; guess < 10; guess++) {
                exchange(firstEngine, lookUp("100.80.0." + address, "GUESS-" + code++), 404);
                clock.advance(Duration.ofMillis(100));
            }
        }
        assertThat(entered(first))
                .as("the crowd started the mode on the first instance")
                .isEqualTo(1);

        clock.advance(Duration.ofMinutes(3)); // the crowd is gone; the mode is on
        boolean typo = exchange(secondEngine, lookUp("10.7.0.1", "GIFT-201X"), 404);
        assertThat(typo)
                .as("a customer's typo reaches the application in the (logging) mode")
                .isTrue();

        clock.advance(Duration.ofMinutes(2).plusSeconds(30)); // five minutes and more since the crowd stopped
        boolean firstThrough =
                !firstEngine.evaluate(lookUp("10.8.0.1", "GIFT-301")).decision().isDeny();
        boolean secondThrough = !secondEngine
                .evaluate(lookUp("10.8.0.2", "GIFT-302"))
                .decision()
                .isDeny();
        System.out.printf(
                "review79 F2: 5.5 min after the crowd stopped, new customers through: %b/%b%n",
                firstThrough, secondThrough);
        assertThat(firstThrough && secondThrough)
                .as("the mode ended five minutes after the crowd stopped, one typo since notwithstanding")
                .isTrue();
    }

    /** The same on one instance: the typo extends nothing, and the mode ends. */
    @Test
    void aCustomersTypoOnTheSameInstanceDuringTheModeDoesNotExtendIt() {
        FailureGuard first = guard(giftCards(Action.LOG));
        AbuseGuard firstEngine = engine(first);
        for (int customer = 1; customer <= 5; customer++) {
            exchange(firstEngine, lookUp("10.7.0." + customer, "GIFT-20" + customer), 200);
            clock.advance(Duration.ofSeconds(1));
        }
        int code = 0;
        for (int address = 1; address <= 12; address++) {
            for (int guess = 0; guess < 10; guess++) {
                exchange(firstEngine, lookUp("100.80.0." + address, "GUESS-" + code++), 404);
                clock.advance(Duration.ofMillis(100));
            }
        }
        assertThat(entered(first)).isEqualTo(1);
        clock.advance(Duration.ofMinutes(3));
        assertThat(exchange(firstEngine, lookUp("10.7.0.1", "GIFT-201X"), 404)).isTrue();
        clock.advance(Duration.ofMinutes(2).plusSeconds(30));
        assertThat(firstEngine
                        .evaluate(lookUp("10.8.0.1", "GIFT-301"))
                        .decision()
                        .isDeny())
                .isFalse();
    }

    /** Whether the two instances spend at once; false for the comparison (the crowd then starts it again at its 11th site). */
    private static final boolean RACE = true;
}
