package io.github.abuseguard.email;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review85: what the careless readings of 58cd8627 still let through. */
class CarelessReadingsReview85Test {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    /**
     * F1: a comment inside or before the domain. The parser drops it and reads the accented domain (yópmail.com,
     * yopmaił.com); an application that reads the address as a mail parser does and then strips accents delivers to
     * yopmail.com. The skeleton is taken from the raw text, so the comment's letters join it (yopmailx.com,
     * xyopmail.com), and an '@' in the comment ends it before the TLD. Each of the first five answered 201 on the
     * demo.
     */
    @ParameterizedTest(name = "F1 a comment in the domain: {0}")
    @ValueSource(
            strings = {
                "bot@yo\u0301pmail(x).com",
                "bot@yopmai\u0142(x).com",
                "bot@yo\u0301pmail.(x)com",
                "bot@(x)yo\u0301pmail.com",
                "bot@(x)yopmai\u0142.com",
                "bot@yo\u0301pmail(x@y).com",
                "Bot <bot@yo\u0301pmail(x).com>",
            })
    void aCommentInTheDomainDoesNotHideTheFoldedDomain(String address) {
        assertTrue(bundled.isDisposable(address), address + ": the parser's domain, accents stripped, is yopmail.com");
    }

    /**
     * F2: a value whose every '@' is inside a quoted string or a comment. The README promises that the domain inside
     * is judged ("an application that strips quotes or brackets would deliver to the domain inside"), and
     * "bot@yopmail.com" in quotes is refused; its careless readings are not asked (candidates() reads no '@' inside a
     * closed quote or comment). The first answered 201 on the demo.
     */
    @ParameterizedTest(name = "F2 every @ quoted or in a comment: {0}")
    @ValueSource(
            strings = {
                "\"bot@yo\u0301pmail.com\"",
                "\"bot@yopmai\u0142.com\"",
                "Ann (bot@yo\u0301pmail.com)",
                "bot@gmail.com, \"x@yo\u0301pmail.com\"",
            })
    void aQuotedOrCommentedAddressIsReadCarelessly(String address) {
        assertTrue(bundled.isDisposable(address), address + ": quotes or parentheses stripped, accents stripped");
    }

    /**
     * F3: a trailing dot (the root, the same domain in DNS). The candidate keeps it ("yopmail.com.") and no list entry
     * matches it, while the parser drops it from its own reading. The first answered 201 on the demo.
     */
    @ParameterizedTest(name = "F3 a trailing dot: {0}")
    @ValueSource(strings = {"bot@yo\u0301pmail.com.(x)", "bot@yo\u0301pmail.com.", "bot@yopmai\u0142.com\u3002"})
    void aTrailingDotIsTheSameDomain(String address) {
        assertTrue(bundled.isDisposable(address), address + ": yopmail.com. is yopmail.com");
    }

    /**
     * F4: more @s than the 32 the raw reading once stopped at: the 33rd and later were never read carelessly, though the parser names their
     * domain (it is one of only two distinct domains, within every bound). Answered 201 on the demo.
     */
    @ParameterizedTest(name = "F4 a careless domain after the 32nd @: {0}")
    @ValueSource(strings = {"\uFF20yo\u0301pmail.com", "\uFF20yopmai\u0142.com", "@yo\u0301pmail.com"})
    void aDomainAfterThe32ndAtIsReadCarelessly(String last) {
        String address = "bot@gmail.com" + "\uFF20gmail.com".repeat(31) + last;
        assertTrue(bundled.isDisposable(address), "the last address is at yópmail.com / yopmaił.com");
    }

    /**
     * F5: a comment left open after a first address. The fallback that reads every '@' runs only when no candidate
     * was found, and the first address gave one (gmail.com). The second answered 201 on the demo.
     */
    @ParameterizedTest(name = "F5 an open comment after a first address: {0}")
    @ValueSource(
            strings = {
                "x@gmail.com (bot@yo\u0301pmail.com",
                "x@gmail.com(\u00A0b\uFF20yo\u0301pmail.com",
                "x@gmail.com(, bot@yopmai\u0142.com",
            })
    void anOpenCommentAfterAnAddressIsReadCarelessly(String address) {
        assertTrue(bundled.isDisposable(address), address + ": its last domain is yopmail.com once folded");
    }

    /**
     * F6: the NFKD form of the review84 idiom (Normalizer NFKD then non-ASCII removed; Python's
     * unicodedata.normalize('NFKD', s).encode('ascii', 'ignore')): ŉ is "ʼn", ẚ is "aʾ", so the idiom keeps n and a;
     * fold() reads them as nothing (their NFKD holds a non-mark), the NFD mode has no decomposition for them. The first
     * answered 201 on the demo.
     */
    @ParameterizedTest(name = "F6 NFKD then non-ASCII dropped: {0}")
    @ValueSource(strings = {"bot@maili\u0149ator.com", "bot@m\u1E9Ailinator.com", "bot@yopm\u1E9Ail.com"})
    void theNfkdAsciiDroppingIdiomIsRead(String address) {
        String delivered = Normalizer.normalize(address, Normalizer.Form.NFKD).replaceAll("[^\\p{ASCII}]", "");
        assertTrue(bundled.isDisposable(delivered), delivered + " is listed (sanity)");
        assertTrue(bundled.isDisposable(address), address + ": the careless application delivers to " + delivered);
    }
}
