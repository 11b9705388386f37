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

    /**
     * An offer fills an empty slot, and takes an occupied one only sometimes: a workload of more strings
     * than slots does not allocate an entry on every miss.
     */
    @Test
    void anOfferTakesAnEmptySlotAndAnOccupiedOneOnlySometimes() {
        LastSeen<String> table = new LastSeen<>(1);
        table.offer("/a/x1", "/a/{id}");
        assertThat(table.get("/a/x1")).as("an empty slot is filled").isEqualTo("/a/{id}");

        int taken = 0;
        for (int i = 0; i < 8_000; i++) {
            table.put("/a/x1", "/a/{id}");
            table.offer("/b/x1", "/b/{id}");
            taken += table.get("/b/x1") != null ? 1 : 0;
        }
        // one in 8: about 1,000 of 8,000; the bounds are 10 standard deviations (29.6) from it
        assertThat(taken).isBetween(700, 1_300);
    }

    @Test
    void theSlotsAreAPowerOfTwo() {
        assertThatThrownBy(() -> new LastSeen<String>(48))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots must be a positive power of two, was 48");
    }
}
