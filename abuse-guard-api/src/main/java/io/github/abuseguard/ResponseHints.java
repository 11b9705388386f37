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

    /**
     * The statuses; for one rule's state ({@link #of(List, String, long, long)}) built from
     * {@link #policies} only when first asked for, as the response fields are rendered without them. A
     * racy first read builds them twice, an equal immutable list each time, so no lock is needed.
     */
    private List<RateLimitStatus> rateLimits;
    /** For one rule's state: its limits, each to be reported with {@link #remaining} and {@link #resetSeconds}. */
    private final List<RateLimitStatus> policies;

    private final long remaining;
    private final long resetSeconds;
    private final String policyField;
    private final Map<String, String> headers;

    private ResponseHints(List<RateLimitStatus> rateLimits, String policyField, Map<String, String> headers) {
        this(rateLimits, null, 0, 0, policyField, headers);
    }

    private ResponseHints(
            List<RateLimitStatus> rateLimits,
            List<RateLimitStatus> policies,
            long remaining,
            long resetSeconds,
            String policyField,
            Map<String, String> headers) {
        this.rateLimits = rateLimits;
        this.policies = policies;
        this.remaining = remaining;
        this.resetSeconds = resetSeconds;
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

    /**
     * The state of one rule's limits after a request: each of {@code policies} (its name, quota and
     * window) with {@code remaining} units left and a reset of {@code resetSeconds}, at most its window.
     * The same as {@link #of(List, String)} of those statuses, but the statuses are built only if someone
     * asks for {@link #rateLimits()}: a response renders its fields from these figures, so a guard's
     * allow path allocates one object for them.
     *
     * @param policies the rule's limits, built once per rule; their remaining and reset are not read
     * @param policyField exactly {@link #policyField(List)} of {@code policies}, or {@code null}
     */
    public static ResponseHints of(
            List<RateLimitStatus> policies, String policyField, long remaining, long resetSeconds) {
        List<RateLimitStatus> copy = List.copyOf(policies);
        return copy.isEmpty() ? NONE : new ResponseHints(null, copy, remaining, resetSeconds, policyField, Map.of());
    }

    /** Headers the response must carry whatever the outcome, such as {@code Vary}. */
    public static ResponseHints headers(Map<String, String> headers) {
        Map<String, String> copy = Map.copyOf(headers);
        return copy.isEmpty() ? NONE : new ResponseHints(List.of(), null, copy);
    }

    /** The rate limits the request was counted against; empty when none. */
    public List<RateLimitStatus> rateLimits() {
        List<RateLimitStatus> statuses = rateLimits;
        if (statuses == null) {
            RateLimitStatus[] built = new RateLimitStatus[policies.size()];
            for (int i = 0; i < built.length; i++) {
                built[i] = status(i);
            }
            statuses = List.of(built);
            rateLimits = statuses;
        }
        return statuses;
    }

    /** Whether the request was counted against any rate limit: {@link #rateLimits()} is not empty. */
    public boolean hasRateLimits() {
        return limitCount() > 0;
    }

    private int limitCount() {
        return policies != null ? policies.size() : rateLimits.size();
    }

    /** The {@code i}th status, built from the rule's policy when these hints are a rule's state. */
    private RateLimitStatus status(int i) {
        if (policies == null) {
            return rateLimits.get(i);
        }
        RateLimitStatus policy = policies.get(i);
        return new RateLimitStatus(
                policy.policy(),
                policy.quota(),
                policy.windowSeconds(),
                remaining,
                Math.min(resetSeconds, policy.windowSeconds()));
    }

    private String limitName(int i) {
        return policies != null ? policies.get(i).policy() : rateLimits.get(i).policy();
    }

    private long limitRemaining(int i) {
        return policies != null ? remaining : rateLimits.get(i).remaining();
    }

    private long limitReset(int i) {
        return policies != null
                ? Math.min(resetSeconds, policies.get(i).windowSeconds())
                : rateLimits.get(i).resetSeconds();
    }

    /** Headers the response must carry; empty when none. */
    public Map<String, String> headers() {
        return headers;
    }

    /** Whether there is nothing to add to the response. */
    public boolean isEmpty() {
        return !hasRateLimits() && headers.isEmpty();
    }

    /** The {@code RateLimit-Policy} field of {@link #rateLimits()}; empty when there are none. */
    public String rateLimitPolicyField() {
        if (policyField != null) {
            return policyField;
        }
        return policyField(policies != null ? policies : rateLimits);
    }

    /** The {@code RateLimit} field of {@link #rateLimits()}: what is left of each and when it resets. */
    public String rateLimitField() {
        return stateField(rateLimits());
    }

    /**
     * The length in bytes of {@link #rateLimitField()} in US-ASCII, for a container that takes a field
     * as bytes: see {@link #rateLimitField(byte[])}.
     */
    public int rateLimitFieldLength() {
        int length = 0;
        for (int i = 0; i < limitCount(); i++) {
            length += (i > 0 ? 2 : 0)
                    + nameLength(limitName(i))
                    + ";r=".length()
                    + digits(limitRemaining(i))
                    + ";t=".length()
                    + digits(limitReset(i));
        }
        return length;
    }

    /**
     * Writes the bytes of {@link #rateLimitField()} into the start of {@code field}, which holds at least
     * {@link #rateLimitFieldLength()} bytes, without building the string or the statuses: names quoted
     * with {@code "} and {@code \} escaped and any other character outside printable US-ASCII dropped, as
     * in the string.
     *
     * @throws IndexOutOfBoundsException if {@code field} is shorter than the field (the bytes that fit
     *     are written)
     */
    public void rateLimitField(byte[] field) {
        int at = 0;
        for (int i = 0; i < limitCount(); i++) {
            if (i > 0) {
                field[at++] = ',';
                field[at++] = ' ';
            }
            at = putName(field, at, limitName(i));
            field[at++] = ';';
            field[at++] = 'r';
            field[at++] = '=';
            at = putNumber(field, at, limitRemaining(i));
            field[at++] = ';';
            field[at++] = 't';
            field[at++] = '=';
            at = putNumber(field, at, limitReset(i));
        }
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
        Map<String, String> merged = later.headers.isEmpty()
                ? headers
                : headers.isEmpty() ? later.headers : ResponseHeaders.merge(headers, later.headers);
        if (!later.hasRateLimits()) {
            return new ResponseHints(rateLimits, policies, remaining, resetSeconds, policyField, merged);
        }
        if (!hasRateLimits()) {
            return new ResponseHints(
                    later.rateLimits, later.policies, later.remaining, later.resetSeconds, later.policyField, merged);
        }
        List<RateLimitStatus> joined = new ArrayList<>(limitCount() + later.limitCount());
        joined.addAll(rateLimits());
        joined.addAll(later.rateLimits());
        String policy =
                policyField != null && later.policyField != null ? policyField + ", " + later.policyField : null;
        return new ResponseHints(List.copyOf(joined), policy, merged);
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
    private static int digits(long value) {
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
            String min = Long.toString(value);
            for (int i = 0; i < min.length(); i++) {
                field[at + i] = (byte) min.charAt(i);
            }
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

    @Override
    public String toString() {
        return "ResponseHints[rateLimits=" + rateLimits() + ", headers=" + headers + "]";
    }
}
