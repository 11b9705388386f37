package io.github.abuseguard.email;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review84: what the folded-skeleton careless readings still let through. */
class CarelessReadingsReview84Test {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    /**
     * F1: the most common "remove accents" idiom in Java ({@code Normalizer.normalize(s, NFD).replaceAll("[^\\p{ASCII}]",
     * "")}, and its cousins in other languages that drop what is not ASCII) DROPS a letter without a canonical
     * decomposition (ø, ł, đ, æ, ı, a fullwidth or ligature letter), where {@code CarelessDomains.fold} only FOLDS it
     * (ø to o). So an extra such letter inside a listed domain is delivered to the listed domain, and the skeleton
     * ({@code yopomail.com}) names no listed one.
     */
    @ParameterizedTest(name = "F1 a letter NFD-then-drop-non-ASCII removes: {0}")
    @ValueSource(
            strings = {
                "bot@yop\u00F8mail.com",
                "bot@yopmai\u0142l.com",
                "bot@yop\u0111mail.com",
                "bot@yop\u00E6mail.com",
                "bot@yop\uFF58mail.com",
                "bot@yopmai\uFB01l.com",
                "bot@mail\u00F8drop.cc",
            })
    void aLetterTheAsciiDroppingIdiomRemovesIsJudged(String address) {
        String delivered = Normalizer.normalize(address, Normalizer.Form.NFD).replaceAll("[^\\p{ASCII}]", "");
        assertTrue(bundled.isDisposable(delivered), delivered + " is listed (sanity)");
        assertTrue(bundled.isDisposable(address), address + ": the careless application delivers to " + delivered);
    }

    /**
     * F1 (the same gap without NFD): an application that drops what is not ASCII ({@code replaceAll("[^\\x00-\\x7F]",
     * "")}, {@code encode('ascii', 'ignore')}) drops a precomposed accented letter, which {@code fold} only folds.
     */
    @ParameterizedTest(name = "F1 a letter a non-ASCII dropper removes: {0}")
    @ValueSource(strings = {"bot@yop\u00E9mail.com", "bot@mail\u00E4drop.cc", "bot@yopmai\u00EDl.com"})
    void aLetterAPlainNonAsciiDropperRemovesIsJudged(String address) {
        String delivered = address.replaceAll("[^\\x00-\\x7F]", "");
        assertTrue(bundled.isDisposable(delivered), delivered + " is listed (sanity)");
        assertTrue(bundled.isDisposable(address), address + ": the careless application delivers to " + delivered);
    }
}
