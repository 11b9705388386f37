package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * review80 F1/F2: values the guard lets through (CarelessReadingsReview80Test) that an application stripping
 * parentheses and cutting at white space delivers to maildrop.cc get a key per local part (botN@gmail.com), so the
 * per-mailbox limit gives each sign-up a fresh budget. A comment before the domain, parted from the rest by white
 * space, is what Mailboxes calls unusual elsewhere (dan@gmail(x).com, ann@gmail.com\u00A0x).
 */
class MailboxesCarelessReview80Test {
    @ParameterizedTest(name = "a comment parted from the domain by white space is unusual: {0}")
    @ValueSource(
            strings = {
                "bot@(maildrop.cc)\u00A0gmail.com(%)",
                "bot@(maildrop.cc)\u001Fgmail.com",
                "bot@(maildrop.cc)\tgmail.com",
                "bot@(yopmail.com\u00A0)gmail.com(%)",
            })
    void aCommentBeforeTheDomainPartedByWhiteSpaceHasTheSharedKey(String value) {
        assertThat(Mailboxes.read(value).key()).isEqualTo(Mailboxes.UNUSUAL);
    }

    /**
     * review80 F5: a value of 30,000 combining marks took 2.5 s to NFKC-normalise (the reordering of one run is
     * quadratic); a run longer than stream-safe text allows is no address anyone types, and has the shared key.
     */
    @org.junit.jupiter.api.Test
    void aRunOfMarksLongerThanStreamSafeTextIsUnusual() {
        String value = "a@b.com x" + "\u0301".repeat(15_000) + "\u0316".repeat(15_000);
        assertThat(Mailboxes.read(value).key()).isEqualTo(Mailboxes.UNUSUAL);
        assertThat(Mailboxes.read("ann@gma\u0301il.com").key()).isNotEqualTo(Mailboxes.UNUSUAL);
    }
}
