package io.github.abuseguard.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** review130: the 10-minute in-flight cut-off (review129 F1's fix) against probe73a F1's once-only bypass. */
class Review130Test {

    private static final String BONUS = "POST /api/bonus";
    private static final String VERIFY = "POST /api/accounts/{id}/verify";
    private static final String CARD = "POST /api/accounts/{id}/payment-methods";
    private static final int TRAIL_LENGTH = 20;

    private final FakeTimeSource clock = new FakeTimeSource();
    /** One store two instances share (as they share Redis). */
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    /**
     * F1: probe73a F1 again, ten minutes later. The attacker takes the day's bonus, then holds twenty card attempts in
     * flight (a body sent a byte every few seconds keeps each request alive, its reservation pending) for ten minutes.
     * From then on their reservations count as settled for the trail's bounds: one more card attempt pushes the
     * settled bonus out of the trail, and the bonus is paid again.
     */
    @Test
    void cardAttemptsHeldInFlightForTenMinutesDoNotGiveTheBonusAgain() {
        AbuseGuard engine = engine(store);
        GuardRequest verified = verify();
        assertThat(engine.evaluate(verified).isDenied()).isFalse();
        engine.complete(verified, 200);
        GuardRequest first = bonus();
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 200); // the day's bonus, paid

        for (int i = 0; i < TRAIL_LENGTH; i++) {
            assertThat(engine.evaluate(card()).isDenied()).isFalse(); // slow bodies: still in flight
        }
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        engine.evaluate(card()); // one more attempt, allowed: the twenty no longer count as in flight

        assertThat(engine.evaluate(bonus()).isDenied())
                .as("the bonus again, the same day: twenty slow card attempts and one more pushed it out")
                .isTrue();
    }

    /**
     * F1, without holding a connection: twenty card attempts answered {@code 406} (an {@code Accept} nothing is written
     * in) leave their reservations pending on purpose. Ten minutes later they count as settled, one more attempt pushes
     * the bonus out, and it is paid again.
     */
    @Test
    void cardAttemptsAnswered406DoNotGiveTheBonusAgainTenMinutesLater() {
        AbuseGuard engine = engine(store);
        GuardRequest verified = verify();
        assertThat(engine.evaluate(verified).isDenied()).isFalse();
        engine.complete(verified, 200);
        GuardRequest first = bonus();
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 200);

        for (int i = 0; i < TRAIL_LENGTH; i++) {
            GuardRequest card = card();
            assertThat(engine.evaluate(card).isDenied()).isFalse();
            engine.complete(card, 406); // Accept: application/x-nothing
        }
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        GuardRequest card = card();
        engine.evaluate(card);
        engine.complete(card, 406);

        assertThat(engine.evaluate(bonus()).isDenied())
                .as("the bonus again, the same day: twenty-one 406 card attempts pushed it out")
                .isTrue();
    }

    private static GuardRequest bonus() {
        return request("POST", "/api/bonus", "/api/bonus");
    }

    private static GuardRequest card() {
        return request("POST", "/api/accounts/7/payment-methods", "/api/accounts/{id}/payment-methods");
    }

    private static GuardRequest verify() {
        return request("POST", "/api/accounts/7/verify", "/api/accounts/{id}/verify");
    }

    private static GuardRequest request(String method, String path, String route) {
        return GuardRequest.builder(method, path)
                .route(route)
                .header("Authorization", "Bearer alice")
                .build();
    }

    private AbuseGuard engine(StateStore shared) {
        return AbuseGuard.builder()
                .guard(SequenceGuard.builder()
                        .trails(shared.trails("sequence", TRAIL_LENGTH, Duration.ofDays(1)))
                        .inventory(EndpointInventory.withDefaults(clock))
                        .timeSource(clock)
                        .rule(new PrecedenceRule(
                                "bonus-once",
                                PrecedenceRule.Kind.FORBIDS,
                                BONUS,
                                BONUS,
                                2,
                                Duration.ofDays(1),
                                Duration.ZERO,
                                "test"))
                        .rule(new PrecedenceRule(
                                "no-replay",
                                PrecedenceRule.Kind.FORBIDS,
                                VERIFY,
                                CARD,
                                2,
                                Duration.ofMinutes(10),
                                Duration.ZERO,
                                "test"))
                        // a card is added by a verified account: the verify is a step her trail records
                        .rule(new PrecedenceRule(
                                "verified-first",
                                PrecedenceRule.Kind.REQUIRES,
                                CARD,
                                VERIFY,
                                2,
                                Duration.ofDays(1),
                                Duration.ZERO,
                                "test"))
                        .build())
                .timeSource(clock)
                .build();
    }
}
