package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * review95: spellings MariaDB's utf8mb4_uca1400_ai_ci (checked on MariaDB 10.11 with WEIGHT_STRING and '=') and the
 * DUCET-based utf8mb4_0900_ai_ci / utf8mb4_unicode_ci read as the same account still get keys of their own.
 */
class Review95UserNameKeyTest {

    private static String bodyKey(String username) {
        GuardRequest request = GuardRequest.builder("POST", "/api/login")
                .client("198.51.100.1")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
        return KeyResolver.parse("body:/username").resolve(request);
    }

    /** F1: every decimal digit (Nd) weighs as its ASCII digit; Latin ligature letters and enclosed letters expand. */
    @ParameterizedTest
    @CsvSource({
        "user5, user\u0665", // ARABIC-INDIC DIGIT FIVE
        "user5, user\u06F5", // EXTENDED ARABIC-INDIC DIGIT FIVE
        "user5, user\u096B", // DEVANAGARI DIGIT FIVE
        "user5, user\u0E55", // THAI DIGIT FIVE
        "user5, user\u07C5", // NKO DIGIT FIVE
        "john1987, john\u0967\u0669\u096E\u0AED", // mixed scripts' digits
        "aaron, \uA733ron", // LATIN SMALL LETTER AA
        "oona, \uA74Fna", // LATIN SMALL LETTER OO
        "thor, \u1D7Aor", // LATIN SMALL LETTER TH WITH STRIKETHROUGH
        "bob, \uD83C\uDD51\uD83C\uDD5E\uD83C\uDD51", // NEGATIVE CIRCLED LATIN CAPITAL LETTER B O B
        "bob, \uD83C\uDD71\uD83C\uDD7E\uD83C\uDD71", // NEGATIVE SQUARED LATIN CAPITAL LETTER B O B
        "okay, \uD83C\uDD97ay", // SQUARED OK
    })
    void spellingsAUcaCollationReadsAsOneNameShareItsKey(String name, String spelling) {
        assertThat(bodyKey(spelling)).isEqualTo(bodyKey(name));
    }

    /** F1: zero-weight characters outside Mn/Me/Mc/Cf/Cc (Lm, Lo, Po) and Arabic isolated forms inside a name. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "bob\u07FA", // NKO LAJANYALAN (Lm), the N'Ko tatweel
                "bob\u0824", // SAMARITAN MODIFIER LETTER SHORT A (Lm)
                "bob\u180A", // MONGOLIAN NIRUGU (Po)
                "bob\u1CD3", // VEDIC SIGN NIHSHVASA (Po)
                "bob\uFE73", // ARABIC TAIL FRAGMENT (Lo)
                "bo\uFE70b", // ARABIC FATHATAN ISOLATED FORM inside the name: NFKC leaves a space there
            })
    void ignorableCharactersAUcaCollationSkipsShareTheNamesKey(String spelling) {
        assertThat(bodyKey(spelling)).isEqualTo("bob");
    }

    /**
     * F2: marks do not count as invisible before the {@link UserNames#MAX_NORMALIZED_CHARS} bound, so a name padded
     * past it with combining marks is only lower-cased, and each count of marks is a key (a digest) of its own;
     * MariaDB's uca1400_ai_ci still reads {@code 'bob' = CONCAT('bob', REPEAT(U+0301, 1100))} as true.
     */
    @ParameterizedTest
    @ValueSource(ints = {1100, 1101, 5000})
    void aNamePaddedWithMarksPastTheBoundIsStillTheName(int marks) {
        assertThat(bodyKey("bob" + "\\u0301".repeat(marks))).isEqualTo("bob");
    }
}
