package io.github.abuseguard.servlet;

import io.github.abuseguard.config.PropertyPath;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A fake success for the decoy action: the denied client, a clone site say, gets an answer that looks
 * right and is worthless, instead of learning it was blocked. {@code ${uuid}} and {@code ${path}} in the
 * body are replaced per request. The path is written percent-encoded, every character but letters,
 * digits, {@code -._~/} and existing {@code %XX} escapes, and cut at {@value #MAX_PATH_LENGTH}
 * characters, so what a client puts in its request line can break out of neither a JSON string nor
 * HTML, whatever the decoy's content type.
 *
 * @param status the status, 2xx (a 3xx would carry no {@code Location}, which every real redirect does; 204 and
 *     205 only with an empty body)
 * @param contentType the content type
 * @param body the body template
 */
public record DecoyResponse(int status, String contentType, String body) {

    /** The most characters of the request path written into a decoy. */
    static final int MAX_PATH_LENGTH = 512;

    /** The decoy used when a rule names none: {@code 200 {"status":"ok"}}. */
    public static final DecoyResponse DEFAULT = new DecoyResponse(200, "application/json", "{\"status\":\"ok\"}");

    /**
     * @throws IllegalArgumentException if the status is not 2xx, or 204 or 205 with a body, or the content type
     *     is blank
     */
    public DecoyResponse {
        checkStatus(status);
        checkBody(status, Objects.requireNonNull(body, "body"));
        checkContentType(Objects.requireNonNull(contentType, "contentType"));
    }

    /**
     * The decoy of {@code settings}, each value checked and named under {@code at}, such as {@code
     * abuse-guard.decoys.image}.
     *
     * @throws io.github.abuseguard.config.InvalidSettingException naming the property of a bad value
     */
    static DecoyResponse of(DecoySettings settings, PropertyPath at) {
        at.check("status", () -> checkStatus(settings.status()));
        String contentType = at.required(settings.contentType(), "content-type");
        at.check("content-type", () -> checkContentType(contentType));
        String body = at.required(settings.body(), "body");
        at.check("body", () -> checkBody(settings.status(), body));
        return new DecoyResponse(settings.status(), contentType, body);
    }

    /**
     * A decoy is a fake success: 2xx. A 3xx decoy carried no {@code Location}, which every real redirect does, so
     * it told itself apart (probe46d L11).
     */
    private static void checkStatus(int status) {
        if (status < 200 || status > 299) {
            throw new IllegalArgumentException("a decoy is a fake success with a 2xx status, not " + status
                    + (status >= 300 && status <= 399 ? " (a redirect without a Location would tell it apart)" : ""));
        }
    }

    /** A 204 or 205 has no content: a body the container would drop or send against the protocol. */
    private static void checkBody(int status, String body) {
        if ((status == 204 || status == 205) && !body.isEmpty()) {
            throw new IllegalArgumentException("a decoy with status " + status + " has no body; set it to \"\"");
        }
    }

    private static void checkContentType(String contentType) {
        if (contentType.isBlank()) {
            throw new IllegalArgumentException("a decoy needs a content type");
        }
    }

    /**
     * Writes the decoy looking like {@code look}, the route's recent real answers: their fields in their
     * order, their spelling of the content type when it is the decoy's, and their framing (a length, or
     * chunks). Without a look it carries {@code Cache-Control: no-store} and its length.
     */
    void write(HttpServletResponse response, String path, RealAnswers.@Nullable Look look) throws IOException {
        String text = body.replace("${uuid}", UUID.randomUUID().toString()).replace("${path}", inert(path));
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        if (look == null) {
            response.setHeader("Cache-Control", "no-store");
            response.setContentType(contentType);
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
            return;
        }
        String nonce = null;
        for (Map.Entry<String, String> field : look.fields()) {
            String value = field.getValue();
            if (value.contains(NONCE)) {
                // a policy's nonce is new on each real answer: the learnt one, repeated on every decoy, told them
                // apart (probe46d L12); each decoy gets one of its own, one for all its policies
                nonce = nonce == null ? freshNonce() : nonce;
                value = withNonce(value, nonce);
            }
            // a field the filter set already (a guard's Vary) was in the real answer once, as here
            if (!response.getHeaders(field.getKey()).contains(value)) {
                response.addHeader(field.getKey(), value);
            }
        }
        response.setContentType(
                look.contentType() != null && sameMediaType(look.contentType(), contentType)
                        ? look.contentType()
                        : contentType);
        if (look.chunked()) {
            // as the application's writer does: the body, then a flush that commits it without a length
            response.getOutputStream().write(bytes);
            response.flushBuffer();
        } else {
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }
    }

    private static final String NONCE = "'nonce-";

    private static final java.security.SecureRandom NONCES = new java.security.SecureRandom();

    /** 16 random bytes in base64, as the nonces of a Content-Security-Policy are written. */
    private static String freshNonce() {
        byte[] bytes = new byte[16];
        NONCES.nextBytes(bytes);
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    /** The policy with every {@code 'nonce-...'} source holding {@code nonce}. */
    static String withNonce(String policy, String nonce) {
        StringBuilder out = new StringBuilder(policy.length());
        int from = 0;
        int at;
        while ((at = policy.indexOf(NONCE, from)) >= 0) {
            int end = policy.indexOf('\'', at + NONCE.length());
            if (end < 0) {
                break; // no closing quote: left as it is
            }
            out.append(policy, from, at + NONCE.length()).append(nonce);
            from = end;
        }
        return out.append(policy, from, policy.length()).toString();
    }

    /** Whether two content types name the same media type, whatever their parameters. */
    static boolean sameMediaType(String a, String b) {
        return mediaType(a).equals(mediaType(b));
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    /** The path with everything that could end a string, a tag or an attribute percent-encoded. */
    static String inert(String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(Math.min(bytes.length, MAX_PATH_LENGTH) + 16);
        for (int i = 0; i < bytes.length && out.length() < MAX_PATH_LENGTH; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z')
                    || (b >= 'A' && b <= 'Z')
                    || (b >= '0' && b <= '9')
                    || b == '-'
                    || b == '.'
                    || b == '_'
                    || b == '~'
                    || b == '/';
            boolean escape = b == '%'
                    && i + 2 < bytes.length
                    && Character.digit(bytes[i + 1], 16) >= 0
                    && Character.digit(bytes[i + 2], 16) >= 0;
            if (plain || escape) {
                out.append((char) b);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
