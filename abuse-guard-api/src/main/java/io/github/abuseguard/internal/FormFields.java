package io.github.abuseguard.internal;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Splits and decodes {@code application/x-www-form-urlencoded} content. One parser serves both the
 * guards and the parameters the servlet adapter hands the application, so the two can never disagree
 * about what a field holds. Not part of the public API.
 *
 * <p>Pairs are split on the bytes {@code &} and {@code =}, {@code +} is a space, {@code %XX} is a byte,
 * and the bytes of a name or value are decoded in the request's charset. A pair with a bad {@code %} escape, or
 * whose bytes the charset cannot decode, is skipped and the form is not well formed: Tomcat 11 and Jetty 12 answer
 * such a form {@code 400} (probe79b F2: read with U+FFFD in their place, {@code ann%FFx@gmail.com} reached an
 * application its container would have refused it, and {@code %FF}, {@code %FE} and {@code %C3} read alike). This only works for charsets in which those characters are single ASCII bytes: see
 * {@link #isAsciiCompatible(Charset)}.
 */
public final class FormFields {

    /** The charset of a form that declares none. */
    public static final Charset DEFAULT_CHARSET = StandardCharsets.UTF_8;

    /**
     * The most different field names a form body may bring, as Jetty's {@code maxFormKeys} (and about Tomcat's {@code
     * maxParameterCount}) bound them, their defence against hash-collision floods: a body whose pairs would add a name
     * past it (counting the names already parsed, the query string's included) is not parsed further, and is not well
     * formed (probe59c F3: on a guarded route the filter's parser handed the application all 5,001 fields of a form
     * Jetty refuses). Names, not pairs: a multi-select of 1,500 values is one name (review77 F3). A query string is not
     * bounded here: the container's request-line limit bounds it, and its fields must all be read (review77 F2).
     */
    public static final int MAX_NAMES = 1_000;

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
     *     when a pair would bring more than {@link #MAX_NAMES} names (the rest is not parsed)
     */
    public static boolean parse(byte[] bytes, int offset, int length, Charset charset, Map<String, List<String>> into) {
        return parse(bytes, offset, length, charset, into, MAX_NAMES);
    }

    private static boolean parse(
            byte[] bytes, int offset, int length, Charset charset, Map<String, List<String>> into, int maxNames) {
        int end = offset + length;
        int start = offset;
        boolean wellFormed = true;
        while (start < end) {
            int pairEnd = indexOf(bytes, (byte) '&', start, end);
            if (pairEnd > start) {
                int equals = indexOf(bytes, (byte) '=', start, pairEnd);
                String name = decode(bytes, start, equals, charset);
                String value = equals < pairEnd ? decode(bytes, equals + 1, pairEnd, charset) : "";
                if (name != null && value != null) {
                    List<String> values = into.get(name);
                    if (values == null) {
                        if (into.size() >= maxNames) {
                            return false; // a name past the bound: the rest is not parsed
                        }
                        values = new ArrayList<>(1);
                        into.put(name, values);
                    }
                    values.add(value);
                } else {
                    wellFormed = false;
                }
            }
            start = pairEnd + 1;
        }
        return wellFormed;
    }

    /**
     * Parses a query string held as text whose characters are bytes (ISO-8859-1 or ASCII), every field of it.
     *
     * @return whether every pair was well formed
     */
    public static boolean parse(String encoded, Charset charset, Map<String, List<String>> into) {
        if (encoded != null && !encoded.isEmpty()) {
            byte[] bytes = encoded.getBytes(StandardCharsets.ISO_8859_1);
            // a query string: every field is read, as containers read them (review77 F2)
            return parse(bytes, 0, bytes.length, charset, into, Integer.MAX_VALUE);
        }
        return true;
    }

    /**
     * Whether a form in the charset may read differently to Spring's form converter than to a container: a multi-byte
     * charset other than UTF-8, whose lead byte may take an ASCII byte as its second (GBK, Shift_JIS, Big5: an escaped
     * lead byte before a literal {@code @}) or swallow a separator (EUC-JP, ISO-2022-JP: a stray lead byte before
     * {@code &}).
     */
    public static boolean readsDifferentlyToConverters(Charset charset) {
        return !charset.equals(StandardCharsets.UTF_8) && charset.newEncoder().maxBytesPerChar() > 1;
    }

    /** Whether Spring's {@code FormContentFilter} binds a form of {@code method} (none: not known) with its converter. */
    public static boolean boundByConverter(@Nullable String method) {
        return method != null
                && (method.equalsIgnoreCase("PUT")
                        || method.equalsIgnoreCase("PATCH")
                        || method.equalsIgnoreCase("DELETE"));
    }

    /**
     * Adds every field of {@code bytes[offset, offset + length)} as Spring's {@code FormHttpMessageConverter} reads them
     * (behind {@code FormContentFilter}'s PUT, PATCH and DELETE forms and {@code @RequestBody MultiValueMap}): the
     * body decoded as text first, then split on {@code &} (each pair trimmed, empty ones skipped) and {@code =}, and
     * each run of escapes decoded on its own ({@link URLDecoder}). A container decodes the escapes to bytes first and
     * splits on the bytes, which in a multi-byte charset can read other fields and values (review132 F2: {@code
     * email=bot%81@yopmail.com} in GBK is {@code bot\uFFFD@yopmail.com} here and no address to a container;
     * review133 F4: in EUC-JP a stray lead byte swallows the {@code &} after it, and the next field's address is the
     * value of the field before). At most {@link #MAX_NAMES} names.
     *
     * @return whether every pair was well formed
     */
    public static boolean parseAsConverter(
            byte[] bytes, int offset, int length, Charset charset, Map<String, List<String>> into) {
        String text = new String(bytes, offset, length, charset);
        boolean wellFormed = true;
        for (String token : text.split("&", -1)) {
            String pair = token.trim();
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), charset);
                value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), charset);
            } catch (IllegalArgumentException badEscape) {
                wellFormed = false;
                continue;
            }
            List<String> values = into.get(name);
            if (values == null) {
                if (into.size() >= MAX_NAMES) {
                    return false;
                }
                values = new ArrayList<>(1);
                into.put(name, values);
            }
            values.add(value);
        }
        return wellFormed;
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return to;
    }

    /**
     * The decoded text of {@code bytes[from, to)}, or {@code null} when a {@code %} escape is bad or the bytes are not
     * text in the charset.
     */
    private static @Nullable String decode(byte[] bytes, int from, int to, Charset charset) {
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
        return raw == null ? text(bytes, from, to, charset) : text(raw.toByteArray(), 0, raw.size(), charset);
    }

    /** {@code bytes[from, to)} as text in the charset, or {@code null} when they are not. */
    private static @Nullable String text(byte[] bytes, int from, int to, Charset charset) {
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0) { // past ASCII, which every charset a form is split in writes as itself
                try {
                    return charset.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes, from, to - from))
                            .toString();
                } catch (CharacterCodingException notText) {
                    return null;
                }
            }
        }
        return new String(bytes, from, to - from, charset);
    }
}
