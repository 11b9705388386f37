package io.github.abuseguard;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a guard, or the engine as a whole, decided about one request: {@link Allow allow},
 * {@link Exempt exempt} (allow and ask no further guard), {@link Flag flag} with a risk score, or
 * {@link Deny deny} with an {@link Action}. A denial is an ordinary value, never an exception.
 *
 * <p>Beside the verdict travel the {@link ResponseHints}: the state of the rate limits the request was
 * counted against (allowed requests carry those too, so the client sees its quota) and headers the
 * response needs. The engine merges the hints of every guard, never letting one overwrite another's.
 *
 * <p>Guards build decisions with the static factories; the plain "nothing to say" answer
 * {@link #allow()} is a shared constant, so the common path allocates nothing. The accessors of every
 * kind are declared here, answering {@code null}, 0 or empty where a kind has no such part.
 */
public sealed interface Decision permits Decision.Allow, Decision.Exempt, Decision.Flag, Decision.Deny {

    /** The three kinds of answer; {@link Exempt} is an {@link #ALLOW}. */
    enum Outcome {
        ALLOW,
        FLAG,
        DENY
    }

    /** The shared "nothing to say" answer. */
    static Decision allow() {
        return Allow.PLAIN;
    }

    /** An allowing answer that reports the client's rate-limit state, so the response can carry it. */
    static Decision allow(List<RateLimitStatus> rateLimits) {
        return rateLimits.isEmpty() ? Allow.PLAIN : new Allow(ResponseHints.of(rateLimits));
    }

    /** An allowing answer with what the response must carry; the shared constant when there is nothing. */
    static Decision allow(ResponseHints hints) {
        return hints.isEmpty() ? Allow.PLAIN : new Allow(hints);
    }

    /**
     * An allowing answer that adds headers to the response, such as {@code Vary}. Build it once and reuse
     * it: it is immutable.
     */
    static Decision allowWithHeaders(Map<String, String> responseHeaders) {
        return new Allow(ResponseHints.headers(responseHeaders));
    }

    /**
     * Allows the request and asks no further guard: for clients on an allow list. The engine stops the
     * evaluation here, so no later limit or check applies to the request.
     */
    static Decision exempt() {
        return Exempt.INSTANCE;
    }

    /**
     * A weak signal: the request goes on, and {@code score} adds to its risk score.
     *
     * @param guard the name of the guard that raised the flag
     * @param reason a stable kebab-case reason code, such as {@code cdn-forwarded}
     * @param score a positive risk score
     * @throws IllegalArgumentException if {@code score} is not positive
     */
    static Decision flag(String guard, String reason, int score) {
        return new Flag(guard, reason, score);
    }

    /** Starts a denial answered with {@code action}. */
    static Builder deny(Action action) {
        return new Builder(action);
    }

    /** The kind of answer. */
    Outcome outcome();

    default boolean isAllow() {
        return outcome() == Outcome.ALLOW;
    }

    default boolean isFlag() {
        return outcome() == Outcome.FLAG;
    }

    default boolean isDeny() {
        return outcome() == Outcome.DENY;
    }

    /** Whether this allowing answer exempts the request from every later guard. */
    default boolean isExempt() {
        return false;
    }

    /** The action of a denial; {@code null} for allow and flag. */
    default @Nullable Action action() {
        return null;
    }

    /** The guard that decided; {@code null} for allow. */
    default @Nullable String guard() {
        return null;
    }

    /** The rule within the guard that decided, or {@code null}. */
    default @Nullable String rule() {
        return null;
    }

    /** A stable kebab-case reason code; {@code null} for allow. */
    default @Nullable String reason() {
        return null;
    }

    /** A sentence for the client explaining the denial, or {@code null}. */
    default @Nullable String detail() {
        return null;
    }

    /** The risk score a flag adds; 0 otherwise. */
    default int score() {
        return 0;
    }

    /** The HTTP status of a denial; 0 when the action's default applies. */
    default int status() {
        return 0;
    }

    /** How long the client should wait before retrying, or {@code null}. */
    default @Nullable Duration retryAfter() {
        return null;
    }

    /** The name of the decoy response a {@link Action#DECOY} denial answers with, or {@code null} for the default. */
    default @Nullable String decoy() {
        return null;
    }

    /** What the response must carry beside the verdict; {@link ResponseHints#none()} when nothing. */
    default ResponseHints hints() {
        return ResponseHints.none();
    }

    /** The rate limits the request was counted against; empty when none. */
    default List<RateLimitStatus> rateLimits() {
        return hints().rateLimits();
    }

    /** Headers the response must carry, such as {@code Vary}; empty when none. */
    default Map<String, String> responseHeaders() {
        return hints().headers();
    }

    /**
     * A copy of this denial answered with another action, as a per-route override needs.
     *
     * @throws IllegalStateException if this is not a denial
     */
    default Decision withAction(Action newAction) {
        Objects.requireNonNull(newAction, "action");
        throw new IllegalStateException("only a denial has an action");
    }

    /**
     * A copy of this denial whose response carries {@code newHints} instead of its own, as a guard reporting the rate
     * limits a passed-on request was charged needs.
     *
     * @throws IllegalStateException if this is not a denial
     */
    default Decision withHints(ResponseHints newHints) {
        Objects.requireNonNull(newHints, "hints");
        throw new IllegalStateException("only a denial is copied with other hints");
    }

    /** The request may go on; {@link #hints()} tell what its response carries. */
    record Allow(ResponseHints hints) implements Decision {
        static final Allow PLAIN = new Allow(ResponseHints.none());

        public Allow {
            Objects.requireNonNull(hints, "hints");
        }

        @Override
        public Outcome outcome() {
            return Outcome.ALLOW;
        }

        @Override
        public String toString() {
            return "Decision[ALLOW]";
        }
    }

    /** The request may go on, and no later guard is asked: the client is on an allow list. */
    record Exempt() implements Decision {
        static final Exempt INSTANCE = new Exempt();

        @Override
        public Outcome outcome() {
            return Outcome.ALLOW;
        }

        @Override
        public boolean isExempt() {
            return true;
        }

        @Override
        public String toString() {
            return "Decision[ALLOW exempt]";
        }
    }

    /** A weak signal: the request goes on, and {@link #score()} adds to its risk score. */
    record Flag(String guard, String reason, int score) implements Decision {
        /**
         * @throws IllegalArgumentException if {@code score} is not positive
         * @throws NullPointerException if the guard or the reason is missing
         */
        public Flag {
            if (score <= 0) {
                throw new IllegalArgumentException("score must be positive, was " + score);
            }
            Objects.requireNonNull(guard, "guard");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Outcome outcome() {
            return Outcome.FLAG;
        }

        @Override
        public String toString() {
            return "Decision[FLAG guard=" + guard + " reason=" + reason + " score=" + score + "]";
        }
    }

    /**
     * The request is denied with {@link #action()}; whether it still reaches the application depends on
     * the action ({@code TAG} and {@code LOG} pass it on). Build one with {@link Decision#deny(Action)}.
     */
    record Deny(
            Action action,
            String guard,
            @Nullable String rule,
            String reason,
            @Nullable String detail,
            int status,
            @Nullable Duration retryAfter,
            @Nullable String decoy,
            ResponseHints hints)
            implements Decision {

        /** @throws NullPointerException if the action, guard, reason or hints are missing */
        public Deny {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(guard, "guard");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(hints, "hints");
        }

        @Override
        public Outcome outcome() {
            return Outcome.DENY;
        }

        @Override
        public Decision withAction(Action newAction) {
            Objects.requireNonNull(newAction, "action");
            return new Deny(newAction, guard, rule, reason, detail, status, retryAfter, decoy, hints);
        }

        @Override
        public Decision withHints(ResponseHints newHints) {
            Objects.requireNonNull(newHints, "hints");
            return new Deny(action, guard, rule, reason, detail, status, retryAfter, decoy, newHints);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("Decision[DENY ")
                    .append(action)
                    .append(" guard=")
                    .append(guard);
            if (rule != null) {
                text.append(" rule=").append(rule);
            }
            return text.append(" reason=").append(reason).append(']').toString();
        }
    }

    /** Builds a denial. Obtain one with {@link Decision#deny(Action)}. */
    final class Builder {
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
            ResponseHints hints = ResponseHints.of(rateLimits).merge(ResponseHints.headers(responseHeaders));
            return new Deny(action, guard, rule, reason, detail, status, retryAfter, decoy, hints);
        }
    }
}
