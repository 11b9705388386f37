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

/**
 * review129: a reservation beyond {@code trail-length} pending is refused {@code 429 too-many-steps-in-flight}
 * (probe73a F1), and every pending entry of the trail counts, however old: one whose settlement was lost is never
 * settled, and the count never forgets it while the session keeps its trail alive.
 */
class Review129Test {
    private static final String USER = "alice";

    private final FakeTimeSource clock = new FakeTimeSource();
    /** One store two instances share (as they share Redis). */
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    /**
     * F1: twenty reservations whose instance went away before it settled them (a deploy or a crash with requests
     * in flight; the same when a store outage sends the settlements to the fallback, or the application answers
     * 406) stay pending in the shared trail. A week later, the user's trail kept alive by her everyday steps, every
     * reserved step she takes is refused 429 "too many steps in flight", Retry-After 1 s, though none is in flight.
     */
    @Test
    void reservationsLostDaysAgoDoNotLockTheSessionOutOfEveryReservedStep() {
        AbuseGuard crashed = engine(store);
        GuardRequest verified = verify(USER);
        assertThat(crashed.evaluate(verified).isDenied()).isFalse();
        crashed.complete(verified, 200);
        for (int i = 0; i < TRAIL_LENGTH; i++) {
            assertThat(crashed.evaluate(card(USER)).isDenied()).isFalse(); // in flight when the instance went down
        }

        AbuseGuard survivor = engine(store);
        for (int halfDay = 0; halfDay < 14; halfDay++) {
            clock.advance(Duration.ofHours(12));
            GuardRequest verify = verify(USER);
            assertThat(survivor.evaluate(verify).isDenied()).isFalse();
            survivor.complete(verify, 200); // a recorded step twice a day: the trail lives on
        }

        GuardRequest bonus = bonus(USER);
        assertThat(survivor.evaluate(bonus).decision().reason())
                .as("a week after the instance with her twenty card attempts in flight went down, nothing in flight")
                .isNull();
    }

    /**
     * F3: an operator switches every sequence rule to monitor (a rollout, or while looking into complaints): no rule
     * may refuse anything. A session with a trail's length of card attempts in flight (or lost, F1) is still refused
     * 429 on its next reserved step: the refusal names no rule (the card is no rule's operation; a monitored rule is
     * not among the bonus's forbidding ones), so the engine takes it for the guard's, which enforces.
     */
    @Test
    void aSessionIsNotRefusedWhileEverySequenceRuleIsMonitored() {
        AbuseGuard engine = engine(store);
        engine.switchMode("sequence", "bonus-once", io.github.abuseguard.Mode.MONITOR);
        engine.switchMode("sequence", "no-replay", io.github.abuseguard.Mode.MONITOR);
        engine.switchMode("sequence", "verified-first", io.github.abuseguard.Mode.MONITOR);
        for (int i = 0; i < TRAIL_LENGTH; i++) {
            assertThat(engine.evaluate(card(USER)).isDenied()).isFalse(); // in flight (a slow card check)
        }
        assertThat(engine.evaluate(bonus(USER)).decision().reason())
                .as("every rule of the guard monitored")
                .isNull();
    }

    private AbuseGuard engine(StateStore shared) {
        return BonusFlow.engine(shared, clock, true);
    }
}
