package io.github.abuseguard.email;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe60a: the careless readings the README names (quotes, brackets and parentheses stripped; a Turkish locale's
 * {@code i}; the address cut at a Unicode space; ASCII controls dropped) are each judged, but only one at a time. A
 * value that needs two of them to name a listed domain is no listed address to the guard, and the demo signs it up.
 * Every value here passes the demo's own check ({@code [^@\s]+@[^@\s.]+(\.[^@\s.]+)+}) and was answered 201 by
 * {@code POST /api/accounts}.
 */
class CarelessReadingsCombinedTest {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    @ParameterizedTest(name = "two careless readings name a listed domain (F1): {0}")
    @ValueSource(
            strings = {
                // stripped + cut at a Unicode space
                "bot@\"yopmail.com\"\u00A0gmail.com",
                "bot@\"mailinator.com\"\u00A0gmail.com",
                "bot@\"guerrillamail\".com\u00A0gmail.com",
                "bot@yopmail.\"com\"\u00A0gmail.com",
                "bot@\"sharklasers.com\"\u2028gmail.com",
                "bot@(maildrop.cc)\u00A0gmail.com",
                "bot@(mailinator.com)\u3000gmail.com",
                // stripped + a Turkish locale's i
                "bot@\"YOPMA\u0130L\".COM",
                "bot@yopm\"a\u0131\"l.com",
                // a Turkish locale's i + cut at a Unicode space
                "bot@YOPMA\u0130L.COM\u3000gmail.com",
                "bot@MA\u0130L\u0130NATOR.COM\u00A0gmail.com",
                "bot@yopma\u0131l.com\u00A0gmail.com",
                // a Turkish locale's i + controls dropped
                "bot@10M\u0130NUTEMA\u0130L.CO\u0001M",
                "bot@GUERR\u0130LLAMA\u0130L.CO\u0001M",
            })
    void twoCarelessReadingsTogetherAreJudged(String address) {
        assertTrue(bundled.isDisposable(address), address + " names a listed domain to an application that does both");
    }

    @ParameterizedTest(name = "an application that folds accents delivers to a listed domain (F2): {0}")
    @ValueSource(
            strings = {
                "bot@yopma\u00EEl.com",
                "bot@yo\u0301pmail.com",
                "bot@ma\u0301ilinator.com",
                "bot@mailinato\u0301r.com",
                "bot@gu\u0301errillamail.com",
                "bot@po\u0301st-shift.ru",
            })
    void accentsAreFoldedAsTheMailboxKeyFoldsThem(String address) {
        assertTrue(bundled.isDisposable(address), address + " is a listed domain with its marks removed");
    }
}
