package io.github.abuseguard.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** UTF-8 of keys, whatever the client put in them. */
public final class Utf8 {
    private Utf8() {}

    /**
     * The text's UTF-8 bytes, each unpaired surrogate (which a JSON escape such as {@code \ud800} gives a value) in the
     * three bytes UTF-8 would give its code point (as WTF-8 does): {@link String#getBytes} writes {@code ?}, so {@code
     * bob\ud800} and {@code bob?} were one key on Redis and two in the local store (probe52a F3); U+FFFD in its place
     * still made {@code bob\ud800}, {@code bob\udc00} and {@code bob\ufffd} one key on Redis and three in process
     * (review55 F9). No valid UTF-8 holds those bytes, so no other text names the same key. Allocates nothing more for
     * text without a lone surrogate, whose bytes are those of {@link String#getBytes}.
     */
    public static byte[] bytes(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return withLoneSurrogates(text);
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withLoneSurrogates(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() * 3);
        int run = 0; // where the text not yet written starts
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                out.writeBytes(text.substring(run, i).getBytes(StandardCharsets.UTF_8));
                out.write(0xE0 | c >> 12);
                out.write(0x80 | (c >> 6 & 0x3F));
                out.write(0x80 | (c & 0x3F));
                run = i + 1;
            }
        }
        out.writeBytes(text.substring(run).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
