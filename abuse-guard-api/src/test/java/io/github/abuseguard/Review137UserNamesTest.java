package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** review137 (held): the combining Latin letters and new letter cases of 1a489b55 (probe77a F1, F2). */
class Review137UserNamesTest {

    @Test
    void everyNewCodePointFoldsWithoutFailingAndIsStable() {
        StringBuilder all = new StringBuilder("x");
        for (int c = 0x0363; c <= 0x036F; c++) {
            all.appendCodePoint(c);
        }
        for (int c = 0x1DD3; c <= 0x1DF4; c++) {
            all.appendCodePoint(c);
        }
        all.appendCodePoint(0x1ABF).appendCodePoint(0x1AC0);
        for (int c : new int[] {0x01BE, 0x02A3, 0x02A4, 0x02A5, 0x1F18B, 0x1F18C, 0x1F18D}) {
            all.appendCodePoint(c);
        }
        for (int c = 0x1F19B; c <= 0x1F1AC; c++) {
            all.appendCodePoint(c);
        }
        String key = UserNames.key(all.toString());
        assertThat(key).isNotEmpty();
        assertThat(UserNames.key(key)).as("a key folds to itself").isEqualTo(key);
        assertThat(UserNames.key(all.toString().toUpperCase(java.util.Locale.ROOT)))
                .isEqualTo(key);
    }

    @Test
    void namesWithoutTheNewLettersKeepTheirKeys() {
        for (String name : new String[] {"alice", "Bób", "ǅemal", "straße", "Ærø", "jürgen.müller", "ʦar"}) {
            assertThat(UserNames.key(name)).as(name).isEqualTo(UserNames.key(UserNames.key(name)));
        }
        assertThat(UserNames.key("Bób")).isEqualTo("bob");
    }

    @Test
    void aLongRunOfCombiningLettersStaysBounded() {
        for (int n : new int[] {100, 1_000, 1_100, 50_000}) {
            String key = UserNames.key("bob" + "\u0363".repeat(n));
            assertThat(key.length()).as("n=%s", n).isLessThanOrEqualTo(KeyResolver.MAX_KEY_LENGTH);
        }
        String squares = UserNames.key("\uD83C\uDDA9".repeat(1_000)); // SQUARED LOSSLESS, 8 letters each
        assertThat(squares.length()).isLessThanOrEqualTo(KeyResolver.MAX_KEY_LENGTH);
    }
}
