package io.github.abuseguard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The packing of a tally that implementations answer and callers read. */
class TalliesTest {

    @Test
    void eachFlagIsReadBackByItsOwnReaderAndLeavesTheOtherFieldsAlone() {
        long none = Tallies.tally(12, 34, Tallies.NO_FLAGS, 56);
        long newBit = Tallies.tally(12, 34, Tallies.NEW_BIT, 56);
        long marked = Tallies.tally(12, 34, Tallies.MARKED, 56);
        long both = Tallies.tally(12, 34, Tallies.NEW_BIT | Tallies.MARKED, 56);

        assertThat(java.util.List.of(none, newBit, marked, both)).allSatisfy(tally -> {
            assertThat(Tallies.bits(tally)).isEqualTo(12);
            assertThat(Tallies.previousBits(tally)).isEqualTo(34);
            assertThat(Tallies.count(tally)).isEqualTo(56);
        });
        assertThat(Tallies.isNewBit(none)).isFalse();
        assertThat(Tallies.isMarked(none)).isFalse();
        assertThat(Tallies.isNewBit(newBit)).isTrue();
        assertThat(Tallies.isMarked(newBit)).isFalse();
        assertThat(Tallies.isNewBit(marked)).isFalse();
        assertThat(Tallies.isMarked(marked)).isTrue();
        assertThat(Tallies.isNewBit(both)).isTrue();
        assertThat(Tallies.isMarked(both)).isTrue();
    }

    @Test
    void aFlagTheTallyDoesNotKnowIsRefusedRatherThanSpillingIntoTheCount() {
        assertThatThrownBy(() -> Tallies.tally(1, 0, 4, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flags")
                .hasMessageContaining("was 4");
        assertThatThrownBy(() -> Tallies.tally(1, 0, -1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
