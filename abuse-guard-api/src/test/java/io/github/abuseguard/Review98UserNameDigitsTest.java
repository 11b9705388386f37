package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * review98 F2: the "digits of any script" folding reads decimal digits (Nd) and other numbers (No), but not the letter
 * numbers (Nl: the Hangzhou numerals U+3021-U+3029, the ideographic zero U+3007, the cuneiform numeric signs, the Greek
 * acrophonic numerals, U+2185) nor the Tibetan half digits, which the UCA's DUCET (allkeys 13.0, as Perl's
 * Unicode::Collate ships it) weighs as the digits at the primary level, so an accent-insensitive collation finds one
 * account for each; nor the insular, Volapük and oblique-stroke Latin letters it weighs as their base letters.
 */
class Review98UserNameDigitsTest {

    @Test
    void letterNumbersAreTheDigitTheyWeighAs() {
        assertThat(UserNames.key("user\u3025")).as("Hangzhou five").isEqualTo(UserNames.key("user5"));
        assertThat(UserNames.key("user\u3007")).as("ideographic zero").isEqualTo(UserNames.key("user0"));
        assertThat(UserNames.key("user\uD809\uDC03")).as("cuneiform five ash").isEqualTo(UserNames.key("user5"));
        assertThat(UserNames.key("user\u0F2E")).as("Tibetan half five").isEqualTo(UserNames.key("user5"));
        assertThat(UserNames.key("user\u2185")).as("Roman six late form").isEqualTo(UserNames.key("user6"));
    }

    @Test
    void obliqueStrokeAndInsularLettersAreTheirBaseLetter() {
        assertThat(UserNames.key("\uA7A9am")).as("s with oblique stroke").isEqualTo(UserNames.key("sam"));
        assertThat(UserNames.key("\uA785am")).as("insular s").isEqualTo(UserNames.key("sam"));
        assertThat(UserNames.key("\uA79Bnn")).as("Volapük ae").isEqualTo(UserNames.key("ann"));
    }

    /** Spellings of one account, each equal to "user5" under a UCA primary-level collation: how many keys. */
    @Test
    void oneAccountIsOneKeyWhateverItsFive() {
        int[] fives = {
            '5', 0x0665, 0x096B, 0x3025, 0x0F2E, 0x10143, 0x10148, 0x1014F, 0x1015F, 0x10173, 0x12403, 0x1240A, 0x12410,
            0x12419, 0x12422, 0x12427, 0x12431, 0x12439, 0x1244D, 0x12454, 0x12455
        };
        Set<String> keys = new LinkedHashSet<>();
        for (int five : fives) {
            keys.add(UserNames.key("user" + Character.toString(five)));
        }
        assertThat(keys).as("keys of %d spellings of user5", fives.length).hasSize(1);
    }
}
