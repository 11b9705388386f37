package io.github.abuseguard.sequence;

import static io.github.abuseguard.sequence.BonusFlow.bonus;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StoreUnavailableException;
import io.github.abuseguard.store.TrailBlock;
import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * review134 F6: the guard records a request's reservation ({@code reservedStep}) only once {@code appendUnless}
 * answered. Under {@code fail-open} a reservation whose call failed (one command timed out; the circuit stays closed)
 * throws, the request goes on unchecked with nothing reserved, and its settlement, with no reservation to name, is
 * {@code settle(key, operation, outcome)}: on the shared store, which answers again, it settles the oldest pending
 * entry of the operation, another instance's reservation of the session's once-only step still in flight. Removed
 * (the application refused A), the step is granted a third time beside B's. review131 F3 stopped this in the replay;
 * the request's own settlement does it directly.
 */
class Review134UnreservedSettlementTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void aSettlementOfAReservationThatFailedOpenLeavesAnotherRequestsReservation() {
        Trails shared = LocalStateStore.builder().timeSource(clock).build().trails("sequence", 20, Duration.ofDays(1));
        AtomicBoolean timesOut = new AtomicBoolean();
        AtomicReference<String> sessionKey = new AtomicReference<>();
        Trails onA = new Trails() {
            @Override
            public List<String> append(String key, String entry) {
                return shared.append(key, entry);
            }

            @Override
            public List<String> get(String key) {
                return shared.get(key);
            }

            @Override
            public int appendUnless(String key, String entry, List<TrailBlock> blocks) {
                sessionKey.set(key);
                if (timesOut.get()) {
                    throw StoreUnavailableException.failingOpen("command timed out", null);
                }
                return shared.appendUnless(key, entry, blocks);
            }

            @Override
            public void settle(String key, String operation, String outcome) {
                shared.settle(key, operation, outcome); // as Redis's script: the oldest pending entry
            }

            @Override
            public void settle(String key, String operation, String reservation, String outcome) {
                shared.settle(key, operation, reservation, outcome); // as Redis's script: that entry exactly
            }
        };
        AbuseGuard engine = AbuseGuard.builder()
                .guard(SequenceGuard.builder()
                        .trails(onA)
                        .inventory(EndpointInventory.withDefaults(clock))
                        .timeSource(clock)
                        .rule(new PrecedenceRule(
                                "bonus-once",
                                PrecedenceRule.Kind.FORBIDS,
                                BonusFlow.BONUS,
                                BonusFlow.BONUS,
                                2,
                                Duration.ofDays(1),
                                Duration.ZERO,
                                "test"))
                        .build())
                .timeSource(clock)
                .build();

        timesOut.set(true);
        GuardRequest a = bonus("alice");
        assertThat(engine.evaluate(a).isDenied())
                .as("fail-open: A goes on unchecked")
                .isFalse();
        // B, on another instance, reserves the session's bonus: in flight
        clock.advance(Duration.ofMillis(1));
        String reservedByB = shared.reservation(BonusFlow.BONUS, clock.epochMillis());
        assertThat(shared.appendUnless(sessionKey.get(), reservedByB, List.of(new TrailBlock(BonusFlow.BONUS, 2, 0))))
                .isEqualTo(-1);
        timesOut.set(false);
        engine.complete(a, 409); // the application refused A

        assertThat(shared.get(sessionKey.get()))
                .as("B's reservation, in flight, after A's settlement (A reserved nothing)")
                .contains(reservedByB);
        assertThat(engine.evaluate(bonus("alice")).decision().reason())
                .as("a third bonus while B's runs")
                .isEqualTo("forbidden-sequence");
    }
}
