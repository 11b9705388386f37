package io.github.abuseguard.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@code Content-Type} parsed the way Spring's {@code MimeTypeUtils} parses it: parameters split on
 * {@code ;} outside double quotes, values unquoted from double or single quotes. What a guard and the
 * application's binding make of a body depends on it, so anything the two could read differently (an
 * unbalanced quote, a backslash among the parameters, a second {@code charset} with another value, an empty type)
 * is {@link #isAmbiguous() ambiguous}, and a guard refuses the body. Not part of the public API.
 */
public final class ContentType {

    private static final ContentType NONE = new ContentType("", null, false);
    /**
     * The charsets whose JSON Jackson reads from the bytes: Unicode, and US-ASCII, which Spring's Jackson converter
     * reads so too (probe68b F1: a UTF-8 body declared {@code charset=US-ASCII} was refused, the application took it).
     */
    private static final Set<String> UNICODE =
            Set.of("UTF-8", "UTF-16", "UTF-16BE", "UTF-16LE", "UTF-32", "UTF-32BE", "UTF-32LE", "US-ASCII");

    private static final Map<Charset, Boolean> ASCII_TRANSPARENT = new ConcurrentHashMap<>();

    private final String type;
    private final String charsetName;
    private final boolean ambiguous;

    private ContentType(String type, String charsetName, boolean ambiguous) {
        this.type = type;
        this.charsetName = charsetName;
        this.ambiguous = ambiguous;
    }

    /** Parses a header value; {@code null} is no content type. */
    public static ContentType parse(String header) {
        if (header == null) {
            return NONE;
        }
        int semicolon = header.indexOf(';');
        String type =
                (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        if (semicolon < 0) {
            return new ContentType(type, null, type.isEmpty() || type.indexOf('"') >= 0);
        }
        String charsetName = null;
        // A backslash is where parsers part: Spring's reads a quote right after one as no quote, inside quotes or out,
        // a quoted-string parser as an escaped character inside quotes and an ordinary one outside them; so each sees
        // a charset the other does not (probe59a F1: `a=""\"; charset=x-IBM949C` decoded the body in a charset only
        // Spring saw, and 12 of 12 throw-away addresses opened accounts). No client's Content-Type needs one.
        boolean ambiguous = type.isEmpty() || type.indexOf('"') >= 0 || header.indexOf('\\', semicolon) >= 0;
        int start = semicolon + 1;
        boolean quoted = false;
        for (int i = start; i < header.length(); i++) {
            char c = header.charAt(i);
            if (quoted && c == '\\') {
                i++; // an escaped character inside quotes
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                String value = charsetValue(header.substring(start, i));
                ambiguous |= value != null && charsetName != null && !charsetName.equalsIgnoreCase(value);
                charsetName = value != null ? value : charsetName;
                start = i + 1;
            }
        }
        String value = charsetValue(header.substring(Math.min(start, header.length())));
        ambiguous |= quoted || (value != null && charsetName != null && !charsetName.equalsIgnoreCase(value));
        charsetName = value != null ? value : charsetName;
        return new ContentType(type, charsetName, ambiguous);
    }

    /** The value of a {@code charset} parameter, or {@code null} for any other parameter. */
    private static String charsetValue(String parameter) {
        int equals = parameter.indexOf('=');
        if (equals <= 0 || !parameter.substring(0, equals).trim().equalsIgnoreCase("charset")) {
            return null;
        }
        return unquote(parameter.substring(equals + 1).trim());
    }

    private static String unquote(String value) {
        if (value.length() >= 2
                && ((value.startsWith("\"") && value.endsWith("\""))
                        || (value.startsWith("'") && value.endsWith("'")))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** The type and subtype in lower case, such as {@code application/json}; empty when none. */
    public String type() {
        return type;
    }

    /** Whether the header could be read in more than one way. */
    public boolean isAmbiguous() {
        return ambiguous;
    }

    /** Exactly {@code application/x-www-form-urlencoded}, as containers decide whether to parse a form. */
    public boolean isForm() {
        return type.equals("application/x-www-form-urlencoded");
    }

    /** A {@code multipart/*} type. */
    public boolean isMultipart() {
        return type.startsWith("multipart/");
    }

    /** Whether a charset parameter is present. */
    public boolean declaresCharset() {
        return charsetName != null;
    }

    /** The declared charset, {@code fallback} when none is declared, {@code null} when it is unknown. */
    public @Nullable Charset charset(Charset fallback) {
        if (charsetName == null) {
            return fallback;
        }
        try {
            return Charset.forName(charsetName);
        } catch (IllegalArgumentException unknownOrIllegal) {
            return null;
        }
    }

    /**
     * Whether JSON in this charset is read from its bytes with Jackson's own UTF-8/16/32 detection, as
     * Spring's Jackson converter reads it whatever Unicode charset (or US-ASCII) is declared, rather than through a
     * decoder of the declared charset.
     */
    public static boolean isUnicode(Charset charset) {
        return UNICODE.contains(charset.name());
    }

    /**
     * Whether the charset decodes every byte below 0x80 to the same ASCII character, so JSON's
     * structure ({@code "}, {@code \}, braces) means the same to every reader of it. Some legacy
     * charsets (x-IBM943 and others) decode 0x5C as a currency sign, not a backslash.
     */
    public static boolean isAsciiTransparent(Charset charset) {
        return ASCII_TRANSPARENT.computeIfAbsent(charset, ContentType::decodesAsciiAsAscii);
    }

    private static boolean decodesAsciiAsAscii(Charset charset) {
        byte[] ascii = new byte[128];
        for (int i = 0; i < ascii.length; i++) {
            ascii[i] = (byte) i;
        }
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(ascii))
                    .toString()
                    .equals(new String(ascii, StandardCharsets.US_ASCII));
        } catch (CharacterCodingException | UnsupportedOperationException notTransparent) {
            return false;
        }
    }
}
