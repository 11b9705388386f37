package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * probe85a F1: the user-name key folds what an accent-insensitive UCA collation does not weigh at the primary level
 * (case, accents, compatibility forms), but not these letters, which the UCA weighs as another letter at the primary
 * and secondary levels and tells apart only at the tertiary (or not at all), so MySQL's default
 * {@code utf8mb4_0900_ai_ci}, MariaDB's {@code uca1400_ai_ci} and PostgreSQL's nondeterministic ICU collations
 * ({@code und-u-ks-level2}, the case-insensitive one its manual shows, and {@code und-u-ks-level1}) find one account for
 * both spellings:
 * <ul>
 *   <li>hiragana and katakana ({@code さとう}, {@code サトウ}, {@code さトう}), and the small kana ({@code ゅき} is
 *       {@code ゆき});
 *   <li>the Hebrew final letters ({@code ך ם ן ף ץ}) and their ordinary forms ({@code שלום} is {@code שלומ});
 *   <li>the combining Cyrillic letters (U+2DE0-U+2DFF, U+A674-U+A67B, U+A69E, U+A69F) and the combining Glagolitic
 *       letters (U+1E000-U+1E02A), which the key drops as marks, while the collations weigh them as their letters, as
 *       the combining Latin small letters of probe77a F1 ({@code и\u2DE1ан} is {@code иван});
 *   <li>the CJK radicals (U+2E80-U+2EF3) and the ideographs they show ({@code \u2EE2伟} is {@code 马伟}).
 * </ul>
 * Each was checked true in PostgreSQL 15 with ICU 72, e.g. {@code 'さとう' = 'サトウ' COLLATE ci2}. Each such letter of a
 * name doubles its keys: a name of k kana has 2^k budgets.
 */
class Probe85aTertiaryVariantsUserNamesTest {

    @Test
    void hiraganaAndKatakanaAreOneName() {
        assertThat(UserNames.key("サトウ")).isEqualTo(UserNames.key("さとう"));
        assertThat(UserNames.key("さトう")).isEqualTo(UserNames.key("さとう"));
        assertThat(UserNames.key("ゅき")).as("small yu").isEqualTo(UserNames.key("ゆき"));
    }

    @Test
    void hebrewFinalLettersAreTheirLetters() {
        assertThat(UserNames.key("שלומ")).as("mem for final mem").isEqualTo(UserNames.key("שלום"));
        assertThat(UserNames.key("כהן")).as("final nun").isEqualTo(UserNames.key("כהנ"));
    }

    @Test
    void combiningCyrillicAndGlagoliticLettersAreTheirLetters() {
        assertThat(UserNames.key("и\u2DE1ан")).as("U+2DE1 combining ve").isEqualTo(UserNames.key("иван"));
        assertThat(UserNames.key("ив\u2DF6н")).as("U+2DF6 combining a").isEqualTo(UserNames.key("иван"));
    }

    @Test
    void cjkRadicalsAreTheirIdeographs() {
        assertThat(UserNames.key("\u2EE2伟"))
                .as("U+2EE2 radical C-simplified horse")
                .isEqualTo(UserNames.key("马伟"));
        assertThat(UserNames.key("\u2ED3江"))
                .as("U+2ED3 radical C-simplified long")
                .isEqualTo(UserNames.key("长江"));
    }

    /** さとう with each kana in hiragana or katakana: eight spellings of one account. */
    @Test
    void oneKanaNameIsOneKey() {
        String hiragana = "さとう";
        String katakana = "サトウ";
        Set<String> keys = new LinkedHashSet<>();
        for (int mask = 0; mask < 8; mask++) {
            StringBuilder name = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                name.append(((mask >> i) & 1) == 0 ? hiragana.charAt(i) : katakana.charAt(i));
            }
            keys.add(UserNames.key(name.toString()));
        }
        assertThat(keys).as("keys of 8 spellings of さとう").hasSize(1);
    }
}
