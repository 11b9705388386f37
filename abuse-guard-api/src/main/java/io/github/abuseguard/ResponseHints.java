package io.github.abuseguard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a response must carry beside a {@link Decision}: the rate limits the request was counted against
 * (for the {@code RateLimit-Policy} and {@code RateLimit} fields) and headers such as {@code Vary}.
 * Immutable. When several guards contribute, the engine {@linkplain #merge merges} their hints in
 * guard order: rate limits are concatenated, headers merged as {@link ResponseHeaders} describes; no
 * guard's hints overwrite another's.
 *
 * <p>The {@code RateLimit-Policy} field depends only on the limits' names, quotas and windows, so a
 * guard renders it once per rule with {@link #policyField(List)} and hands it in, and the allow path
 * formats nothing but the {@code RateLimit} field. A rule's state after a request ({@link
 * #of(ResponseHints, long, long)}) is one 24-byte object: the rule's limits, built once, and the two
 * figures of the request packed in one {@code long} (32 bytes where they do not fit).
 */
public abstract sealed class ResponseHints {

    private static final ResponseHints NONE = new Listed(List.of(), null, Map.of());

    private ResponseHints() {}

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
        return copy.isEmpty() ? NONE : new Listed(copy, policyField, Map.of());
    }

    /**
     * The state of one rule's limits after a request: each of {@code policies} (its name, quota and
     * window) with {@code remaining} units left and a reset of {@code resetSeconds}, at most its window.
     * The same as {@link #of(List, String)} of those statuses, but the statuses are built only if someone
     * asks for {@link #rateLimits()}. A guard that reports a rule's state on every request builds the
     * rule's limits once instead and hands them to {@link #of(ResponseHints, long, long)}.
     *
     * @param policies the rule's limits, built once per rule; their remaining and reset are not read
     * @param policyField exactly {@link #policyField(List)} of {@code policies}, or {@code null}
     */
    public static ResponseHints of(
            List<RateLimitStatus> policies, String policyField, long remaining, long resetSeconds) {
        return of(of(policies, policyField), remaining, resetSeconds);
    }

    /**
     * The state of a rule's limits after a request: each of {@code limits}' rate limits (its name, quota
     * and window) with {@code remaining} units left and a reset of {@code resetSeconds}, at most its
     * window; {@code limits}' headers and rendered {@code RateLimit-Policy} field are kept. One object of
     * 24 bytes (32 when remaining or reset exceed what one {@code long} holds for both): a response renders its fields from these figures, and the statuses are built only if
     * someone asks for {@link #rateLimits()}.
     *
     * @param limits the rule's limits, built once per rule with {@link #of(List, String)}; their remaining
     *     and reset are not read
     */
    public static ResponseHints of(ResponseHints limits, long remaining, long resetSeconds) {
        Listed template = limits instanceof RuleState state ? state.limits : (Listed) limits;
        return template.rateLimits.isEmpty() ? template : RuleState.of(template, remaining, resetSeconds);
    }

    /** Headers the response must carry whatever the outcome, such as {@code Vary}. */
    public static ResponseHints headers(Map<String, String> headers) {
        Map<String, String> copy = Map.copyOf(headers);
        return copy.isEmpty() ? NONE : new Listed(List.of(), null, copy);
    }

    /** The rate limits the request was counted against; empty when none. */
    public abstract List<RateLimitStatus> rateLimits();

    /** Whether the request was counted against any rate limit: {@link #rateLimits()} is not empty. */
    public boolean hasRateLimits() {
        return limitCount() > 0;
    }

    abstract int limitCount();

    abstract String limitName(int i);

    abstract long limitRemaining(int i);

    abstract long limitReset(int i);

    /** The {@code RateLimit-Policy} field as handed in, or {@code null} when it is rendered on demand. */
    abstract @Nullable String renderedPolicyField();

    /** These hints with other headers. */
    abstract ResponseHints withHeaders(Map<String, String> headers);

    /** Headers the response must carry; empty when none. */
    public abstract Map<String, String> headers();

    /** Whether there is nothing to add to the response. */
    public boolean isEmpty() {
        return !hasRateLimits() && headers().isEmpty();
    }

    /** The {@code RateLimit-Policy} field of {@link #rateLimits()}; empty when there are none. */
    public abstract String rateLimitPolicyField();

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
        Map<String, String> headers = headers();
        Map<String, String> laterHeaders = later.headers();
        Map<String, String> merged = laterHeaders.isEmpty()
                ? headers
                : headers.isEmpty() ? laterHeaders : ResponseHeaders.merge(headers, laterHeaders);
        if (!later.hasRateLimits()) {
            return withHeaders(merged);
        }
        if (!hasRateLimits()) {
            return later.withHeaders(merged);
        }
        List<RateLimitStatus> joined = new ArrayList<>(limitCount() + later.limitCount());
        joined.addAll(rateLimits());
        joined.addAll(later.rateLimits());
        String policy = renderedPolicyField();
        String laterPolicy = later.renderedPolicyField();
        return new Listed(
                List.copyOf(joined),
                policy != null && laterPolicy != null ? policy + ", " + laterPolicy : null,
                merged);
    }

    @Override
    public String toString() {
        return "ResponseHints[rateLimits=" + rateLimits() + ", headers=" + headers() + "]";
    }

    /** Rate limits as statuses, their {@code RateLimit-Policy} field if rendered, and headers. */
    private static final class Listed extends ResponseHints {
        private final List<RateLimitStatus> rateLimits;
        private final @Nullable String policyField;
        private final Map<String, String> headers;

        Listed(List<RateLimitStatus> rateLimits, @Nullable String policyField, Map<String, String> headers) {
            this.rateLimits = rateLimits;
            this.policyField = policyField;
            this.headers = headers;
        }

        @Override
        public List<RateLimitStatus> rateLimits() {
            return rateLimits;
        }

        @Override
        int limitCount() {
            return rateLimits.size();
        }

        @Override
        String limitName(int i) {
            return rateLimits.get(i).policy();
        }

        @Override
        long limitRemaining(int i) {
            return rateLimits.get(i).remaining();
        }

        @Override
        long limitReset(int i) {
            return rateLimits.get(i).resetSeconds();
        }

        @Override
        @Nullable
        String renderedPolicyField() {
            return policyField;
        }

        @Override
        ResponseHints withHeaders(Map<String, String> merged) {
            return merged == headers ? this : new Listed(rateLimits, policyField, merged);
        }

        @Override
        public Map<String, String> headers() {
            return headers;
        }

        @Override
        public String rateLimitPolicyField() {
            return policyField != null ? policyField : policyField(rateLimits);
        }
    }

    /**
     * One rule's state after a request: its limits (built once per rule) with the request's remaining
     * units and reset; the statuses are built only when asked for. Both figures share one {@code long}
     * when they fit (remaining below 2<sup>39</sup>, a reset below 2<sup>24</sup> seconds, about 194
     * days), so the object a rate-limited request allocates is 24 bytes; larger figures take a
     * {@link WideRuleState}.
     */
    private abstract static sealed class RuleState extends ResponseHints permits PackedRuleState, WideRuleState {
        final Listed limits;

        static RuleState of(Listed limits, long remaining, long resetSeconds) {
            return PackedRuleState.fits(remaining, resetSeconds)
                    ? new PackedRuleState(limits, remaining, resetSeconds)
                    : new WideRuleState(limits, remaining, resetSeconds);
        }

        RuleState(Listed limits) {
            this.limits = limits;
        }

        abstract long remaining();

        abstract long resetSeconds();

        @Override
        public List<RateLimitStatus> rateLimits() {
            RateLimitStatus[] built = new RateLimitStatus[limits.limitCount()];
            for (int i = 0; i < built.length; i++) {
                RateLimitStatus policy = limits.rateLimits.get(i);
                built[i] = new RateLimitStatus(
                        policy.policy(), policy.quota(), policy.windowSeconds(), remaining(), limitReset(i));
            }
            return List.of(built);
        }

        @Override
        int limitCount() {
            return limits.limitCount();
        }

        @Override
        String limitName(int i) {
            return limits.limitName(i);
        }

        @Override
        long limitRemaining(int i) {
            return remaining();
        }

        @Override
        long limitReset(int i) {
            return Math.min(resetSeconds(), limits.rateLimits.get(i).windowSeconds());
        }

        @Override
        @Nullable
        String renderedPolicyField() {
            return limits.policyField;
        }

        @Override
        ResponseHints withHeaders(Map<String, String> merged) {
            return merged == limits.headers
                    ? this
                    : RuleState.of((Listed) limits.withHeaders(merged), remaining(), resetSeconds());
        }

        @Override
        public Map<String, String> headers() {
            return limits.headers;
        }

        @Override
        public String rateLimitPolicyField() {
            return limits.rateLimitPolicyField();
        }
    }

    /** A rule's state whose figures share one {@code long}: 24 bytes. */
    private static final class PackedRuleState extends RuleState {
        private static final int RESET_BITS = 24;
        private static final long RESET_MASK = (1L << RESET_BITS) - 1;
        private static final long MAX_REMAINING = (1L << (63 - RESET_BITS)) - 1;

        private final long packed;

        static boolean fits(long remaining, long resetSeconds) {
            return remaining >= 0 && remaining <= MAX_REMAINING && resetSeconds >= 0 && resetSeconds <= RESET_MASK;
        }

        PackedRuleState(Listed limits, long remaining, long resetSeconds) {
            super(limits);
            this.packed = remaining << RESET_BITS | resetSeconds;
        }

        @Override
        long remaining() {
            return packed >>> RESET_BITS;
        }

        @Override
        long resetSeconds() {
            return packed & RESET_MASK;
        }
    }

    /** A rule's state whose figures do not fit one {@code long} (see {@link RuleState}): 32 bytes. */
    private static final class WideRuleState extends RuleState {
        private final long remaining;
        private final long resetSeconds;

        WideRuleState(Listed limits, long remaining, long resetSeconds) {
            super(limits);
            this.remaining = remaining;
            this.resetSeconds = resetSeconds;
        }

        @Override
        long remaining() {
            return remaining;
        }

        @Override
        long resetSeconds() {
            return resetSeconds;
        }
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
}
