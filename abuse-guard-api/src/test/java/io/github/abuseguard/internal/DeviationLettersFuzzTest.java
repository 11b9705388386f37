package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Names with sharp s, sigmas and their capitals read as UTS #46 reads them, and no name makes the reading throw. */
class DeviationLettersFuzzTest {

    /** review58 F2: String.toLowerCase's final-sigma rule makes a capital sigma before a digit the kept final sigma. */
    @Test
    void capitalSigmaBeforeADigitReadsAsUts46MapsIt() {
        // UTS #46 maps U+03A3 to U+03C3 everywhere; mail software delivers ΔΣ1.gr to δσ1.gr (xn--1-4lb9b.gr)
        assertThat(DomainNames.normalise("\u0394\u03A31.gr")).isEqualTo(DomainNames.normalise("\u03B4\u03C31.gr"));
        assertThat(DomainNames.normalise("\u0394\u03A31.gr")).isEqualTo("xn--1-4lb9b.gr");
    }

    @Test
    void upperCaseSigmaReadsAsSmallSigmaAsUts46MapsIt() {
        // UTS #46 maps U+03A3 (capital sigma) to U+03C3 (small sigma), never to the final sigma U+03C2;
        // String.toLowerCase applies the final-sigma rule, and the new code keeps the resulting U+03C2
        String small = DomainNames.normalise("\u03C4\u03B5\u03C3\u03C4\u03C3.gr"); // τεστσ.gr
        String upper = DomainNames.normalise("\u03A4\u0395\u03A3\u03A4\u03A3.gr"); // ΤΕΣΤΣ.gr
        assertThat(upper).isEqualTo(small);
    }

    @Test
    void fuzzNeverThrows() {
        Random r = new Random(58);
        int[] pool = {
            0xDF, 0x3C2, 0x3A3, 0x1E9E, 'a', 'z', '-', '.', 0xE4, 0x301, 0x5D0, 0x627, 0x4E2D, 0x3002, 0xFF0E, 0x130,
            0x131, 0xFB01, 0x2168, 0x3C3, '0', 'x', 'n', 0x200D, 0x200C, 0xFDFA, 0x1F600, 0x10400
        };
        int nulls = 0;
        for (int n = 0; n < 100_000; n++) {
            StringBuilder b = new StringBuilder();
            int len = 1 + r.nextInt(r.nextBoolean() ? 8 : 80);
            for (int i = 0; i < len; i++) {
                b.appendCodePoint(pool[r.nextInt(pool.length)]);
            }
            b.append(".de");
            String s = b.toString();
            try {
                String out = DomainNames.normalise(s);
                if (out == null) nulls++;
            } catch (RuntimeException e) {
                throw new AssertionError(
                        "throws on "
                                + s.codePoints().mapToObj(Integer::toHexString).toList(),
                        e);
            }
        }
        assertThat(nulls).as("most random names are no domain name, some are").isBetween(1, 99_999);
    }
}
