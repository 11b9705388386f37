package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * review96 F3: spacing accents and Arabic presentation-form marks (U+00B4, U+00A8, U+02D8..U+02DD, U+FE70..) weigh
 * nothing in a short name (NFKC makes each a space and a mark, and both are dropped), but withoutMarks, run before the
 * bound, does not drop them: past the bound, "bob" and N of them is a digest of its own for each N, as review95 F2's
 * combining acutes were.
 */
class Review96UserNameKeyTest {

    @Test
    void spacingAccentsDoNotPushANamePastTheBound() {
        assertThat(UserNames.key("bob\u00B4")).isEqualTo("bob");
        assertThat(UserNames.key("bob\uFE70")).isEqualTo("bob");
        int past = UserNames.MAX_NORMALIZED_CHARS + 10;
        for (String accent : new String[] {"\u00B4", "\u00A8", "\u02DD", "\uFE70", "\u1FBF"}) {
            assertThat(UserNames.key("bob" + accent.repeat(past)))
                    .as("bob and %d of U+%04X", past, (int) accent.charAt(0))
                    .isEqualTo(UserNames.key("bob" + accent.repeat(past + 1)))
                    .isEqualTo("bob");
        }
    }
}
