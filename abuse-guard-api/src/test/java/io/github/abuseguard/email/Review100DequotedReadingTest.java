package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review100: EmailDomain.dequotedReading and its use in FieldAddresses.readValue. */
class Review100DequotedReadingTest {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    /** F1: the compatibility forms NFKC maps to '"', '\' and '(' ')' hide a hop the ASCII forms do not. */
    @ParameterizedTest(name = "compatibility quote, backslash or parenthesis: {0}")
    @ValueSource(
            strings = {
                "\uFF02bot%mailinator.com\uFF02@gmail.com", // full-width quotes
                "bot%\uFF02mailinator.com\uFF02@gmail.com",
                "bot%\uFF02mailinator\uFF02.com@gmail.com",
                "\uFF02mailinator.com!bot\uFF02@gmail.com",
                "\"bot%mailinator.com\uFF02@gmail.com", // one ASCII, one full-width quote
                "bot%mailinator\uFF3C.com@gmail.com", // full-width backslash
                "bot%mailinator\uFE68.com@gmail.com", // small backslash
                "mailinator.com\uFF3C!bot@gmail.com",
                "bot%mail\uFF08x\uFF09inator.com@gmail.com", // full-width parentheses: a comment after NFKC
                "bot%\uFF08x\uFF09mailinator.com@gmail.com",
                "bot%mail\uFE59x\uFE5Ainator.com@gmail.com", // small parentheses
                "bot%mail\u207Dx\u207Einator.com@gmail.com", // superscript parentheses
                "\"bot@mailinator.com\"\uFF08x\uFF09@gmail.com", // full-width comment after a quoted local part
            })
    void aHopBehindACompatibilityFormIsJudged(String address) {
        assertThat(bundled.isDisposable("\"bot%mailinator.com\"@gmail.com"))
                .as("control: ASCII form")
                .isTrue();
        assertThat(bundled.isDisposable(address) || DisposableDomains.hasUnreadableDomain(address))
                .as(address)
                .isTrue();
    }

    /** F2: the dequoted reading and the control-free reading do not compose ("any of these at once", README). */
    @ParameterizedTest(name = "control inside quotes: {0}")
    @ValueSource(
            strings = {
                "\"bot%mailinator.c\u0001om\"@gmail.com",
                "bot%\"mailinator.c\u0001om\"@gmail.com",
                "\"mailinator.c\u0001om!bot\"@gmail.com",
                "\"bot@mailinator.c\u0001om\"@gmail.com",
            })
    void aControlInsideAQuotedHopHidesNothing(String address) {
        assertThat(bundled.isDisposable("bot%mailinator.c\u0001om@gmail.com"))
                .as("control: unquoted")
                .isTrue();
        assertThat(bundled.isDisposable("\"bot%mailinator.com\"@gmail.com"))
                .as("control: no control")
                .isTrue();
        assertThat(bundled.isDisposable(address)).as(address).isTrue();
    }

    /**
     * F3: a quoted local-only list member is an address: Postfix appends @myorigin to it, strips that local domain and,
     * resolving inside the quotes, relays to the domain after the quoted '@'. Last in the list or alone it is refused.
     */
    @ParameterizedTest(name = "quoted local-only member: {0}")
    @ValueSource(
            strings = {
                "\"bot@mailinator.com\", ann@gmail.com",
                "\"bot@mailinator.com\";ann@gmail.com",
                "\"bot@mailinator.com\" (x), ann@gmail.com",
                "ann@gmail.com,\"bot@mailinator.com\",bob@gmail.com",
            })
    void aQuotedLocalOnlyMemberIsJudgedWhereverItStands(String address) {
        assertThat(bundled.isDisposable("ann@gmail.com, \"bot@mailinator.com\""))
                .as("control: last")
                .isTrue();
        assertThat(bundled.isDisposable("\"bot@mailinator.com\""))
                .as("control: alone")
                .isTrue();
        assertThat(bundled.isDisposable(address)).as(address).isTrue();
    }

    /** F4: a display name that is a phrase of a quoted word and more words, or ends in Unicode white space. */
    @ParameterizedTest(name = "display name: {0}")
    @ValueSource(
            strings = {
                "\"ann@yopmail.com\" Smith <ann@gmail.com>",
                "\"ann@yopmail.com\" via LinkedIn <ann@gmail.com>",
                "\"ann@yopmail.com\" \"Ann\" <ann@gmail.com>",
                "Ann \"ann@yopmail.com\" Smith <ann@gmail.com>",
                "\"ann@yopmail.com\"\u00A0<ann@gmail.com>",
                "\"ann@yopmail.com\" \u00A0<ann@gmail.com>",
                "\"ann@yopmail.com\"\u3000<ann@gmail.com>",
                "\"ann@yopmail.com\"\u200B<ann@gmail.com>",
                "\"ann@yopmail.com\" \u2028<ann@gmail.com>",
            })
    void aDisplayNamePhraseNamesNoDomain(String address) {
        assertThat(bundled.match("\"ann@yopmail.com\" <ann@gmail.com>"))
                .as("control")
                .isNull();
        assertThat(bundled.match(address)).as(address).isNull();
    }

    /**
     * F5: README: a field of up to 1,024 addresses is read ("more than 1,024 addresses must be split"); the dequoted
     * reading names each domain of a value with a comment or display name once more (1,024 became 512, 512 became 341).
     */
    @ParameterizedTest(name = "1,024 addresses written {0}")
    @ValueSource(strings = {"u3@acme.com (User 3)", "\"User 3\" <u3@acme.com>"})
    void aFieldOf1024AddressesIsWithinTheBound(String address) {
        assertThat(FieldAddresses.read(Collections.nCopies(1024, "u3@acme.com")).excess())
                .as("control: plain addresses")
                .isNull();
        assertThat(FieldAddresses.read(Collections.nCopies(1024, address)).excess())
                .as(address)
                .isNull();
    }
}
