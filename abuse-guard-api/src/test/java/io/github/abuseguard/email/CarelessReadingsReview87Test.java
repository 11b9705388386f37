package io.github.abuseguard.email;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review87: what the careless readings of cbbd76d3 still let through. */
class CarelessReadingsReview87Test {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    /**
     * F1: a sharp s in a label, and a comment in or before the domain. The parser reads yopmailß.com and keeps the ß
     * (IDNA2008, xn--yopmail-6va.com), with the twin yopmailss.com. IDN.toUnicode (IDNA2003) cannot round-trip the
     * first, so the parsed reading sees "xn--yopmail-6va.com", and the twin has "ss" where the careless reader has
     * nothing. The raw text's skeleton keeps the comment's letters (yopmailx.com). An application that parses the
     * address and removes non-ASCII (with or without NFD/NFKD first) delivers to yopmail.com. The first five answered
     * 201 on the demo; bot@yopmailß.com without the comment is refused.
     */
    @ParameterizedTest(name = "F1 a sharp s and a comment: {0}")
    @ValueSource(
            strings = {
                "bot@yopmail\u00DF(x).com",
                "bot@mailinator\u00DF(x).com",
                "bot@yo\u0301pmail\u00DF(x).com",
                "bot@(x)yopmail\u00DF.com",
                "bot@yopmail\u1E9E(x).com",
                "bot@yop\u00DFmail(x).com",
                "Bot <bot@yopmail\u00DF(x).com>",
            })
    void aSharpSDoesNotHideTheParsedDomain(String address) {
        assertTrue(bundled.isDisposable(address), address + ": parsed, non-ASCII removed, is a listed domain");
    }

    /** Still refused without the comment (the raw skeleton cuts at the ß), the control for F1. */
    @Test
    void withoutTheCommentItIsRefused() {
        assertTrue(bundled.isDisposable("bot@yopmail\u00DF.com"));
    }

    /** The README's promise, still kept. */
    @Test
    void aQuotedDisplayNameNamesNoAddress() {
        assertFalse(bundled.isDisposable("\"ann@yopmail.com\" <ann@gmail.com>"));
        assertFalse(bundled.isDisposable("ann@stra\u00DFe.de"));
    }
}
