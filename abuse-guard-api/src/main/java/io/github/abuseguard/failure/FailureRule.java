package io.github.abuseguard.failure;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.GuardRule;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.Statuses;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One rule of the {@link FailureGuard}: which requests it watches (paths and methods), which outcomes
 * count as failures, what a failure counts against (the key), and when the key is banned.
 *
 * <ul>
 *   <li><b>fail2ban</b> (the default): a key with {@code max-retry} failures within {@code find-time}
 *       is banned; its next request is refused before the application runs.
 *   <li><b>allow2ban</b> ({@link Counting#REQUESTS}): every matching request counts, whatever its
 *       outcome, and the request that goes over {@code max-retry} is refused and bans the key.
 *   <li><b>distinct</b>: with a {@code distinct} key, what counts is the number of distinct values of
 *       it that failed against the key within {@code find-time}: one user name from many addresses
 *       ({@code key=body:/username, distinct=ip}), or one address trying many user names ({@code
 *       key=ip, distinct=body:/username}).
 * </ul>
 *
 * <p>With a {@code credential} ({@code header:Authorization}, {@code body:/password}) only requests that
 * carried it count: a 401 for a request without credentials tested no password, and any web page can make an
 * operator's browser send such requests, which would otherwise lock the operator out.
 *
 * <p>Bans escalate: the n-th ban of a key within {@code max-ban-time} lasts {@code ban-time ×
 * ban-factor^(n-1)}, at most {@code max-ban-time}. Optionally the rule's routes have an {@link
 * UnderAttack} surge detector. Build with {@link #builder(String)}.
 */
public final class FailureRule extends GuardRule {

    /** What a rule counts. */
    public enum Counting {
        /** Outcomes whose status is one of the rule's statuses (fail2ban). */
        FAILURES,
        /** Every matching request, whatever its outcome (allow2ban). */
        REQUESTS
    }

    /** The default failure statuses. */
    public static final String DEFAULT_STATUSES = "401,403";
    /** The default find-time: {@value #DEFAULT_FIND_TIME_MINUTES} minutes. */
    public static final int DEFAULT_FIND_TIME_MINUTES = 10;
    /** The default max-retry. */
    public static final int DEFAULT_MAX_RETRY = 5;
    /** The default ban-time: {@value #DEFAULT_BAN_TIME_MINUTES} minutes. */
    public static final int DEFAULT_BAN_TIME_MINUTES = 15;
    /** The default ban-factor. */
    public static final double DEFAULT_BAN_FACTOR = 2.0;
    /** The default max-ban-time: {@value #DEFAULT_MAX_BAN_TIME_HOURS} hours. */
    public static final int DEFAULT_MAX_BAN_TIME_HOURS = 24;

    private final Statuses statuses;
    private final String distinctSpec;
    private final KeyResolver distinct;
    private final Credential credential;
    private final Counting counting;
    private final Duration findTime;
    private final int maxRetry;
    private final Duration banTime;
    private final double banFactor;
    private final Duration maxBanTime;
    private final Action action;
    private final UnderAttack underAttack;

    private FailureRule(Builder builder) {
        super(builder);
        this.statuses = builder.statuses;
        this.distinctSpec = builder.distinctSpec;
        this.distinct = builder.distinct;
        this.credential = builder.credential;
        this.counting = builder.counting;
        this.findTime = builder.findTime;
        this.maxRetry = builder.maxRetry;
        this.banTime = builder.banTime;
        this.banFactor = builder.banFactor;
        this.maxBanTime = builder.maxBanTime;
        this.action = builder.action;
        this.underAttack = builder.underAttack;
    }

    /**
     * Starts a rule.
     *
     * @param name a stable name, unique within the guard, used in namespaces, metrics and problems
     * @throws IllegalArgumentException if the name is blank or has characters other than letters,
     *     digits, {@code -}, {@code _} and {@code .}
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The failure statuses as written, such as {@code 401,403}. */
    public String statuses() {
        return statuses.toString();
    }

    /** The distinct key specification, or {@code null} for a plain failure count. */
    public @Nullable String distinct() {
        return distinctSpec;
    }

    /**
     * What a request must carry for its outcome to count, such as {@code header:Authorization}, or {@code null}
     * when every request counts.
     */
    public @Nullable String credential() {
        return credential == null ? null : credential.toString();
    }

    public Counting counting() {
        return counting;
    }

    public Duration findTime() {
        return findTime;
    }

    public int maxRetry() {
        return maxRetry;
    }

    public Duration banTime() {
        return banTime;
    }

    public double banFactor() {
        return banFactor;
    }

    public Duration maxBanTime() {
        return maxBanTime;
    }

    public Action action() {
        return action;
    }

    /** The surge detector of the rule's routes, or {@code null} when it has none. */
    public @Nullable UnderAttack underAttack() {
        return underAttack;
    }

    boolean isFailure(int status) {
        return statuses.contains(status);
    }

    /** Whether the request's outcome counts: it carried the rule's credential, or the rule names none. */
    boolean counts(GuardRequest request) {
        return credential == null || credential.carriedBy(request);
    }

    /** Whether its key, its distinct values or its credential may be read from the body. */
    boolean readsBody() {
        return keyResolver().readsBody()
                || (distinct != null && distinct.readsBody())
                || (credential != null && credential.inBody());
    }

    KeyResolver distinctResolver() {
        return distinct;
    }

    /** The credential the request carries, as a key; {@code null} without one or when it cannot be read. */
    @Nullable
    String credentialKey(GuardRequest request) {
        return credential == null ? null : credential.keyOf(request);
    }

    /**
     * The ban of the n-th time ({@code n ≥ 1}) a key is banned within max-ban-time, and never shorter than
     * find-time: a ban forgets the failures that earned it, so a shorter one would give the key max-retry more
     * guesses each time it ended (review104 F1: 285 an hour where about 30 were promised), where kept they refused
     * it on as "in flight", with a Retry-After of one second (user66 F2).
     */
    Duration banFor(long n) {
        double millis = banTime.toMillis() * Math.pow(banFactor, Math.max(0, n - 1));
        long capped = millis >= maxBanTime.toMillis() ? maxBanTime.toMillis() : (long) millis;
        return Duration.ofMillis(Math.max(Math.max(1, capped), findTime.toMillis()));
    }

    /** Builds a {@link FailureRule}; every method validates its argument at once. */
    public static final class Builder extends KeyedBuilder<Builder> {
        private Statuses statuses = Statuses.parse(DEFAULT_STATUSES);
        private String distinctSpec;
        private KeyResolver distinct;
        private Credential credential;
        private Counting counting = Counting.valueOf(FailureSettings.Rule.DEFAULT_COUNTING.toUpperCase(Locale.ROOT));
        private Duration findTime = Duration.ofMinutes(DEFAULT_FIND_TIME_MINUTES);
        private int maxRetry = DEFAULT_MAX_RETRY;
        private Duration banTime = Duration.ofMinutes(DEFAULT_BAN_TIME_MINUTES);
        private double banFactor = DEFAULT_BAN_FACTOR;
        private Duration maxBanTime = Duration.ofHours(DEFAULT_MAX_BAN_TIME_HOURS);
        private Action action = DEFAULT_ACTION;
        private UnderAttack underAttack;

        private Builder(String name) {
            super(name, "failure");
        }

        /** The failure statuses, codes and classes such as {@code 401,403} or {@code 4xx}; default 401,403. */
        public Builder statuses(String statuses) {
            this.statuses = Statuses.parse(statuses);
            return this;
        }

        /**
         * Counts distinct values of this key per key instead of failures; {@code null} to count failures.
         *
         * @throws IllegalArgumentException if the key is malformed or {@code global}, which has one value
         */
        public Builder distinct(@Nullable String spec) {
            KeyResolver parsed = spec == null ? null : KeyResolver.parse(spec);
            if (parsed != null && parsed.isGlobal()) {
                throw new IllegalArgumentException("failure rule '" + name()
                        + "': distinct 'global' has one value for every request, so there is nothing distinct"
                        + " to count; name what varies, such as body:/username");
            }
            this.distinct = parsed;
            this.distinctSpec = spec == null ? null : spec.trim();
            return this;
        }

        /**
         * Counts only requests that carried this credential, a header ({@code header:Authorization}) or a body
         * field ({@code body:/password}) with a non-blank value; {@code null} (the default) to count every
         * request. A request without it is still refused while its key is banned.
         *
         * @throws IllegalArgumentException if the specification is neither {@code header:NAME} nor {@code
         *     body:/pointer}
         */
        public Builder credential(@Nullable String spec) {
            this.credential = spec == null ? null : Credential.parse(spec);
            return this;
        }

        /** Failures (fail2ban, the default) or every request (allow2ban). */
        public Builder counting(Counting counting) {
            this.counting = Objects.requireNonNull(counting, "counting");
            return this;
        }

        /** The sliding window failures are counted in; default 10 minutes. */
        public Builder findTime(Duration findTime) {
            this.findTime = positive(findTime, "find-time");
            return this;
        }

        /** The count at which the key is banned; default 5, at least 1. */
        public Builder maxRetry(int maxRetry) {
            if (maxRetry < 1 || maxRetry > 1_000_000) {
                throw new IllegalArgumentException("max-retry must be between 1 and 1000000, was " + maxRetry);
            }
            this.maxRetry = maxRetry;
            return this;
        }

        /** How long a first ban lasts; default 15 minutes. */
        public Builder banTime(Duration banTime) {
            this.banTime = positive(banTime, "ban-time");
            return this;
        }

        /** How much longer each further ban lasts; default 2, at least 1 (no escalation). */
        public Builder banFactor(double banFactor) {
            if (!(banFactor >= 1.0 && banFactor <= 100.0)) {
                throw new IllegalArgumentException("ban-factor must be between 1 and 100, was " + banFactor);
            }
            this.banFactor = banFactor;
            return this;
        }

        /** The longest ban, and how long earlier bans are remembered for escalation; default 24 hours. */
        public Builder maxBanTime(Duration maxBanTime) {
            this.maxBanTime = positive(maxBanTime, "max-ban-time");
            return this;
        }

        /** How a banned key's request is answered; default {@link Action#THROTTLE}. */
        public Builder action(Action action) {
            this.action = Objects.requireNonNull(action, "action");
            return this;
        }

        /** Watches the rule's routes for failure surges; {@code null} (the default) for none. */
        public Builder underAttack(@Nullable UnderAttack underAttack) {
            this.underAttack = underAttack;
            return this;
        }

        /** @throws IllegalStateException if no path is given or max-ban-time is shorter than ban-time */
        public FailureRule build() {
            requirePath();
            if (maxBanTime.compareTo(banTime) < 0) {
                throw new IllegalStateException("max-ban-time " + Durations.written(maxBanTime)
                        + " is shorter than ban-time " + Durations.written(banTime));
            }
            if (counting == Counting.REQUESTS && distinct != null) {
                throw new IllegalStateException("an allow2ban rule (counting requests) cannot count distinct values");
            }
            return new FailureRule(this);
        }

        private static Duration positive(Duration value, String property) {
            Objects.requireNonNull(value, property);
            if (value.toMillis() < 1) {
                throw new IllegalArgumentException(property + " must be at least 1ms, was " + Durations.written(value));
            }
            return value;
        }
    }
}
