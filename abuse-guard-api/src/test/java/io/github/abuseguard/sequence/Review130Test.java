package io.github.abuseguard.sequence;

import static io.github.abuseguard.sequence.BonusFlow.TRAIL_LENGTH;
import static io.github.abuseguard.sequence.BonusFlow.bonus;
import static io.github.abuseguard.sequence.BonusFlow.card;
import static io.github.abuseguard.sequence.BonusFlow.verify;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** review130: the 10-minute in-flight cut-off (review129 F1's fix) against probe73a F1's once-only bypass. */
class Review130Test {
    private static final String USER = "alice";

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
        GuardRequest verified = verify(USER);
        assertThat(engine.evaluate(verified).isDenied()).isFalse();
        engine.complete(verified, 200);
        GuardRequest first = bonus(USER);
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 200); // the day's bonus, paid

        for (int i = 0; i < TRAIL_LENGTH; i++) {
            assertThat(engine.evaluate(card(USER)).isDenied()).isFalse(); // slow bodies: still in flight
        }
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        engine.evaluate(card(USER)); // one more attempt, allowed: the twenty no longer count as in flight

        assertThat(engine.evaluate(bonus(USER)).isDenied())
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
        GuardRequest verified = verify(USER);
        assertThat(engine.evaluate(verified).isDenied()).isFalse();
        engine.complete(verified, 200);
        GuardRequest first = bonus(USER);
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 200);

        for (int i = 0; i < TRAIL_LENGTH; i++) {
            GuardRequest card = card(USER);
            assertThat(engine.evaluate(card).isDenied()).isFalse();
            engine.complete(card, 406); // Accept: application/x-nothing
        }
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        GuardRequest card = card(USER);
        engine.evaluate(card);
        engine.complete(card, 406);

        assertThat(engine.evaluate(bonus(USER)).isDenied())
                .as("the bonus again, the same day: twenty-one 406 card attempts pushed it out")
                .isTrue();
    }

    private AbuseGuard engine(StateStore shared) {
        return BonusFlow.engine(shared, clock, true);
    }
}
