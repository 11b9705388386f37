package io.github.abuseguard.internal;

import java.nio.charset.StandardCharsets;

/** UTF-8 of keys, whatever the client put in them. */
public final class Utf8 {
    private Utf8() {}

    /**
     * The text's UTF-8 bytes, each unpaired surrogate (which a JSON escape such as {@code \ud800} gives a value) as
     * U+FFFD: {@link String#getBytes} writes {@code ?}, so {@code bob\ud800} and {@code bob?} were one key on Redis and
     * two in the local store (probe52a F3). Allocates nothing more for text without a lone surrogate.
     */
    public static byte[] bytes(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return replaced(text).getBytes(StandardCharsets.UTF_8);
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String replaced(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
