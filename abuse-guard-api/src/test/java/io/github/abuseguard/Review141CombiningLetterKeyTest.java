package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * review141 F2: probe77a's fix reads the combining Latin small letters U+0363-U+036F, U+1DD3-U+1DF4, U+1ABF and U+1AC0 as
 * the letters they show, but not U+1DCA COMBINING LATIN SMALL LETTER R BELOW, which DUCET 13 (allkeys.txt: {@code 1DCA ;
 * [.2193.0020.0004]}, the primary weight of {@code r}, {@code 0072 ; [.2193.0020.0002]}) weighs as {@code r} too. The
 * key drops it as a mark: {@code use\u1DCA8} is {@code use8}, a budget apart from {@code user8}, while an
 * accent-insensitive UCA collation finds the account {@code user8}.
 */
class Review141CombiningLetterKeyTest {

    private static String bodyKey(String username) {
        GuardRequest request = GuardRequest.builder("POST", "/api/login")
                .client("198.51.100.1")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
        return KeyResolver.parse("body:/username").resolve(request);
    }

    @ParameterizedTest
    @CsvSource({
        "'use\u036C8', user8", // control: COMBINING LATIN SMALL LETTER R, read as r since probe77a
        "'use\u1DCA8', user8", // COMBINING LATIN SMALL LETTER R BELOW
        "'\u1DCAoot', root",
    })
    void aCombiningLetterRBelowSharesTheKeyOfR(String spelling, String account) {
        assertThat(bodyKey(spelling)).as("the key of %s", spelling).isEqualTo(bodyKey(account));
    }
}
