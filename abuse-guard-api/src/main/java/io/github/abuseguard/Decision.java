package io.github.abuseguard;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a guard, or the engine as a whole, decided about one request: allow, flag with a risk score,
 * or deny with an {@link Action}. A denial is an ordinary value, never an exception.
 *
 * <p>Besides the verdict, a decision carries what the response needs: the status code, a
 * human-readable detail, how long to wait before retrying, and the state of the rate limits the
 * request was counted against (allowed requests carry those too, so the client sees its quota).
 */
public final class Decision {

    /** The three kinds of answer. */
    public enum Outcome {
        ALLOW,
        FLAG,
        DENY
    }

    private static final Decision ALLOW =
            new Decision(Outcome.ALLOW, null, null, null, null, null, 0, 0, null, List.of(), Map.of(), null, false);
    private static final Decision EXEMPT =
            new Decision(Outcome.ALLOW, null, null, null, null, null, 0, 0, null, List.of(), Map.of(), null, true);

    private final Outcome outcome;
    private final Action action;
    private final String guard;
    private final String rule;
    private final String reason;
    private final String detail;
    private final int score;
    private final int status;
    private final Duration retryAfter;
    private final List<RateLimitStatus> rateLimits;
    private final Map<String, String> responseHeaders;
    private final String decoy;
    private final boolean exempt;

    private Decision(
            Outcome outcome,
            Action action,
            String guard,
            String rule,
            String reason,
            String detail,
            int score,
            int status,
            Duration retryAfter,
            List<RateLimitStatus> rateLimits,
            Map<String, String> responseHeaders,
            String decoy,
            boolean exempt) {
        this.outcome = outcome;
        this.action = action;
        this.guard = guard;
        this.rule = rule;
        this.reason = reason;
        this.detail = detail;
        this.score = score;
        this.status = status;
        this.retryAfter = retryAfter;
        this.rateLimits = rateLimits;
        this.responseHeaders = responseHeaders;
        this.decoy = decoy;
        this.exempt = exempt;
    }

    /** The shared "nothing to say" answer. */
    public static Decision allow() {
        return ALLOW;
    }

    /** An allowing answer that reports the client's rate-limit state, so the response can carry it. */
    public static Decision allow(List<RateLimitStatus> rateLimits) {
        return rateLimits.isEmpty()
                ? ALLOW
                : new Decision(
                        Outcome.ALLOW,
                        null,
                        null,
                        null,
                        null,
                        null,
                        0,
                        0,
                        null,
                        List.copyOf(rateLimits),
                        Map.of(),
                        null,
                        false);
    }

    /**
     * An allowing answer that adds headers to the response, such as {@code Vary}. Build it once and reuse
     * it: it is immutable.
     */
    public static Decision allowWithHeaders(Map<String, String> responseHeaders) {
        return new Decision(
                Outcome.ALLOW,
                null,
                null,
                null,
                null,
                null,
                0,
                0,
                null,
                List.of(),
                Map.copyOf(responseHeaders),
                null,
                false);
    }

    /**
     * Allows the request and asks no further guard: for clients on an allow list. The engine stops the
     * evaluation here, so no later limit or check applies to the request.
     */
    public static Decision exempt() {
        return EXEMPT;
    }

    /**
     * A weak signal: the request goes on, and {@code score} adds to its risk score.
     *
     * @param guard the name of the guard that raised the flag
     * @param reason a stable kebab-case reason code, such as {@code cdn-forwarded}
     * @param score a positive risk score
     * @throws IllegalArgumentException if {@code score} is not positive
     */
    public static Decision flag(String guard, String reason, int score) {
        if (score <= 0) {
            throw new IllegalArgumentException("score must be positive, was " + score);
        }
        return new Decision(
                Outcome.FLAG,
                null,
                Objects.requireNonNull(guard, "guard"),
                null,
                Objects.requireNonNull(reason, "reason"),
                null,
                score,
                0,
                null,
                List.of(),
                Map.of(),
                null,
                false);
    }

    /** Starts a denial answered with {@code action}. */
    public static Builder deny(Action action) {
        return new Builder(action);
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean isAllow() {
        return outcome == Outcome.ALLOW;
    }

    public boolean isFlag() {
        return outcome == Outcome.FLAG;
    }

    public boolean isDeny() {
        return outcome == Outcome.DENY;
    }

    /** The action of a denial; {@code null} for allow and flag. */
    public @Nullable Action action() {
        return action;
    }

    /** The guard that decided; {@code null} for allow. */
    public @Nullable String guard() {
        return guard;
    }

    /** The rule within the guard that decided, or {@code null}. */
    public @Nullable String rule() {
        return rule;
    }

    /** A stable kebab-case reason code; {@code null} for allow. */
    public @Nullable String reason() {
        return reason;
    }

    /** A sentence for the client explaining the denial, or {@code null}. */
    public @Nullable String detail() {
        return detail;
    }

    /** The risk score a flag adds; 0 otherwise. */
    public int score() {
        return score;
    }

    /** The HTTP status of a denial; 0 when the action's default applies. */
    public int status() {
        return status;
    }

    /** How long the client should wait before retrying, or {@code null}. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }

    /** The rate limits the request was counted against; empty when none. */
    public List<RateLimitStatus> rateLimits() {
        return rateLimits;
    }

    /** Headers the response must carry, such as {@code Vary}; empty when none. */
    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    /** The name of the decoy response a {@link Action#DECOY} denial answers with, or {@code null} for the default. */
    public @Nullable String decoy() {
        return decoy;
    }

    /** Whether this allowing answer exempts the request from every later guard. */
    public boolean isExempt() {
        return exempt;
    }

    /** A copy of this denial answered with another action, as a per-route override needs. */
    public Decision withAction(Action newAction) {
        Objects.requireNonNull(newAction, "action");
        if (outcome != Outcome.DENY) {
            throw new IllegalStateException("only a denial has an action");
        }
        return new Decision(
                outcome,
                newAction,
                guard,
                rule,
                reason,
                detail,
                score,
                status,
                retryAfter,
                rateLimits,
                responseHeaders,
                decoy,
                false);
    }

    @Override
    public String toString() {
        if (outcome == Outcome.ALLOW) {
            return "Decision[ALLOW]";
        }
        StringBuilder text = new StringBuilder("Decision[").append(outcome);
        if (action != null) {
            text.append(' ').append(action);
        }
        text.append(" guard=").append(guard);
        if (rule != null) {
            text.append(" rule=").append(rule);
        }
        text.append(" reason=").append(reason);
        if (score > 0) {
            text.append(" score=").append(score);
        }
        return text.append(']').toString();
    }

    /** Builds a denial. Obtain one with {@link Decision#deny(Action)}. */
    public static final class Builder {
        private final Action action;
        private String guard;
        private String rule;
        private String reason;
        private String detail;
        private int status;
        private Duration retryAfter;
        private List<RateLimitStatus> rateLimits = List.of();
        private Map<String, String> responseHeaders = Map.of();
        private String decoy;

        private Builder(Action action) {
            this.action = Objects.requireNonNull(action, "action");
        }

        /** The deciding guard's name. Required. */
        public Builder guard(String guard) {
            this.guard = guard;
            return this;
        }

        /** The deciding rule's name. Optional. */
        public Builder rule(String rule) {
            this.rule = rule;
            return this;
        }

        /** A stable kebab-case reason code, such as {@code rate-limited}. Required. */
        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        /** A sentence for the client. Optional. */
        public Builder detail(String detail) {
            this.detail = detail;
            return this;
        }

        /**
         * The HTTP status to answer with; by default 429 for {@link Action#THROTTLE} and 403 otherwise.
         *
         * @throws IllegalArgumentException if {@code status} is not between 400 and 599
         */
        public Builder status(int status) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status must be a 4xx or 5xx code, was " + status);
            }
            this.status = status;
            return this;
        }

        /** How long the client should wait; rounded up to whole seconds, at least one, in {@code Retry-After}. */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
            return this;
        }

        /** The state of the rate limits that were exceeded. */
        public Builder rateLimits(List<RateLimitStatus> rateLimits) {
            this.rateLimits = List.copyOf(rateLimits);
            return this;
        }

        /** Headers the response must carry whatever the action, such as {@code Vary}. */
        public Builder responseHeaders(Map<String, String> responseHeaders) {
            this.responseHeaders = Map.copyOf(responseHeaders);
            return this;
        }

        /** The decoy response a {@link Action#DECOY} denial answers with; the default decoy when not set. */
        public Builder decoy(String decoy) {
            this.decoy = decoy;
            return this;
        }

        /** @throws IllegalStateException if the guard or the reason is missing */
        public Decision build() {
            if (guard == null || reason == null) {
                throw new IllegalStateException("a denial needs a guard and a reason");
            }
            return new Decision(
                    Outcome.DENY,
                    action,
                    guard,
                    rule,
                    reason,
                    detail,
                    0,
                    status,
                    retryAfter,
                    rateLimits,
                    responseHeaders,
                    decoy,
                    false);
        }
    }
}
