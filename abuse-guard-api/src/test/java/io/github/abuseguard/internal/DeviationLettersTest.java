package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Names with the letters IDNA2003 maps away and IDNA2008 keeps (sharp s, final sigma) read as mail software reads
 * them today (probe57a F5: {@code wegwerfmaß.de} was read as {@code wegwerfmass.de}, and the listed {@code
 * xn--wegwerfma-o1a.de} let through).
 */
class DeviationLettersTest {

    @Test
    void punycodeAsRfc3492Encodes() {
        assertThat(Punycode.encode("bücher")).isEqualTo("bcher-kva");
        assertThat(Punycode.encode("wegwerfmaß")).isEqualTo("wegwerfma-o1a");
        assertThat(Punycode.encode("straße")).isEqualTo("strae-oqa");
        assertThat(Punycode.encode("他们为什么不说中文")).isEqualTo("ihqwcrb4cv8a8dqg056pqjye");
        assertThat(Punycode.encode("ascii")).isEqualTo("ascii-");
    }

    @Test
    void aSharpSIsKeptAsIdna2008KeepsIt() {
        assertThat(DomainNames.normalise("wegwerfmaß.de")).isEqualTo("xn--wegwerfma-o1a.de");
        assertThat(DomainNames.normalise("WEGWERFMA\u1E9E.DE"))
                .as("the capital sharp s lower-cases to it")
                .isEqualTo("xn--wegwerfma-o1a.de");
        assertThat(DomainNames.normalise("mail.straße.example")).isEqualTo("mail.xn--strae-oqa.example");
        assertThat(DomainNames.normalise("wegwerfmass.de")).isEqualTo("wegwerfmass.de");
    }

    @Test
    void aFinalSigmaIsKeptAndTheRestOfTheLabelMappedAsBefore() {
        assertThat(DomainNames.normalise("\u03C4\u03B5\u03C3\u03C4\u03BF\u03C2.gr"))
                .isEqualTo("xn--" + Punycode.encode("\u03C4\u03B5\u03C3\u03C4\u03BF\u03C2") + ".gr");
        assertThat(DomainNames.normalise("Ｂücher-ß.de"))
                .as("full-width and upper-case letters beside it are folded")
                .isEqualTo("xn--" + Punycode.encode("bücher-ß") + ".de");
    }

    @Test
    void namesWithoutDeviationLettersReadAsBefore() {
        assertThat(DomainNames.normalise("bücher.example")).isEqualTo("xn--bcher-kva.example");
        assertThat(DomainNames.normalise("mailinator.com")).isEqualTo("mailinator.com");
    }
}
