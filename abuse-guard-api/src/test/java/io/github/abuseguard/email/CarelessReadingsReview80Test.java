package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review80: what the combined and accentless readings of 919e2585 still let through, and what they now refuse. */
class CarelessReadingsReview80Test {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    /**
     * F1: a '%' or an '@' anywhere after the last '@' (here in a trailing comment, which every reading drops) makes
     * bracketsDeleted refuse, so the combined reading is off; an application that strips quotes and brackets and cuts
     * at the Unicode space still delivers to the listed domain. Each was answered 201 by the demo.
     */
    @ParameterizedTest(name = "F1 a comment with % or @ turns the combined reading off: {0}")
    @ValueSource(
            strings = {
                "bot@\"yopmail.com\"\u00A0gmail.com(%)",
                "bot@(maildrop.cc)\u00A0gmail.com(%)",
                "bot@(maildrop.cc)\u00A0gmail.com.(%)",
                "bot@(mailinator.com)\u3000gmail.com(\uFF05)",
                "bot@\"mailinator.com\"\u2003gmail.com(%)",
                "bot@(yopmail.com\u00A0)gmail.com(%)",
                "bot@(yo\u0301pmail.com)\u00A0gmail.com(%)",
                "bot@\"yopmail.com\"\u00A0gmail.com(a\uFF20b.com)",
                "bot@(maildrop.cc)\u00A0gmail.com(x@gmail.com)",
            })
    void aPercentOrAtInACommentDoesNotSwitchTheCombinedReadingOff(String address) {
        assertTrue(bundled.isDisposable(address), address + ": stripped and cut at the space it is a listed domain");
    }

    /**
     * F2: the combined reading drops ASCII controls, joining the words an application splits at: TAB, LF, VT and
     * U+001C-U+001F are white space to Character.isWhitespace (Commons Lang's StringUtils.split) and to Python's
     * str.split(). bot@(maildrop.cc)\u001Fgmail.com passes the demo's check and was answered 201.
     */
    @ParameterizedTest(name = "F2 a control white space after the comment: {0}")
    @ValueSource(
            strings = {
                "bot@(maildrop.cc)\u001Fgmail.com",
                "bot@(yopmail.com)\u001Cgmail.com",
                "bot@(maildrop.cc)\u000Bgmail.com",
                "bot@(maildrop.cc)\tgmail.com",
                "bot@(maildrop.cc)\ngmail.com",
            })
    void anAsciiWhiteSpaceControlSeparatesAsAUnicodeSpaceDoes(String address) {
        assertTrue(
                bundled.isDisposable(address), address + ": stripped and split at white space it is a listed domain");
    }

    /**
     * F3: three careless steps: a Turkish locale's i (or accents stripped), quotes stripped, and the invisible U+00A0
     * dropped (as the README says normalise reads it inside a name). The combined reading splits at U+00A0 instead,
     * leaving "yopmail". bot@"YOPMAİL"\u00A0.COM was answered 201 by the demo.
     */
    @ParameterizedTest(name = "F3 three steps: {0}")
    @ValueSource(
            strings = {
                "bot@\"YOPMA\u0130L\"\u00A0.COM",
                "bot@\"yo\u0301pmail\"\u00A0.com",
            })
    void threeCarelessStepsTogetherAreJudged(String address) {
        assertTrue(bundled.isDisposable(address), address + ": a listed domain to an application that does all three");
    }

    /**
     * F4: accents that canonical decomposition does not split off. Commons Lang's stripAccents (which the javadoc
     * names) turns ł into l; Normalizer NFD then replaceAll("\\p{M}", "") drops supplementary marks (U+1D167), which
     * accentlessReading, reading chars rather than code points, keeps. Both answered 201 by the demo.
     */
    @ParameterizedTest(name = "F4 accents NFD and a char-wise mark test miss: {0}")
    @ValueSource(
            strings = {
                "bot@yopmai\u0142.com",
                "bot@guerri\u0142lamail.com",
                "bot@yo\uD834\uDD67pmail.com",
            })
    void accentsAnAccentStripperRemovesAreRemoved(String address) {
        assertTrue(bundled.isDisposable(address), address + " is a listed domain to stripAccents or \\p{M} removal");
    }

    /**
     * F6: the accentless reading adds a spelling per IDN domain, so 17 colleagues at 17 different IDN domains are over
     * the 32 different domains (they passed before 919e2585); README says a field over the bound names more than 32.
     */
    @Test
    void seventeenIdnDomainsAreWithinTheDistinctBound() {
        List<String> invited = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            invited.add("ann@m\u00FCller" + i + ".de");
        }
        assertThat(FieldAddresses.read(invited).excess()).isNull();
    }

    /**
     * F6: one accented display name makes the accentless reading walk every address of the list again, so 600
     * colleagues in one value are over the 1,024 domains named (README: more than 1,024 addresses must be split).
     */
    @Test
    void sixHundredColleaguesWithAnAccentedNameAreWithinTheTotalBound() {
        StringBuilder list = new StringBuilder("Jos\u00E9 <u0@acme.com>");
        for (int i = 1; i < 600; i++) {
            list.append(", u").append(i).append("@acme.com");
        }
        assertThat(FieldAddresses.read(List.of(list.toString())).excess()).isNull();
    }

    /**
     * F7: a backslash inside the quoted or parenthesised domain. A quoted string's quoted-pair is the character it
     * escapes (RFC 5322), and an application that unquotes the string (or unescapes shell-style) and cuts at the
     * Unicode space delivers to yopmail.com; the combined reading cuts its first word at the backslash instead
     * ("@yop"). bot@"yop\\mail.com"\u00A0gmail.com was answered 201 by the demo.
     */
    @ParameterizedTest(name = "F7 a backslash escape in the quoted domain: {0}")
    @ValueSource(
            strings = {
                "bot@\"yop\\mail.com\"\u00A0gmail.com",
                "bot@\"yopmail\\.com\"\u00A0gmail.com",
                "bot@(mail\\drop.cc)\u00A0gmail.com",
            })
    void aQuotedPairInTheDomainIsReadAsTheCharacterItEscapes(String address) {
        assertTrue(bundled.isDisposable(address), address + ": unquoted and cut at the space it is a listed domain");
    }
}
