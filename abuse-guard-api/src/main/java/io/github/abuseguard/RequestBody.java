package io.github.abuseguard;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.filter.FilteringParserDelegate;
import tools.jackson.core.filter.JsonPointerBasedFilter;
import tools.jackson.core.filter.TokenFilter;
import tools.jackson.core.json.JsonFactory;

/**
 * The first bytes of a request body, as far as a guard needed them: at most the configured cap.
 * When the body is longer, {@link #isComplete()} is {@code false} and lookups see only the prefix;
 * the application still receives the whole body.
 */
public final class RequestBody {

    private static final JsonFactory JSON = new JsonFactory();
    private static final RequestBody EMPTY = new RequestBody(new byte[0], 0, true, null);

    private final byte[] bytes;
    private final int length;
    private final boolean complete;
    private final String contentType;

    private RequestBody(byte[] bytes, int length, boolean complete, String contentType) {
        this.bytes = bytes;
        this.length = length;
        this.complete = complete;
        this.contentType = contentType;
    }

    /** No body. */
    public static RequestBody empty() {
        return EMPTY;
    }

    /**
     * A body prefix. The array is used as it is, not copied.
     *
     * @param bytes the buffer holding the prefix
     * @param length how many bytes of the buffer are the prefix
     * @param complete whether the prefix is the whole body
     * @param contentType the request's content type, or {@code null}
     */
    public static RequestBody of(byte[] bytes, int length, boolean complete, String contentType) {
        if (length < 0 || length > bytes.length) {
            throw new IllegalArgumentException("length " + length + " outside the buffer of " + bytes.length);
        }
        return new RequestBody(bytes, length, complete, contentType);
    }

    /** The number of bytes read. */
    public int length() {
        return length;
    }

    /** Whether the bytes read are the whole body. */
    public boolean isComplete() {
        return complete;
    }

    /** The request's content type, or {@code null}. */
    public String contentType() {
        return contentType;
    }

    /** A copy of the bytes read. */
    public byte[] bytes() {
        byte[] copy = new byte[length];
        System.arraycopy(bytes, 0, copy, 0, length);
        return copy;
    }

    /**
     * The field of the body that the content type says it has: a JSON value by pointer when the body is
     * JSON, a form field by name when it is a URL-encoded form. A pointer such as {@code /email} is
     * used as the form field name {@code email}.
     *
     * @return the value as text, or {@code null} when absent, not a scalar, or not within the bytes read
     */
    public String field(String jsonPointer) {
        if (isForm()) {
            return formValue(jsonPointer.startsWith("/") ? jsonPointer.substring(1) : jsonPointer);
        }
        return jsonValue(jsonPointer);
    }

    /**
     * The scalar at a JSON Pointer (RFC 6901), such as {@code /user/email}.
     *
     * @return the value as text, or {@code null} when the body is not JSON, the pointer leads nowhere or
     *     to an object or array, or the value lies past the bytes read
     * @throws IllegalArgumentException if the pointer is malformed
     */
    public String jsonValue(String jsonPointer) {
        if (length == 0) {
            return null;
        }
        JsonPointerBasedFilter filter = new JsonPointerBasedFilter(jsonPointer);
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), bytes, 0, length);
                JsonParser filtered =
                        new FilteringParserDelegate(parser, filter, TokenFilter.Inclusion.ONLY_INCLUDE_ALL, true)) {
            // With duplicate keys the last value wins, as it does for the application's data binding:
            // {"email":"ann@gmail.com","email":"bot@yopmail.com"} is checked as the address the app sees.
            String value = null;
            try {
                JsonToken token;
                while ((token = filtered.nextToken()) != null) {
                    if (token.isScalarValue()) {
                        value = token == JsonToken.VALUE_NULL ? null : filtered.getValueAsString();
                    } else if (token.isStructStart()) {
                        value = null;
                        filtered.skipChildren();
                    }
                }
            } catch (JacksonException truncatedOrMalformedLater) {
                // keep what was found before the bytes read ran out
            }
            return value;
        } catch (JacksonException malformedOrTruncated) {
            return null;
        }
    }

    /**
     * The first value of a field of an {@code application/x-www-form-urlencoded} body.
     *
     * @return the decoded value, or {@code null} when absent or badly encoded
     */
    public String formValue(String name) {
        int start = 0;
        while (start < length) {
            int end = indexOf((byte) '&', start);
            int equals = indexOf((byte) '=', start);
            if (equals < 0 || equals > end) {
                equals = end;
            }
            String key = decode(start, equals);
            if (name.equals(key)) {
                if (end == length && !complete) {
                    return null; // the value may go on past the bytes read
                }
                return equals == end ? "" : decode(equals + 1, end);
            }
            start = end + 1;
        }
        return null;
    }

    private boolean isForm() {
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private int indexOf(byte b, int from) {
        for (int i = from; i < length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return length;
    }

    private String decode(int from, int to) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(to - from);
        raw.write(bytes, from, to - from);
        try {
            return URLDecoder.decode(raw.toString(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badPercentEncoding) {
            return null;
        }
    }
}
