package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * review97 F1: SPACED_MARKS is computed over four blocks only, but NFKC makes three more characters a space and a
 * mark (U+2017 DOUBLE LOW LINE, U+203E OVERLINE, U+FFE3 FULLWIDTH MACRON), and a few more a mark alone or the
 * tatweel and a mark (U+FF9E, U+FF9F, U+FE71, U+FE77.., U+FCF2..U+FCF4), all of which the short path drops: past
 * the bound "bob" and N of them is still a digest of its own for each N (review96 F3 left open).
 */
class Review97UserNameKeyTest {

    @Test
    void everyCharacterTheShortPathDropsIsDroppedPastTheBound() {
        int past = UserNames.MAX_NORMALIZED_CHARS + 10;
        for (String accent : new String[] {"\u2017", "\u203E", "\uFFE3", "\uFF9E", "\uFE77", "\uFCF2"}) {
            assertThat(UserNames.key("bob" + accent))
                    .as("short: bob and U+%04X", (int) accent.charAt(0))
                    .isEqualTo("bob");
            assertThat(UserNames.key("bob" + accent.repeat(past)))
                    .as("bob and %d of U+%04X", past, (int) accent.charAt(0))
                    .isEqualTo(UserNames.key("bob" + accent.repeat(past + 1)))
                    .isEqualTo("bob");
        }
    }

    /** review97 F3: no-break spaces, which NFKC makes spaces, do not push a name past the bound either. */
    @Test
    void noBreakSpacesDoNotPushANamePastTheBound() {
        int past = UserNames.MAX_NORMALIZED_CHARS + 10;
        for (String space : new String[] {"\u00A0", "\u2007", "\u202F"}) {
            assertThat(UserNames.key("bob" + space)).isEqualTo("bob");
            assertThat(UserNames.key("bob" + space.repeat(past))).isEqualTo("bob");
        }
    }
}
