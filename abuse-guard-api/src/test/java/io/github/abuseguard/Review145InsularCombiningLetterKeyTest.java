package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * review145 F3: review141 F2 added U+1DCA, but the combining Latin small letters of Unicode 14 (the version
 * {@code uca1400_ai_ci} collates by) are still left out: U+1ACC INSULAR G, U+1ACD INSULAR R, U+1ACE INSULAR T. DUCET
 * weighs the insular letters as the base letter (DUCET 13: {@code 1DD8 COMBINING LATIN SMALL LETTER INSULAR D ;
 * [.1FEB...][.0000.0119...]}, {@code A783 LATIN SMALL LETTER INSULAR R ; [.2193...]}, the primary of {@code r}); these
 * three were added after DUCET 13, so their weights here are inferred from those, not read from allkeys 14. The key
 * drops them as marks ({@code use\u1ACD8} is {@code use8}): a budget per spelling, as {@code use\u1DCA8} had.
 */
class Review145InsularCombiningLetterKeyTest {

    private static String bodyKey(String username) {
        GuardRequest request = GuardRequest.builder("POST", "/api/login")
                .client("198.51.100.1")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
        return KeyResolver.parse("body:/username").resolve(request);
    }

    @ParameterizedTest
    @CsvSource({
        "'use\u1ACD8', user8", // COMBINING LATIN SMALL LETTER INSULAR R
        "'\u1ACCuest', guest", // COMBINING LATIN SMALL LETTER INSULAR G
        "'adm\u1ACEn', admtn", // COMBINING LATIN SMALL LETTER INSULAR T
    })
    void anInsularCombiningLetterSharesTheKeyOfItsLetter(String spelling, String account) {
        assertThat(bodyKey(spelling)).as("the key of %s", spelling).isEqualTo(bodyKey(account));
    }
}
