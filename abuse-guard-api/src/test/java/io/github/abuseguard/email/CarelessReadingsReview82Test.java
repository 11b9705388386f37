package io.github.abuseguard.email;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review82: what the folded-skeleton careless readings of d4b19125 (and 5dba953f) still let through. */
class CarelessReadingsReview82Test {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    /**
     * F1: the careless candidates are taken only after the value's LAST '@'. The parser names a domain after every
     * '@' (README: "a@b@c names b and c"), and an application that takes the text after the FIRST '@'
     * (split("@")[1]) or that splits a list at ',' reads the earlier domain carelessly. The accent forms were
     * refused at fc88a706 (the accentless reading covered the whole value) and are not any more; the '＠' forms pass the
     * demo's regex and were answered 201.
     */
    @ParameterizedTest(name = "F1 a careless domain before a later @: {0}")
    @ValueSource(
            strings = {
                "bot@yo\u0301pmail.com\uFF20gmail.com",
                "bot@yo\u0301pmail.com@gmail.com",
                "bot@yo\u0301pmail.com, ann@gmail.com",
                "bot@yopmai\u0142.com\uFF20gmail.com",
                "bot@yopmai\u0142.com@gmail.com",
                "bot@guerri\u0142lamail.com\uFE6Bgmail.com",
                "bot@yopmai\u0142.com, ann@gmail.com",
                "bot@(maildrop.cc)\u00A0gmail.com\uFF20gmail.com",
                "bot@(maildrop.cc)\u00A0gmail.com, ann@gmail.com",
                "Bot <bot@(maildrop.cc)\u00A0gmail.com>, Ann <ann@gmail.com>",
                "bot@\"yopmail.com\"\u00A0gmail.com, ann@gmail.com",
                "bot@(maildrop.cc)\u00A0gmail.com\u00A0<x@gmail.com>",
                "bot@(maildrop.cc)\u00A0gmail.com \"@\"",
            })
    void aCarelessDomainBeforeALaterAtIsJudged(String address) {
        assertTrue(bundled.isDisposable(address), address + ": careless reading of a domain the parser names");
    }

    /**
     * F2: letters and dashes that the common ASCII foldings turn into a listed domain, but fold() drops: glibc
     * iconv("UTF-8", "ASCII//TRANSLIT") (PHP's usual accent stripper) and Lucene's ASCIIFoldingFilter map ɨ→i, ƚ→l,
     * ɫ→l, ƥ→p, ɏ→y, ŀ→l, and U+2010, U+2013, U+2212 → '-'. Checked with `iconv -t ASCII//TRANSLIT`. ŀ has an NFKD
     * ("l·") that fold() rejects because '·' is no mark. Each answered 201 by the demo (those tried).
     */
    @ParameterizedTest(name = "F2 an ASCII folding (iconv TRANSLIT) gives a listed domain: {0}")
    @ValueSource(
            strings = {
                "bot@yopma\u0268l.com",
                "bot@yopmai\u019A.com",
                "bot@yopmai\u026B.com",
                "bot@yo\u01A5mail.com",
                "bot@\u024Fopmail.com",
                "bot@yopmai\u0140.com",
                "bot@guerri\u0140lamail.com",
                "bot@temp\u2010mail.org",
                "bot@temp\u2013mail.org",
                "bot@temp\u2212mail.org",
            })
    void lettersAnAsciiFoldingFoldsAreFolded(String address) {
        assertTrue(bundled.isDisposable(address), address + " is a listed domain once folded to ASCII");
    }

    /**
     * F3: a character whose compatibility decomposition holds ASCII the skeleton drops (⒞ is "(c)", ⒨ "(m)") is
     * dropped whole, letter included; an application that NFKC-normalises (as Mailboxes reads) and strips parentheses
     * and takes the first word (the steps CarelessDomains models) keeps the letter: yopmail.com. Answered 201.
     */
    @ParameterizedTest(name = "F3 a decomposition with parentheses: {0}")
    @ValueSource(
            strings = {
                "bot@(yopmail.\u249Eom)\u00A0gmail.com",
                "bot@\"yopmail.\u249Eom\"\u00A0gmail.com",
                "bot@(yopmail.co\u24A8)\u00A0gmail.com",
            })
    void theAsciiLettersOfADecompositionAreKept(String address) {
        assertTrue(bundled.isDisposable(address), address + ": NFKC, parentheses stripped, first word is yopmail.com");
    }
}
