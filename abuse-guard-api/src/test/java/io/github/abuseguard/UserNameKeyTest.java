package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
}
