package io.github.abuseguard.spring;

import io.github.abuseguard.BodyField;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Answers a body that Spring could not or may not read, before any guard judged it, with the problem a
 * guard gives the same body: the status, detail and reason code of {@link BodyField.Unreadable}, as
 * {@code application/problem+json}. Only for what the starter answers in Spring's place (a form Spring's
 * {@code FormContentFilter} cannot decode or would read past the form bound, a multipart body the
 * {@code DispatcherServlet} cannot parse); the guards' own refusals are written by the filter.
 */
final class BodyProblem {
    private static final JsonFactory JSON = new JsonFactory();

    private BodyProblem() {}

    /** Writes the problem over whatever the response buffered; the caller checked it is not committed. */
    static void write(HttpServletResponse response, BodyField.Unreadable reason, String instance) throws IOException {
        response.resetBuffer();
        response.setStatus(reason.status());
        response.setHeader("Cache-Control", "no-store");
        byte[] body = body(reason, instance);
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static byte[] body(BodyField.Unreadable reason, String instance) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(200);
        try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            json.writeStartObject();
            json.writeStringProperty("type", "about:blank");
            json.writeStringProperty("title", reason.status() == 413 ? "Content Too Large" : "Bad Request");
            json.writeNumberProperty("status", reason.status());
            json.writeStringProperty("detail", reason.detail());
            if (instance != null) {
                json.writeStringProperty("instance", instance);
            }
            json.writeStringProperty("reason", reason.reason());
            json.writeEndObject();
        }
        return out.toByteArray();
    }
}
