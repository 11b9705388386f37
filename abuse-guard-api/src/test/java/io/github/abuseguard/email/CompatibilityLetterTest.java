package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every code point UTS #46 maps to one ASCII letter ({@code uts46-ascii-letters.txt}: the code point in
 * hexadecimal and its letter, from the attack probe's enumeration of Unicode's IdnaMappingTable), written
 * into a listed domain in place of that letter: browsers, ICU, libidn2 and mail servers with SMTPUTF8
 * deliver {@code a@\u1D50ailinator.com} to mailinator.com, so the guard must refuse it, as disposable or,
 * where this runtime's Unicode tables do not know the code point, as unreadable. {@code java.net.IDN}
 * alone (Unicode 3.2) missed 111 of them: modifier and subscript letters added after 3.2.
 */
class CompatibilityLetterTest {
    /** Listed domains that between them hold every letter; each is checked to be listed. */
    private static final List<String> LISTED = List.of(
            "mailinator.com",
            "yopmail.com",
            "guerrillamail.com",
            "sharklasers.com",
            "10minutemail.com",
            "trashmail.de",
            "fakeinbox.com",
            "jetable.org",
            "zzz.com",
            "xww.ro",
            "byom.de",
            "qiq.us",
            "vjuum.com");

    private static final DisposableDomains BUNDLED = DisposableDomains.bundled();
    private final DisposableEmailGuard guard = DisposableEmailGuard.of(
            BUNDLED, List.of(EmailRule.builder("sign-up").path("/api/accounts").build()));

    static Stream<Arguments> letters() throws IOException {
        List<Arguments> letters = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(
                        CompatibilityLetterTest.class.getResourceAsStream("uts46-ascii-letters.txt"));
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.trim().split(" ");
                letters.add(Arguments.of(Integer.parseInt(fields[0], 16), fields[1].charAt(0)));
            }
        }
        assertThat(letters).as("the whole enumeration").hasSize(925);
        return letters.stream();
    }

    @ParameterizedTest(name = "U+{0} for {1}")
    @MethodSource("letters")
    void aListedDomainSpeltWithACompatibilityLetterIsRefused(int codePoint, char letter) {
        String listed = LISTED.stream()
                .filter(domain -> domain.indexOf(letter) >= 0)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no listed domain holds " + letter));
        assertThat(BUNDLED.isDisposable("a@" + listed))
                .as(listed + " is listed")
                .isTrue();
        int at = listed.indexOf(letter);
        String address = "a@" + listed.substring(0, at) + Character.toString(codePoint) + listed.substring(at + 1);

        Decision decision = guard.check(signUp(address));

        assertThat(decision.isDeny()).as("%s (U+%X)", address, codePoint).isTrue();
        assertThat(decision.reason()).isIn("disposable-email", "unreadable-email-domain");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a@\u1D50ailinator.com", "a@m\u2090ilinator.com", "a@\u1D33uerrillamail.com"})
    void aLetterNewerThanUnicode32IsFoldedAsUts46FoldsIt(String address) {
        assertThat(BUNDLED.match(address))
                .as(address)
                .isNotNull()
                .extracting(DisposableDomains.Match::domain)
                .isIn("mailinator.com", "guerrillamail.com");
    }

    @Test
    void realInternationalisedDomainsKeepTheirAsciiForm() {
        assertThat(EmailDomain.of("ann@m\u00FCnchen.de")).isEqualTo("xn--mnchen-3ya.de");
        assertThat(EmailDomain.of("ann@M\u00DCNCHEN.DE")).isEqualTo("xn--mnchen-3ya.de");
        assertThat(EmailDomain.of("ann@\u4F8B\u3048.jp")).isEqualTo("xn--r8jz45g.jp");
        assertThat(EmailDomain.of("ann@\u0431\u0430\u043D\u043A.\u0440\u0444")).isEqualTo("xn--80ab2al.xn--p1ai");
        assertThat(EmailDomain.of("ann@\uFF4D\uFF55\uFF4E\uFF43\uFF48\uFF45\uFF4E.de"))
                .as("full-width letters, as before")
                .isEqualTo("munchen.de");
        assertThat(guard.check(signUp("ann@m\u00FCnchen.de")).isAllow()).isTrue();
    }

    @Test
    void aCodePointThisRuntimeDoesNotKnowMakesTheDomainUnreadable() {
        int unassigned = 0x1FFFD; // unassigned in every Unicode version so far, near the end of plane 1
        assertThat(Character.isDefined(unassigned)).isFalse();
        String address = "a@mail" + Character.toString(unassigned) + "nator.com";
        Decision decision = guard.check(signUp(address));
        assertThat(decision.reason()).isEqualTo("unreadable-email-domain");
    }

    private static GuardRequest signUp(String address) {
        return GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":\"" + address + "\"}")
                .build();
    }
}
