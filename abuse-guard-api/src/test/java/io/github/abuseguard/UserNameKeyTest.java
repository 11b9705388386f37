package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A user name sent in a body field is one key however an application may take its spellings (probe3 F8). */
class UserNameKeyTest {

    private static String bodyKey(String username) {
        GuardRequest request = GuardRequest.builder("POST", "/api/login")
                .client("198.51.100.1")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
        return KeyResolver.parse("body:/username").resolve(request);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "alice",
                "Alice",
                " ALICE ",
                "\uff41lice", // full-width a
                "\uff21\uff2c\uff29\uff23\uff25", // full-width ALICE
                "alice\u200b", // zero-width space
                "al\u00adice", // soft hyphen
                "\ufeffalice", // byte-order mark
                "ali\u200dce\u2060", // zero-width joiner, word joiner
                "\u00a0alice\u3000", // no-break and ideographic spaces at the edges
                "alic\ufe0fe", // variation selector
                "a\\u200blice", // the JSON escape of a zero-width space
            })
    void spellingsAnApplicationMayTakeForOneNameShareItsKey(String spelling) {
        assertThat(bodyKey(spelling)).isEqualTo("alice");
    }

    /**
     * probe38b F1: MySQL's and MariaDB's default collations ignore accents, so these name one account there; each
     * spelling had a budget of its own.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "b\u00f3b", // ó
                "b\u00f6b", // ö
                "b\u00f2b", // ò
                "b\u014db", // ō
                "b\u01d2b", // ǒ
                "bo\u0301b", // o and a combining acute
                "B\u00d3B",
                "b\u00f8b", // ø
                "\u0062\u0323\u006f\u0062", // b with a dot below
            })
    void accentedSpellingsShareTheNamesKey(String spelling) {
        assertThat(bodyKey(spelling)).isEqualTo("bob");
    }

    /**
     * probe64c F1: MariaDB's UCA collations (utf8mb4_unicode_ci, unicode_520_ci, and uca1400_ai_ci, MariaDB 11.5's
     * default) compare enclosing marks (Unicode category Me), the visarga (Mc) and the Arabic tatweel at no primary
     * weight, so {@code bob} followed by any of them is bob's account there (checked on MariaDB 10.11 with
     * {@code SELECT 'bob' = 'bob\u20dd' COLLATE utf8mb4_uca1400_ai_ci}: 1); each spelling had a budget of its own:
     * 190 guesses at one account from one /24 reached the check where the network pair allows 30.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "bob\u20dd", // combining enclosing circle (Me)
                "bob\u20e3", // combining enclosing keycap (Me)
                "b\u20ddob", // inside the name
                "bob\u0488", // combining Cyrillic hundred thousands sign (Me)
                "bob\u1abe", // combining parentheses overlay (Me)
                "bob\ua670", // combining Cyrillic ten millions sign (Me)
                "bob\u20dd\u20de\u20df", // several
                "bob\u0903", // Devanagari sign visarga (Mc), equal in every UCA collation of MariaDB
                "bob\u0640", // Arabic tatweel, equal under uca1400_ai_ci
                "bob\u302e", // Hangul single dot tone mark (Mc)
                "bob\ufe70", // Arabic fathatan isolated form (Lo): NFKC makes it a space and a mark, the space stays
                "bob\u0345", // combining ypogegrammeni (Mn): case folding makes it a letter (iota) before marks go
            })
    void marksAUcaCollationIgnoresShareTheNamesKey(String spelling) {
        assertThat(bodyKey(spelling)).isEqualTo("bob");
    }

    /**
     * probe43b (x43): UCA collations (MySQL's utf8mb4_0900_ai_ci, MariaDB's uca1400_ai_ci, measured on MariaDB
     * 10.11) find one account for these; each spelling had a budget of its own (20 guesses a minute at david
     * through a limit of 5).
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "russell|ru\u1E9Eell",
                "aeron|\u00E6ron",
                "aeron|\u00C6ron",
                "oeuvre|\u0153uvre",
                "dara|\u00F0ara",
                "david|\u00F0avi\u00F0"
            })
    void ligaturesEthAndTheCapitalSharpSShareTheirLettersKey(String pair) {
        String[] spellings = pair.split("\\|");
        assertThat(bodyKey(spellings[1])).isEqualTo(bodyKey(spellings[0])).isEqualTo(spellings[0]);
    }

    @Test
    void caseIsFoldedBeyondLowerCase() {
        assertThat(bodyKey("STRASSE")).isEqualTo(bodyKey("stra\u00dfe")).isEqualTo("strasse");
        assertThat(bodyKey("\u1f08\u03c3\u03bf\u03c2")).isEqualTo(bodyKey("\u1f00\u03a3\u039f\u03a3"));
    }

    @Test
    void differentNamesKeepDifferentKeys() {
        assertThat(bodyKey("alice")).isNotEqualTo(bodyKey("alicf"));
        assertThat(bodyKey("al ice")).isEqualTo("al ice");
    }

    @Test
    void aNamePaddedWithSpacesPastTheBoundIsStillTheNameTheApplicationTrims() {
        // review: one tab sends the name down the non-ASCII path, and past the bound it was digested untrimmed,
        // a fresh key for each count of spaces while the application's trim() still reads "alice"
        assertThat(bodyKey("alice" + " ".repeat(1_100) + "\\t")).isEqualTo("alice");
        assertThat(bodyKey("alice" + " ".repeat(1_101) + "\\t")).isEqualTo("alice");
        assertThat(bodyKey("\\t" + " ".repeat(2_000) + "ALICE")).isEqualTo("alice");
    }

    @Test
    void aHugeNameOfInvisibleCharactersIsTheNameItHides() {
        assertThat(bodyKey("alice" + "\u200b".repeat(50_000))).isEqualTo("alice");
    }

    @Test
    void aHugeVisibleNameBecomesABoundedDigest() {
        String key = bodyKey("\uff41".repeat(100_000));
        assertThat(key).startsWith("#").hasSizeLessThanOrEqualTo(KeyResolver.MAX_KEY_LENGTH);
        assertThat(bodyKey("a".repeat(100_000))).startsWith("#");
    }

    private static String basicUser(String... authorizations) {
        GuardRequest.Builder request =
                GuardRequest.builder("GET", "/actuator/metrics").client("198.51.100.1");
        for (String authorization : authorizations) {
            request.header("Authorization", authorization);
        }
        return KeyResolver.parse("basic-user").resolve(request.build());
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theBasicUserKeyIsTheUserNameNeverThePassword() {
        assertThat(basicUser(basic("ops:wrong-1"))).isEqualTo("ops");
        assertThat(basicUser(basic("ops:wrong-2"))).isEqualTo("ops");
        assertThat(basicUser(basic("OPS:a:b:c")))
                .as("a password may hold colons")
                .isEqualTo("ops");
        assertThat(basicUser("basic  " + basic("\uff4fps\u200b:x").substring(6)))
                .as("the scheme in any case; the name keyed as a user name")
                .isEqualTo("ops");
    }

    @Test
    void onlyRequestsWithoutBasicCredentialsHaveNoBasicUserKey() {
        assertThat(basicUser()).isNull();
        assertThat(basicUser("Bearer eyJhbGciOiJIUzI1NiJ9.e30.x")).isNull();
        assertThat(basicUser("Digest username=\"ops\"")).isNull();
    }

    @Test
    void basicCredentialsAnAuthenticatorRefusesUnreadStillNameAUser() {
        // never "no key", which would count the guess against nobody (probe23 F2)
        assertThat(basicUser("Basic")).as("empty credentials: the empty name").isEqualTo("");
        assertThat(basicUser(basic("no-colon")))
                .as("all user name, as Tomcat reads it")
                .isEqualTo("no-colon");
        assertThat(basicUser("Basic not base64!")).isNotNull();
    }

    @Test
    void twoDifferentAuthorizationHeadersAreAmbiguous() {
        GuardRequest request = GuardRequest.builder("GET", "/actuator/metrics")
                .client("198.51.100.1")
                .header("Authorization", basic("ops:x"))
                .header("Authorization", basic("root:y"))
                .build();
        assertThat(KeyResolver.basicUser().unreadable(request)).isEqualTo(BodyField.Unreadable.AMBIGUOUS_HEADER);
    }

    @Test
    void aHugePasswordIsNeverReadAndAHugeNameIsBounded() {
        assertThat(basicUser(basic("ops:" + "p".repeat(200_000)))).isEqualTo("ops");
        String key = basicUser(basic("o".repeat(200_000) + ":x"));
        assertThat(key).startsWith("#").hasSizeLessThanOrEqualTo(KeyResolver.MAX_KEY_LENGTH);
        assertThat(basicUser(basic("o".repeat(200_000) + ":y")))
                .as("the password after a long name is never read")
                .isEqualTo(key);
    }

    /**
     * Spellings an accent-insensitive UCA collation (MariaDB 10.11's {@code utf8mb4_uca1400_ai_ci}, checked with
     * {@code WEIGHT_STRING} and {@code =}; DUCET 13's primary weights give the same) takes for the account on the
     * left. review95 F1: every decimal digit weighs as its ASCII digit, Latin ligature letters and enclosed letters
     * expand. probe77a: the combining Latin small letters weigh as the letter they show, not as nothing, and so do a
     * digraph letter and the squared words NFKC keeps. review141 F2 and review145 F3: U+1DCA and the insular letters of
     * Unicode 14 (their weights inferred from DUCET 13's insular d and r) likewise.
     */
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
        "alice, '\u0363lice'", // COMBINING LATIN SMALL LETTER A
        "alice, 'alic\u0364'", // COMBINING LATIN SMALL LETTER E
        "alice, 'ali\u0368e'", // COMBINING LATIN SMALL LETTER C
        "user8, '\u0367ser8'", // COMBINING LATIN SMALL LETTER U
        "user8, 'u\u1DE4er8'", // COMBINING LATIN SMALL LETTER S
        "user8, 'us\u0364r8'", // COMBINING LATIN SMALL LETTER E
        "user8, 'use\u036C8'", // COMBINING LATIN SMALL LETTER R
        "alice, '\u0363\u1DDD\u0365\u0368\u0364'", // every letter in its combining form
        "dzeko, '\u02A3eko'", // LATIN SMALL LETTER DZ DIGRAPH
        "3dmax, '\uD83C\uDD9Bmax'", // SQUARED THREE D
        "hc, '\uD83C\uDDA6'", // SQUARED HC
        "user8, 'use\u1DCA8'", // COMBINING LATIN SMALL LETTER R BELOW
        "root, '\u1DCAoot'",
        "user8, 'use\u1ACD8'", // COMBINING LATIN SMALL LETTER INSULAR R
        "guest, '\u1ACCuest'", // COMBINING LATIN SMALL LETTER INSULAR G
        "admtn, 'adm\u1ACEn'", // COMBINING LATIN SMALL LETTER INSULAR T
    })
    void spellingsAUcaCollationTakesForTheAccountShareItsKey(String account, String spelling) {
        assertThat(bodyKey(spelling)).as("the key of %s", spelling).isEqualTo(bodyKey(account));
    }

    /** review95 F1: zero-weight characters outside Mn/Me/Mc/Cf/Cc (Lm, Lo, Po) and Arabic isolated forms in a name. */
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
     * review95 F2: marks do not count as invisible before the {@link UserNames#MAX_NORMALIZED_CHARS} bound, so a name
     * padded past it with combining marks was only lower-cased, and each count of marks a key of its own; MariaDB's
     * uca1400_ai_ci still reads {@code 'bob' = CONCAT('bob', REPEAT(U+0301, 1100))} as true.
     */
    @ParameterizedTest
    @ValueSource(ints = {1100, 1101, 5000})
    void aNamePaddedWithMarksPastTheBoundIsStillTheName(int marks) {
        assertThat(bodyKey("bob" + "\\u0301".repeat(marks))).isEqualTo("bob");
    }
}
