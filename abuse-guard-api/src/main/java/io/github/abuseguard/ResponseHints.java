package io.github.abuseguard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a response must carry beside a {@link Decision}: the rate limits the request was counted against
 * (for the {@code RateLimit-Policy} and {@code RateLimit} fields) and headers such as {@code Vary}.
 * Immutable. When several guards contribute, the engine {@linkplain #merge merges} their hints in
 * guard order: rate limits are concatenated, headers merged as {@link ResponseHeaders} describes; no
 * guard's hints overwrite another's.
 *
 * <p>The {@code RateLimit-Policy} field depends only on the limits' names, quotas and windows, so a
 * guard renders it once per rule with {@link #policyField(List)} and hands it in, and the allow path
 * formats nothing but the {@code RateLimit} field.
 */
public final class ResponseHints {

    private static final ResponseHints NONE = new ResponseHints(List.of(), null, Map.of());

    private final List<RateLimitStatus> rateLimits;
    private final String policyField;
    private final Map<String, String> headers;

    private ResponseHints(List<RateLimitStatus> rateLimits, String policyField, Map<String, String> headers) {
        this.rateLimits = rateLimits;
        this.policyField = policyField;
        this.headers = headers;
    }

    /** No hints: the shared empty value. */
    public static ResponseHints none() {
        return NONE;
    }

    /** The state of rate limits; their {@code RateLimit-Policy} field is rendered when a response needs it. */
    public static ResponseHints of(List<RateLimitStatus> rateLimits) {
        return of(rateLimits, null);
    }

    /**
     * The state of rate limits with their {@code RateLimit-Policy} field rendered beforehand.
     *
     * @param rateLimits the limits, in the order the response reports them; kept as given when immutable
     * @param policyField exactly {@link #policyField(List)} of {@code rateLimits}, computed once per rule,
     *     or {@code null} to render it when a response needs it
     */
    public static ResponseHints of(List<RateLimitStatus> rateLimits, String policyField) {
        List<RateLimitStatus> copy = List.copyOf(rateLimits);
        return copy.isEmpty() ? NONE : new ResponseHints(copy, policyField, Map.of());
    }

    /** Headers the response must carry whatever the outcome, such as {@code Vary}. */
    public static ResponseHints headers(Map<String, String> headers) {
        Map<String, String> copy = Map.copyOf(headers);
        return copy.isEmpty() ? NONE : new ResponseHints(List.of(), null, copy);
    }

    /** The rate limits the request was counted against; empty when none. */
    public List<RateLimitStatus> rateLimits() {
        return rateLimits;
    }

    /** Headers the response must carry; empty when none. */
    public Map<String, String> headers() {
        return headers;
    }

    /** Whether there is nothing to add to the response. */
    public boolean isEmpty() {
        return rateLimits.isEmpty() && headers.isEmpty();
    }

    /** The {@code RateLimit-Policy} field of {@link #rateLimits()}; empty when there are none. */
    public String rateLimitPolicyField() {
        if (policyField != null) {
            return policyField;
        }
        return policyField(rateLimits);
    }

    /** The {@code RateLimit} field of {@link #rateLimits()}: what is left of each and when it resets. */
    public String rateLimitField() {
        return stateField(rateLimits);
    }

    /**
     * These hints followed by {@code later}'s: rate limits of both, in order; headers merged so that a
     * list-valued field such as {@code Vary} gets both guards' members and any other field keeps this
     * (the earlier guard's) value. Allocates only when both have something to merge.
     */
    public ResponseHints merge(ResponseHints later) {
        Objects.requireNonNull(later, "later");
        if (later.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return later;
        }
        List<RateLimitStatus> limits;
        String policy;
        if (later.rateLimits.isEmpty()) {
            limits = rateLimits;
            policy = policyField;
        } else if (rateLimits.isEmpty()) {
            limits = later.rateLimits;
            policy = later.policyField;
        } else {
            List<RateLimitStatus> joined = new ArrayList<>(rateLimits.size() + later.rateLimits.size());
            joined.addAll(rateLimits);
            joined.addAll(later.rateLimits);
            limits = List.copyOf(joined);
            policy = policyField != null && later.policyField != null ? policyField + ", " + later.policyField : null;
        }
        Map<String, String> merged = later.headers.isEmpty()
                ? headers
                : headers.isEmpty() ? later.headers : ResponseHeaders.merge(headers, later.headers);
        return new ResponseHints(limits, policy, merged);
    }

    /**
     * The {@code RateLimit-Policy} field (draft-ietf-httpapi-ratelimit-headers) of {@code statuses}, a
     * structured-field list such as {@code "per-ip";q=100;w=300}.
     */
    public static String policyField(List<RateLimitStatus> statuses) {
        StringBuilder field = new StringBuilder(40 * statuses.size());
        for (int i = 0; i < statuses.size(); i++) {
            RateLimitStatus status = statuses.get(i);
            if (i > 0) {
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

    /** The {@code RateLimit} field of {@code statuses}, such as {@code "per-ip";r=0;t=42}. */
    public static String stateField(List<RateLimitStatus> statuses) {
        if (statuses.size() == 1 && isPlainName(statuses.get(0).policy())) {
            // The allow path of one limit: a concatenation allocates the field's bytes once, where a
            // builder would allocate them twice.
            RateLimitStatus status = statuses.get(0);
            return "\"" + status.policy() + "\";r=" + status.remaining() + ";t=" + status.resetSeconds();
        }
        int capacity = 0;
        for (int i = 0; i < statuses.size(); i++) {
            // quote marks, ";r=", ";t=", ", " and two longs of at most 19 digits: no growth while appending
            capacity += statuses.get(i).policy().length() + 50;
        }
        StringBuilder field = new StringBuilder(capacity);
        for (int i = 0; i < statuses.size(); i++) {
            RateLimitStatus status = statuses.get(i);
            if (i > 0) {
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

    /** Whether a name needs neither escaping nor dropping of characters in a structured-field string. */
    private static boolean isPlainName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
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

    @Override
    public String toString() {
        return "ResponseHints[rateLimits=" + rateLimits + ", headers=" + headers + "]";
    }
}
