package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LastSeenTest {

    @Test
    void aStringIsAnsweredWithWhatWasLastPutForIt() {
        LastSeen<String> table = new LastSeen<>(64);
        table.put("/api/scores/game1", "/api/scores/{game}");

        assertThat(table.get(new String("/api/scores/game1"))).isEqualTo("/api/scores/{game}");
        assertThat(table.get("/api/scores/game2")).isNull();
        assertThat(table.get("")).isNull();
    }

    /** Same length, middle and last character: one slot, each string answered only with its own value. */
    @Test
    void stringsOfOneSlotNeverTakeEachOthersAnswer() {
        LastSeen<String> table = new LastSeen<>(1);
        table.put("badbot-Mozilla-xyz", "rejected");

        assertThat(table.get("goodbo-Mozilla-xyz")).isNull();
        table.put("goodbo-Mozilla-xyz", "allowed");
        assertThat(table.get("badbot-Mozilla-xyz")).isNull();
        assertThat(table.get("goodbo-Mozilla-xyz")).isEqualTo("allowed");
    }

    @Test
    void theSlotsAreAPowerOfTwo() {
        assertThatThrownBy(() -> new LastSeen<String>(48))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots must be a positive power of two, was 48");
    }
}
