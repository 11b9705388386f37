package io.github.abuseguard.sequence;

import static io.github.abuseguard.sequence.BonusFlow.bonus;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.TrailBlock;
import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review132 F4, F5: a reserved step's settlement names the entry the guard appended for it, so that a store replaying a
 * settlement (one its backend may have run already) settles that request's step and no other.
 */
class ReservedStepSettlementTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void aReservedStepIsSettledByTheEntryItsRequestAppended() {
        Trails store = LocalStateStore.builder().timeSource(clock).build().trails("sequence", 20, Duration.ofDays(1));
        List<String> appended = new ArrayList<>();
        List<String> settled = new ArrayList<>();
        Trails recording = new Trails() {
            @Override
            public List<String> append(String key, String entry) {
                return store.append(key, entry);
            }

            @Override
            public List<String> get(String key) {
                return store.get(key);
            }

            @Override
            public int appendUnless(String key, String entry, List<TrailBlock> blocks) {
                appended.add(entry);
                return store.appendUnless(key, entry, blocks);
            }

            @Override
            public void settle(String key, String operation, String outcome) {
                settled.add("oldest " + operation);
                store.settle(key, operation, outcome);
            }

            @Override
            public void settle(String key, String operation, String reservation, String outcome) {
                settled.add(reservation);
                store.settle(key, operation, reservation, outcome);
            }
        };
        AbuseGuard engine = AbuseGuard.builder()
                .guard(SequenceGuard.builder()
                        .trails(recording)
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

        GuardRequest refused = bonus("alice");
        assertThat(engine.evaluate(refused).isDenied()).isFalse();
        engine.complete(refused, 409);
        GuardRequest paid = bonus("alice");
        assertThat(engine.evaluate(paid).isDenied()).isFalse();
        engine.complete(paid, 200);

        assertThat(settled).as("each settlement names its own request's entry").isEqualTo(appended);
        assertThat(engine.evaluate(bonus("alice")).decision().reason()).isEqualTo("forbidden-sequence");
    }
}
