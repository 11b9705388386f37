package io.github.abuseguard.servlet;

import io.github.abuseguard.RateLimitStatus;
import java.util.List;

/**
 * Formats the {@code RateLimit-Policy} and {@code RateLimit} fields of
 * draft-ietf-httpapi-ratelimit-headers as structured-field lists:
 * {@code "per-ip";q=100;w=300} and {@code "per-ip";r=0;t=42}.
 */
final class RateLimitFields {
    static final String POLICY = "RateLimit-Policy";
    static final String STATE = "RateLimit";

    private RateLimitFields() {}

    static String policy(List<RateLimitStatus> statuses) {
        StringBuilder field = new StringBuilder(32 * statuses.size());
        for (RateLimitStatus status : statuses) {
            if (field.length() > 0) {
                field.append(", ");
            }
            appendName(field, status.policy())
                    .append(";q=")
                    .append(status.quota())
                    .append(";w=")
                    .append(status.windowSeconds());
        }
        return field.toString();
    }

    static String state(List<RateLimitStatus> statuses) {
        StringBuilder field = new StringBuilder(32 * statuses.size());
        for (RateLimitStatus status : statuses) {
            if (field.length() > 0) {
                field.append(", ");
            }
            appendName(field, status.policy())
                    .append(";r=")
                    .append(status.remaining())
                    .append(";t=")
                    .append(status.resetSeconds());
        }
        return field.toString();
    }

    /** A structured-field string; policy names are validated to need no escaping, but escape anyway. */
    private static StringBuilder appendName(StringBuilder field, String name) {
        field.append('"');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"' || c == '\\') {
                field.append('\\');
            }
            if (c >= 0x20 && c < 0x7f) {
                field.append(c);
            }
        }
        return field.append('"');
    }
}
