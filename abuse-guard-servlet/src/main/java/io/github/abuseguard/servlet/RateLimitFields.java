package io.github.abuseguard.servlet;

import io.github.abuseguard.RateLimitStatus;
import io.github.abuseguard.ResponseHints;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code RateLimit-Policy} and {@code RateLimit} fields of draft-ietf-httpapi-ratelimit-headers
 * ({@code "per-ip";q=100;w=300} and {@code "per-ip";r=0;t=42}), rendered by {@link ResponseHints} as
 * strings and here, for Tomcat, as the same bytes (see {@link TomcatFields}).
 */
final class RateLimitFields {
    static final String POLICY = "RateLimit-Policy";
    static final String STATE = "RateLimit";

    private static final byte[] POLICY_NAME = POLICY.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATE_NAME = STATE.getBytes(StandardCharsets.US_ASCII);

    private RateLimitFields() {}

    static String policy(List<RateLimitStatus> statuses) {
        return ResponseHints.policyField(statuses);
    }

    static String state(List<RateLimitStatus> statuses) {
        return ResponseHints.stateField(statuses);
    }

    /** Sets both fields of {@code hints}, whose rate limits are not empty. */
    static void write(HttpServletResponse response, ResponseHints hints) {
        if (TomcatFields.writes(response)) {
            String policy = hints.rateLimitPolicyField();
            byte[] policyField = TomcatFields.field(response, POLICY, POLICY_NAME, policy.length());
            if (policyField != null) {
                putLatin1(policy, policyField);
            }
            byte[] stateField = TomcatFields.field(response, STATE, STATE_NAME, hints.rateLimitFieldLength());
            if (stateField != null) {
                hints.rateLimitField(stateField);
            }
        } else {
            response.setHeader(POLICY, hints.rateLimitPolicyField());
            response.setHeader(STATE, hints.rateLimitField());
        }
    }

    /**
     * {@code value} into {@code field} as ISO-8859-1, as Tomcat writes a string field: a character beyond
     * it becomes {@code ?} and a control character other than tab a space, so a policy field a guard
     * rendered itself can never end the header line.
     */
    static void putLatin1(String value, byte[] field) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            field[i] = c > 0xff ? (byte) '?' : (c < 0x20 && c != '\t') || c == 0x7f ? (byte) ' ' : (byte) c;
        }
    }
}
