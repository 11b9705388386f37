package io.github.abuseguard.servlet;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes a denial as an RFC 9457 problem: {@code application/problem+json} with {@code type},
 * {@code title}, {@code status}, {@code detail} and {@code instance}, the fields Spring's
 * {@code ProblemDetail} renders, plus {@code guard}, {@code reason} and, for rate limits,
 * {@code policy}. Sets {@code Retry-After} in whole seconds, at least one, when waiting helps.
 */
final class ProblemResponse {
    static final String CONTENT_TYPE = "application/problem+json";
    private static final JsonFactory JSON = new JsonFactory();

    private final String typeBase;

    ProblemResponse(String typeBase) {
        this.typeBase = typeBase;
    }

    static int status(Decision decision) {
        if (decision.status() != 0) {
            return decision.status();
        }
        return decision.action() == Action.THROTTLE ? 429 : 403;
    }

    void write(HttpServletResponse response, Decision decision, String instance) throws IOException {
        int status = status(decision);
        response.setStatus(status);
        Duration retryAfter = decision.retryAfter();
        if (retryAfter != null) {
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            response.setHeader("Retry-After", Long.toString(seconds));
        }
        response.setHeader("Cache-Control", "no-store");
        byte[] body = body(decision, status, instance);
        response.setContentType(CONTENT_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    byte[] body(Decision decision, int status, String instance) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            json.writeStartObject();
            json.writeStringProperty("type", typeBase + decision.reason());
            json.writeStringProperty("title", title(status));
            json.writeNumberProperty("status", status);
            if (decision.detail() != null) {
                json.writeStringProperty("detail", decision.detail());
            }
            if (instance != null) {
                json.writeStringProperty("instance", instance);
            }
            json.writeStringProperty("guard", decision.guard());
            json.writeStringProperty("reason", decision.reason());
            if (!decision.rateLimits().isEmpty()) {
                json.writeStringProperty("policy", decision.rateLimits().get(0).policy());
            } else if (decision.rule() != null) {
                json.writeStringProperty("rule", decision.rule());
            }
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }
}
