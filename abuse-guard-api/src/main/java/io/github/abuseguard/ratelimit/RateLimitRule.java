package io.github.abuseguard.ratelimit;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRule;
import io.github.abuseguard.internal.Statuses;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A rate-limit rule: which requests it counts (path patterns and methods), whose bucket they count
 * against (the key), how many tokens each takes (the cost), the limits of the bucket, and how a
 * request over the limit is answered.
 */
public final class RateLimitRule extends GuardRule {

    /** The default of {@link Builder#cost}. */
    public static final long DEFAULT_COST = 1;

    private final List<Limit> limits;
    private final long cost;
    private final Action action;
    private final @Nullable String decoy;
    private final @Nullable Statuses refundStatuses;

    private RateLimitRule(Builder builder) {
        super(builder);
        this.limits = List.copyOf(builder.limits);
        this.cost = builder.cost;
        this.action = builder.action;
        this.decoy = builder.decoy;
        this.refundStatuses = builder.refundStatuses;
    }

    /**
     * The statuses of the application's answer that give a request's tokens back, as written ({@code 4xx}),
     * or {@code null}: every request the rule let through counts.
     */
    public @Nullable String refundStatuses() {
        return refundStatuses == null ? null : refundStatuses.toString();
    }

    /** Whether the application's answer {@code status} gives the request's tokens back. */
    boolean refundsOn(int status) {
        return refundStatuses != null && refundStatuses.contains(status);
    }

    /** The decoy a {@link Action#DECOY} denial answers with, or {@code null} for the default. */
    public @Nullable String decoy() {
        return decoy;
    }

    /**
     * Starts a rule.
     *
     * @param name the rule's name, also the policy name in the {@code RateLimit} fields: letters, digits,
     *     {@code . _ -}, at most 64 characters
     * @throws IllegalArgumentException if the name is not of that form
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public List<Limit> limits() {
        return limits;
    }

    /** Tokens one request takes. */
    public long cost() {
        return cost;
    }

    public Action action() {
        return action;
    }

    @Override
    public String toString() {
        return "RateLimitRule[" + name() + " " + methods() + " " + paths() + " key=" + keySpec() + " " + limits
                + (refundStatuses == null ? "" : " refund=" + refundStatuses) + "]";
    }

    /** Builds a {@link RateLimitRule}. */
    public static final class Builder extends KeyedBuilder<Builder> {
        private final List<Limit> limits = new ArrayList<>();
        private long cost = DEFAULT_COST;
        private Action action = DEFAULT_ACTION;
        private @Nullable String decoy;
        private @Nullable Statuses refundStatuses;

        private Builder(String name) {
            super(name, "rate-limit");
        }

        /** A rate-limit rule keyed {@code global} is a cap on its routes for every client together. */
        @Override
        protected boolean takesGlobalKey() {
            return true;
        }

        /** Adds a limit; at least one is required. */
        public Builder limit(Limit limit) {
            limits.add(Objects.requireNonNull(limit, "limit"));
            return this;
        }

        /**
         * Tokens one request takes. Default 1.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder cost(long cost) {
            if (cost < 1) {
                throw new IllegalArgumentException("cost must be positive, was " + cost);
            }
            this.cost = cost;
            return this;
        }

        /** How a request over the limit is answered. Default {@link Action#THROTTLE} (429). */
        public Builder action(Action action) {
            this.action = Objects.requireNonNull(action, "action");
            return this;
        }

        /** The decoy a {@link Action#DECOY} denial answers with; the default decoy when not set. */
        public Builder decoy(String decoy) {
            this.decoy = decoy;
            return this;
        }

        /**
         * The statuses of the application's answer that give the request's tokens back, codes and classes such as
         * {@code 4xx} or {@code 400, 409, 422}: what the application refused did not happen, so it does not count
         * (a sign-up refused for a malformed address opened no account, and three such requests must not spend
         * the inbox's day: probe44a F7). Unset, or {@code null} or blank, every request the rule let through
         * counts, which is what a limit on guesses needs: never set it on a login or a redemption, whose refusals
         * are the guesses. Only requests that reached the application are refunded.
         *
         * @throws IllegalArgumentException if a part is neither a status code (100-599) nor a class (1xx-5xx)
         */
        public Builder refundStatuses(@Nullable String statuses) {
            this.refundStatuses = statuses == null || statuses.isBlank() ? null : Statuses.parse(statuses);
            return this;
        }

        /**
         * @throws IllegalStateException if there is no path or no limit, the cost exceeds a limit's
         *     capacity (no request could ever pass), or a {@code global} rule answers with a decoy or a tarpit
         */
        public RateLimitRule build() {
            requirePath();
            if (limits.isEmpty()) {
                throw new IllegalStateException("rate-limit rule '" + name() + "' needs at least one limit");
            }
            for (Limit limit : limits) {
                if (cost > limit.capacity()) {
                    throw new IllegalStateException("rate-limit rule '" + name() + "' costs " + cost
                            + " tokens per request but a limit holds only " + limit.capacity());
                }
            }
            RateLimitRule rule = new RateLimitRule(this);
            if (rule.keyResolver().isGlobal() && (action == Action.DECOY || action == Action.TARPIT)) {
                // review14: a cap that decoys answers every customer with a fake success once it is spent,
                // and a tarpit that passes requests on (then: pass, or a full tarpit) caps nothing
                throw new IllegalStateException("rate-limit rule '" + name() + "' is keyed global, a cap for every"
                        + " client together: its action must refuse (throttle, reject) or only report (tag,"
                        + " log), not " + action.name().toLowerCase(java.util.Locale.ROOT));
            }
            return rule;
        }
    }
}
