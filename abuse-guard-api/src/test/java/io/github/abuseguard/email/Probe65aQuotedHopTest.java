package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe65a F1: a percent-hack or bang-path hop written inside a quoted string, or with a backslash escape, is
 * read by Postfix as if unquoted: its resolver looks inside quotes by default ({@code resolve_dequoted_address =
 * yes}, "so that additional @ or % or ! operators remain visible") and works on the internal (unquoted, unescaped)
 * form of the address, where {@code "bot%mailinator.com"@relay} and {@code bot%mailinator\.com@relay} are {@code
 * bot%mailinator.com@relay}, whose hop the guard refuses. The guard judged hops only where no quote, escape or
 * comment touched them: 60 of 60 such sign-ups and 24 of 24 e-mail changes went through on the demo.
 */
class Probe65aQuotedHopTest {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    @ParameterizedTest(name = "quoted or escaped hop judged: {0}")
    @ValueSource(
            strings = {
                "\"bot%mailinator.com\"@gmail.com", // quoted local part: the percent hop inside it
                "bot%\"mailinator.com\"@gmail.com", // the hop itself quoted
                "bot%\"mailinator\".com@gmail.com",
                "\"mailinator.com!bot\"@gmail.com", // a quoted bang path
                "\"mailinator.com\"!bot@gmail.com",
                "bot%mailinator\\.com@gmail.com", // a backslash escape inside the hop (RFC 821 allows it)
                "mailinator.com\\!bot@gmail.com",
                "bot%\"yopmail.com\"%relay.example@gmail.com",
                "\"bot\uFF05mailinator.com\"@gmail.com", // full-width '%' in quotes, as NFKC reads it
                "\"bot%mailinator.com\" @gmail.com", // folding white space before the '@'
                "\"bot@mailinator.com\"@gmail.com", // an '@' in a quoted local part: Postfix resolves it too
                "\"bot@mailinator.com\" @gmail.com",
                // review99 F1: comments and CRLF folding (CFWS) after the quotes, adjacent words of one local part
                "\"bot@mailinator.com\"(x)@gmail.com",
                "\"bot@mailinator.com\" (x) @gmail.com",
                "\"bot@mailinator.com\"\r\n @gmail.com",
                "\"bot@mailinator\"\".com\"@gmail.com",
                "\"bot@\"mailinator.com@gmail.com",
                // review100 F3: a quoted member of a list is an unqualified address a mail server completes and
                // resolves
                "\"ann@mailinator.com\", ann@gmail.com",
            })
    void aHopInsideQuotesOrEscapedIsJudgedAsTheSameHopUnquoted(String address) {
        assertThat(bundled.isDisposable("bot%mailinator.com@gmail.com"))
                .as("control: the same hop unquoted")
                .isTrue();
        assertThat(bundled.isDisposable(address)).as(address).isTrue();
    }

    @ParameterizedTest(name = "hop beside a comment judged: {0}")
    @ValueSource(
            strings = {
                "bot%(x)mailinator.com@gmail.com", // a comment leading the hop
                "bot%mail(x)inator.com@gmail.com",
                "bot%mailinator.com%(x)relay.example@gmail.com", // mailinator.com, the hop before the comment
                "mailinator.com(x)!bot@gmail.com", // (x)mailinator.com!bot@gmail.com is caught
            })
    void aHopBesideACommentIsJudgedAsTheDomainAfterAnAtIs(String address) {
        assertThat(bundled.isDisposable("bot@(x)mailinator.com"))
                .as("control: a comment before the domain after '@' hides nothing")
                .isTrue();
        assertThat(bundled.isDisposable(address)).as(address).isTrue();
    }

    /** What the quotes hide stays hidden where they are a display name, not a local part. */
    @ParameterizedTest(name = "a display name is not a hop: {0}")
    @ValueSource(
            strings = {
                "\"ann@yopmail.com\" <ann@gmail.com>",
                "\"Ann (mailinator.com)\" <ann@gmail.com>",
                "\"ann%mailinator.com\"<ann@gmail.com>",
                "\"ann@mailinator.com\" (work) <ann@gmail.com>",
                "ann@gmail.com (bot%mailinator.com)",
                "\"Ann\" <ann@gmail.com>",
                "ann\\.smith@gmail.com",
            })
    void aDisplayNameOrACommentNamesNoHop(String address) {
        assertThat(bundled.match(address)).as(address).isNull();
    }
}
