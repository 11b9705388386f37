package io.github.abuseguard.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits and decodes {@code application/x-www-form-urlencoded} content. One parser serves both the
 * guards and the parameters the servlet adapter hands the application, so the two can never disagree
 * about what a field holds. Not part of the public API.
 *
 * <p>Pairs are split on the bytes {@code &} and {@code =}, {@code +} is a space, {@code %XX} is a byte,
 * and the bytes of a name or value are decoded in the request's charset, undecodable sequences becoming
 * U+FFFD as a servlet container does. A pair with a bad {@code %} escape is skipped, as containers skip
 * it. This only works for charsets in which those characters are single ASCII bytes: see
 * {@link #isAsciiCompatible(Charset)}.
 */
public final class FormFields {

    /** The charset of a form that declares none. */
    public static final Charset DEFAULT_CHARSET = StandardCharsets.UTF_8;

    /**
     * The most pairs one parse takes, as Tomcat's {@code maxParameterCount} and Jetty's {@code maxFormKeys} do (their
     * defence against hash-collision floods): the pairs past it are not parsed, and the form is not well formed
     * (probe59c F3: on a guarded route the filter's parser handed the application all 5,001 fields of a form Jetty
     * refuses).
     */
    public static final int MAX_PAIRS = 1_000;

    private static final byte[] SEPARATORS = "&=+%".getBytes(StandardCharsets.US_ASCII);

    private FormFields() {}

    /**
     * Whether the charset writes {@code &}, {@code =}, {@code +} and {@code %} as their single ASCII bytes,
     * so a form in it can be split byte-wise (UTF-8 and ISO-8859-1 can; UTF-16 cannot).
     */
    public static boolean isAsciiCompatible(Charset charset) {
        if (!charset.canEncode()) {
            return false;
        }
        return java.util.Arrays.equals("&=+%".getBytes(charset), SEPARATORS);
    }

    /**
     * Adds every field of {@code bytes[offset, offset + length)} to {@code into}, values in order of
     * appearance after any already there.
     *
     * @return whether every pair was well formed: {@code false} when one with a bad {@code %} escape was skipped, or
     *     when the form holds more than {@link #MAX_PAIRS} pairs (those past it are not parsed)
     */
    public static boolean parse(byte[] bytes, int offset, int length, Charset charset, Map<String, List<String>> into) {
        int end = offset + length;
        int start = offset;
        boolean wellFormed = true;
        int pairs = 0;
        while (start < end) {
            int pairEnd = indexOf(bytes, (byte) '&', start, end);
            if (pairEnd > start) {
                if (++pairs > MAX_PAIRS) {
                    return false;
                }
                int equals = indexOf(bytes, (byte) '=', start, pairEnd);
                String name = decode(bytes, start, equals, charset);
                String value = equals < pairEnd ? decode(bytes, equals + 1, pairEnd, charset) : "";
                if (name != null && value != null) {
                    into.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
                } else {
                    wellFormed = false;
                }
            }
            start = pairEnd + 1;
        }
        return wellFormed;
    }

    /**
     * Parses a query string or form held as text whose characters are bytes (ISO-8859-1 or ASCII).
     *
     * @return whether every pair was well formed
     */
    public static boolean parse(String encoded, Charset charset, Map<String, List<String>> into) {
        if (encoded != null && !encoded.isEmpty()) {
            byte[] bytes = encoded.getBytes(StandardCharsets.ISO_8859_1);
            return parse(bytes, 0, bytes.length, charset, into);
        }
        return true;
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return to;
    }

    /** The decoded text of {@code bytes[from, to)}, or {@code null} when a {@code %} escape is bad. */
    private static String decode(byte[] bytes, int from, int to, Charset charset) {
        ByteArrayOutputStream raw = null;
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b == '%' || b == '+') {
                raw = new ByteArrayOutputStream(to - from);
                raw.write(bytes, from, i - from);
                for (int j = i; j < to; j++) {
                    byte c = bytes[j];
                    if (c == '+') {
                        raw.write(' ');
                    } else if (c == '%') {
                        if (j + 2 >= to) {
                            return null;
                        }
                        int high = Character.digit(bytes[j + 1], 16);
                        int low = Character.digit(bytes[j + 2], 16);
                        if (high < 0 || low < 0) {
                            return null;
                        }
                        raw.write((high << 4) | low);
                        j += 2;
                    } else {
                        raw.write(c);
                    }
                }
                break;
            }
        }
        return raw == null ? new String(bytes, from, to - from, charset) : raw.toString(charset);
    }
}
