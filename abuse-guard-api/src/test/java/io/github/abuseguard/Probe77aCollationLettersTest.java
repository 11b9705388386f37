package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * probe77a: spellings the accent-insensitive UCA collations README names (MariaDB 10.11's utf8mb4_uca1400_ai_ci, checked on a
 * local server for every row; DUCET 13's primary weights give the same; unicode_520_ci and unicode_ci agree on the first)
 * take for the account on the right, while the user-name key is another. The combining Latin small letters
 * (U+0363-U+036F, U+1DD3-U+1DF4, U+1ABF) weigh in DUCET as the letter they show, not as nothing: the key drops them as
 * marks, so {@code \u0363lice} is {@code lice}, {@code us\u0364r8} is {@code usr8}. A Latin digraph letter (U+02A3) and
 * the squared words NFKC keeps past U+1F1AA are not read as their letters, although README says both are.
 */
class Probe77aCollationLettersTest {

    private static String bodyKey(String username) {
        GuardRequest request = GuardRequest.builder("POST", "/api/login")
                .client("198.51.100.1")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
        return KeyResolver.parse("body:/username").resolve(request);
    }

    @ParameterizedTest
    @CsvSource({
        "'\u0363lice', alice", // COMBINING LATIN SMALL LETTER A
        "'alic\u0364', alice", // COMBINING LATIN SMALL LETTER E
        "'ali\u0368e', alice", // COMBINING LATIN SMALL LETTER C
        "'\u0367ser8', user8", // COMBINING LATIN SMALL LETTER U
        "'u\u1DE4er8', user8", // COMBINING LATIN SMALL LETTER S
        "'us\u0364r8', user8", // COMBINING LATIN SMALL LETTER E
        "'use\u036C8', user8", // COMBINING LATIN SMALL LETTER R
        "'\u0363\u1DDD\u0365\u0368\u0364', alice", // every letter in its combining form
        "'\u02A3eko', dzeko", // LATIN SMALL LETTER DZ DIGRAPH
        "'\uD83C\uDD9Bmax', 3dmax", // SQUARED THREE D
        "'\uD83C\uDDA6', hc", // SQUARED HC
    })
    void aSpellingTheDatabaseTakesForTheAccountSharesItsKey(String spelling, String account) {
        assertThat(bodyKey(spelling)).as("the key of %s", spelling).isEqualTo(bodyKey(account));
    }
}
