package io.github.abuseguard.servlet;

import io.github.abuseguard.config.AbuseGuardSettings;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * A fake success for the decoy action: the denied client, a clone site say, gets an answer that looks
 * right and is worthless, instead of learning it was blocked. {@code ${uuid}} and {@code ${path}} in the
 * body are replaced per request.
 *
 * @param status the status, 2xx or 3xx
 * @param contentType the content type
 * @param body the body template
 */
public record DecoyResponse(int status, String contentType, String body) {

    /** The decoy used when a rule names none: {@code 200 {"status":"ok"}}. */
    public static final DecoyResponse DEFAULT = new DecoyResponse(200, "application/json", "{\"status\":\"ok\"}");

    /** @throws IllegalArgumentException if the status is not 2xx or 3xx */
    public DecoyResponse {
        if (status < 200 || status > 399) {
            throw new IllegalArgumentException("a decoy answers with a 2xx or 3xx status, not " + status);
        }
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    static DecoyResponse of(AbuseGuardSettings.Decoy settings) {
        return new DecoyResponse(settings.getStatus(), settings.getContentType(), settings.getBody());
    }

    void write(HttpServletResponse response, String path) throws IOException {
        String text = body.replace("${uuid}", UUID.randomUUID().toString()).replace("${path}", path);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(bytes);
    }
}
