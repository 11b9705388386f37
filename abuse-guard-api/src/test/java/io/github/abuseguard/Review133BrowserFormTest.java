package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review133: bfc77193 (review132 F2) compares a multi-byte form's value with {@link java.net.URLDecoder}'s run-by-run
 * reading, on the premise that "a browser's form escapes whole characters". It does not: a browser serializes a form
 * (WHATWG URL, application/x-www-form-urlencoded serializer, "percent-encode after encoding") by encoding each
 * character in the form's charset and percent-encoding only the <em>bytes</em> outside ASCII alphanumerics and
 * {@code *-._}. A Shift_JIS or Big5 character whose second byte is an ASCII letter keeps that byte literal: {@code
 * テスト} is {@code %83e%83X%83g}, {@code 人乙} in Big5 is {@code %A4H%A4A}. URLDecoder reads each escaped lead byte
 * alone ({@code \uFFFDe\uFFFDX\uFFFDg}), the container reads the bytes ({@code テスト}), and the value is now no value:
 * the pair is dropped and the form is malformed.
 */
class Review133BrowserFormTest {

    private static RequestBody form(String charset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return RequestBody.whole(bytes, bytes.length, "application/x-www-form-urlencoded; charset=" + charset);
    }

    /** F1: the katakana of a Japanese browser's Shift_JIS form, as the browser sends them. */
    @Test
    void aShiftJisBrowserFormWithKatakanaIsReadAsTheContainerReadsIt() {
        for (String charset : List.of("Shift_JIS", "windows-31j")) {
            RequestBody body = form(charset, "name=%83e%83X%83g&email=taro%40example.jp");
            assertThat(body.field("/name").values()).as(charset).containsExactly("テスト");
            assertThat(body.parameter("name").values()).as(charset).containsExactly("テスト");
            assertThat(body.field("/email").values()).as(charset).containsExactly("taro@example.jp");
            assertThat(body.field("/email").isUnreadable()).as(charset).isFalse();
        }
    }

    /** F1: a Traditional Chinese browser's Big5 form: 人 is A4 48, 乙 is A4 41, their second bytes 'H' and 'A'. */
    @Test
    void aBig5BrowserFormIsReadAsTheContainerReadsIt() {
        for (String charset : List.of("Big5", "Big5-HKSCS", "x-windows-950")) {
            RequestBody body = form(charset, "name=%A4H%A4A&email=ren%40example.tw");
            assertThat(body.field("/name").values()).as(charset).containsExactly("人乙");
            assertThat(body.field("/email").isUnreadable()).as(charset).isFalse();
        }
    }

    /** F1: the field's name in the same charset: a name the browser sends is not dropped. */
    @Test
    void aShiftJisFieldNameAsABrowserSendsItIsKept() {
        RequestBody body = form("Shift_JIS", "%83%81%81%5B%83%8B=taro%40example.jp&%83e%83X%83g=1");
        assertThat(body.parameter("テスト").values()).containsExactly("1");
        assertThat(body.parameter("メール").values()).containsExactly("taro@example.jp");
    }
}
