package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * review87 F1: {@link java.net.IDN#toUnicode} gives up on A-labels whose Unicode IDNA2003 would map ({@code ß}), so the
 * careless e-mail readings decode Punycode themselves.
 */
class PunycodeDecodeTest {

    @ParameterizedTest
    @ValueSource(strings = {"yopmailß", "münchen", "bücher", "пример", "例え", "a\uD83D\uDE00b", "ẞx"})
    void decodingUndoesEncoding(String label) {
        assertThat(Punycode.decode(Punycode.encode(label))).isEqualTo(label);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yopmail-6va!", "ab-\u00e9", "-9", "999999999999999"})
    void whatIsNoPunycodeIsNull(String label) {
        assertThat(Punycode.decode(label)).isNull();
    }

    @org.junit.jupiter.api.Test
    void aDomainIsDecodedLabelByLabel() {
        assertThat(DomainNames.toUnicode("xn--yopmail-6va.com")).isEqualTo("yopmailß.com");
        assertThat(DomainNames.toUnicode("mail.xn--mnchen-3ya.de")).isEqualTo("mail.münchen.de");
        assertThat(DomainNames.toUnicode("xn--!!.com")).isEqualTo("xn--!!.com");
        assertThat(DomainNames.toUnicode("gmail.com")).isEqualTo("gmail.com");
    }
}
