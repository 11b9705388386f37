package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Other readings of a field's values (a container's decoding of a multipart part whose bytes gave the values) are judged
 * as values are, but a key is chosen from the values alone (review151 F1, F2).
 */
class BodyFieldReadingsTest {

    @Test
    void aReadingThatDiffersIsJudgedButMakesNoSecondValue() {
        BodyField field = BodyField.of(List.of("jürgen")).withReadings(List.of("jÃ¼rgen"));
        assertThat(field.values()).containsExactly("jürgen", "jÃ¼rgen");
        assertThat(field.isAmbiguous()).isFalse();
        assertThat(field.single()).isEqualTo("jürgen");
    }

    @Test
    void valuesThatDifferStayAmbiguousWhateverTheReadings() {
        BodyField field =
                BodyField.of(List.of("ann@example.org", "bob@example.org")).withReadings(List.of("x"));
        assertThat(field.isAmbiguous()).isTrue();
        assertThat(field.single()).isNull();
    }

    @Test
    void valuesAddedLaterAreValuesAndTheReadingsStayLast() {
        BodyField field = BodyField.of(List.of("a")).withReadings(List.of("r")).with(List.of("b"));
        assertThat(field.values()).containsExactly("a", "b", "r");
        assertThat(field.isAmbiguous()).isTrue();
    }

    @Test
    void readingsOfAnAbsentFieldAreItsValues() {
        BodyField field = BodyField.absent().withReadings(List.of("x@mailinator.com"));
        assertThat(field.single()).isEqualTo("x@mailinator.com");
    }
}
