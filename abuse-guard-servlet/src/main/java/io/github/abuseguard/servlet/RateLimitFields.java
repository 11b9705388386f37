package io.github.abuseguard.servlet;

import io.github.abuseguard.RateLimitStatus;
import io.github.abuseguard.ResponseHints;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

    private static final RenderedPolicy NO_POLICY = new RenderedPolicy("", new byte[0]);

    /**
     * The first policy field written and its bytes ({@link #putLatin1}): a rule renders its policy once,
     * so on the allow path of an application with one rate-limit policy (or a main one) the bytes are
     * copied, not converted again. Set once, never replaced, so that an application alternating between
     * policies allocates nothing either (the others are converted in place, as before). Read without a
     * lock: the holder's fields are final, so a thread sees it whole or not yet.
     */
    private static RenderedPolicy firstPolicy = NO_POLICY;

    private RateLimitFields() {}

    /** A policy field and its bytes; never written to once built. */
    private record RenderedPolicy(String policy, byte[] bytes) {}

    static String policy(List<RateLimitStatus> statuses) {
        return ResponseHints.policyField(statuses);
    }

    static String state(List<RateLimitStatus> statuses) {
        return ResponseHints.stateField(statuses);
    }

    /** Sets both fields of {@code hints}, whose rate limits are not empty. */
    static void write(HttpServletResponse response, ResponseHints hints) {
        if (TomcatFields.writes(response)) {
            // one look-up of Tomcat's header list for both fields: setting a field commits nothing
            Object headers = TomcatFields.settableHeaders(response);
            if (headers == null) {
                return; // committed, or an include: setHeader would ignore both
            }
            String policy = hints.rateLimitPolicyField();
            byte[] policyField = TomcatFields.field(headers, POLICY, POLICY_NAME, policy.length());
            RenderedPolicy rendered = firstPolicy;
            if (rendered.policy == policy || rendered.policy.equals(policy)) {
                System.arraycopy(rendered.bytes, 0, policyField, 0, rendered.bytes.length);
            } else {
                putLatin1(policy, policyField);
                if (rendered == NO_POLICY) {
                    firstPolicy = new RenderedPolicy(policy, Arrays.copyOf(policyField, policy.length()));
                }
            }
            hints.rateLimitField(TomcatFields.field(headers, STATE, STATE_NAME, hints.rateLimitFieldLength()));
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
