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
        TomcatFields.Handles tomcat = TomcatFields.access(response);
        if (tomcat != null) {
            String policy = hints.rateLimitPolicyField();
            byte[] policyField = TomcatFields.field(tomcat, response, POLICY, POLICY_NAME, policy.length());
            if (policyField != null) {
                putLatin1(policy, policyField);
            }
            List<RateLimitStatus> statuses = hints.rateLimits();
            byte[] stateField = TomcatFields.field(tomcat, response, STATE, STATE_NAME, stateLength(statuses));
            if (stateField != null) {
                putState(statuses, stateField);
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

    /**
     * The length of the bytes of {@link ResponseHints#stateField(List)}, rendered without the string by
     * {@link #putState}: names quoted with {@code "} and {@code \} escaped and any other character outside
     * printable US-ASCII dropped.
     */
    static int stateLength(List<RateLimitStatus> statuses) {
        int length = 0;
        for (int i = 0; i < statuses.size(); i++) {
            RateLimitStatus status = statuses.get(i);
            length += (i > 0 ? 2 : 0)
                    + nameLength(status.policy())
                    + ";r=".length()
                    + digits(status.remaining())
                    + ";t=".length()
                    + digits(status.resetSeconds());
        }
        return length;
    }

    /** Writes the {@code RateLimit} field of {@code statuses} into the start of {@code field}. */
    static void putState(List<RateLimitStatus> statuses, byte[] field) {
        int at = 0;
        for (int i = 0; i < statuses.size(); i++) {
            RateLimitStatus status = statuses.get(i);
            if (i > 0) {
                field[at++] = ',';
                field[at++] = ' ';
            }
            at = putName(field, at, status.policy());
            field[at++] = ';';
            field[at++] = 'r';
            field[at++] = '=';
            at = putNumber(field, at, status.remaining());
            field[at++] = ';';
            field[at++] = 't';
            field[at++] = '=';
            at = putNumber(field, at, status.resetSeconds());
        }
    }

    private static boolean printable(char c) {
        return c >= 0x20 && c < 0x7f;
    }

    private static int nameLength(String name) {
        int length = 2;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"' || c == '\\') {
                length += 2;
            } else if (printable(c)) {
                length++;
            }
        }
        return length;
    }

    private static int putName(byte[] field, int at, String name) {
        field[at++] = '"';
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"' || c == '\\') {
                field[at++] = '\\';
            }
            if (printable(c)) {
                field[at++] = (byte) c;
            }
        }
        field[at++] = '"';
        return at;
    }

    /** Decimal digits of {@code value}, a minus sign counted as one. */
    static int digits(long value) {
        if (value == Long.MIN_VALUE) {
            return 20;
        }
        int digits = value < 0 ? 2 : 1;
        for (long rest = Math.abs(value); rest >= 10; rest /= 10) {
            digits++;
        }
        return digits;
    }

    private static int putNumber(byte[] field, int at, long value) {
        int end = at + digits(value);
        if (value == Long.MIN_VALUE) {
            byte[] min = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(min, 0, field, at, min.length);
            return end;
        }
        if (value < 0) {
            field[at] = '-';
        }
        long rest = Math.abs(value);
        int position = end;
        do {
            field[--position] = (byte) ('0' + rest % 10);
            rest /= 10;
        } while (rest > 0);
        return end;
    }
}
