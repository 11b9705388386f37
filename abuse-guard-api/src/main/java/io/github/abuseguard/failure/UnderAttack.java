package io.github.abuseguard.failure;

import io.github.abuseguard.Action;
import io.github.abuseguard.internal.Durations;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The route-level surge detector of a {@link FailureRule}: when the rule's routes fail far more often
 * than they learned to, they are <em>under attack</em> for a while, and requests with risk signals are
 * answered with {@link #action()} before the application sees them.
 *
 * <p>The route's failures and requests are counted in a sliding window of {@link #window()}; at each
 * window boundary the finished window is folded into a baseline (an exponentially weighted mean of
 * failures per window and of the failure ratio, weight 0.1), except while under attack, so an attack
 * never becomes normal. Learning is clipped, so that stuffing which stays just under the threshold
 * cannot ramp it up: the first window teaches at most the floors {@code minFailures / multiplier} and
 * {@code minRatio / multiplier} (below which the thresholds are the minimums), and each later window
 * lifts the baseline at most {@code g = 2^(window / 1 h)} times {@code max(baseline, floor)}. The
 * count threshold after learning for a time {@code t} is therefore at most
 * {@code max(minFailures, multiplier × max(b₀, minFailures / multiplier) × 2^(t / 1 h))} for the
 * baseline {@code b₀} it started from (none, or imported), and the ratio threshold likewise: raising
 * either {@code k}-fold takes at least {@code log₂ k} hours, and an attacker's own successful requests,
 * which lower the ratio it shows, do not shorten that. A route whose failures grow faster than that,
 * a large one started without a baseline among them, is learned as slowly (from 20 to 2,000 failures
 * per window, about 6.6 hours); meanwhile its ratio tells a crowd from an attack, and
 * {@code exportBaselines}/{@code importBaselines} of the failure guard carry a learned baseline over a
 * restart. The route enters the mode when, in the sliding window, both
 * <ul>
 *   <li>failures reach {@code max(minFailures, multiplier × baseline failures)}, and
 *   <li>the failure ratio reaches {@code max(minRatio, multiplier × baseline ratio)}, capped halfway
 *       between the baseline ratio and 1,
 * </ul>
 * so a surge of everyone, whose ratio stays put, does not count; or when failures reach the multiplier
 * times that count and the ratio reaches {@code max(minRatio / 2, 2 × baseline ratio)} (never above the
 * first ratio threshold), so that an attacker's own successful requests cannot dilute a flood of
 * failures, while a crowd failing at the usual rate (an app release that logs everyone out) is no attack.
 * One client site (an IPv4 address, an IPv6 /48, whatever the rule's key) adds at most
 * {@code minFailures / 10} failures per window to the route's count (at most twice that to its sliding
 * count), so no single client starts or keeps the mode, while a crowd of addresses each failing within
 * its per-key counts is seen; failures past that share count neither as failures nor as requests. A
 * distinct rule's pair failing again within its forgiven retries (its second and third failure, a user
 * retrying a mistyped password) counts toward the failures, within the share, but never toward the ratio,
 * so a crowd signing in again at its usual typo rate stays below it while a crowd of addresses guessing a
 * few times each, however many accounts it spreads over, reaches the count. Several
 * addresses of one network are several clients: a network is not capped, because attacks run from
 * contiguous hosting ranges as often as from scattered pools. The mode lasts {@link #duration()}; while failures go on surging (from
 * clients the mode lets through) it is extended, at most once per window and never beyond six times
 * {@link #duration()} after it was entered; then it ends, and only fresh evidence enters it again.
 * Requests the mode refuses are no evidence and never extend it. The client sites whose failures started
 * or extended the mode are remembered after it: three times {@link #duration()}, twice as long each time
 * a site is remembered again (at most 32 times as long). Meanwhile their failures are no evidence, so
 * starting the mode again takes other sites, and the requests of their clients that the mode would refuse
 * are refused on the rule's routes (reason {@code site-under-attack}) whether or not the mode is on.
 *
 * <p>A crowd paced under {@code minFailures} per window (credential stuffing from hundreds of addresses at a
 * failure every few seconds) is judged over {@link #slowWindow()} (10 minutes) as well, against a baseline of
 * its own learned per slow window the same way (an hour of learning at most doubles it). Its count is of
 * failures within their site's share of the slow window ({@code 5 × minFailures / 50}, so two, per site per
 * slow window: at least 25 sites make a surge), retries counted as in the window; it starts or extends the
 * mode when, in the sliding slow window,
 * <ul>
 *   <li>failures reach {@code max(5 × minFailures, 2 × baseline failures)}, and
 *   <li>the ratio reaches {@code max(minRatio, 2 × baseline ratio)}, capped halfway to 1;
 * </ul>
 * or, once six slow windows were learned, when failures reach the multiplier times that count at a ratio
 * of {@code max(minRatio / 2, 1.5 × baseline ratio)}. (Where {@code multiplier} is below 2, it replaces the
 * 2.) A crowd paced at a failure every 2 s (300 every 10 minutes, 98% failing) starts the mode on a quiet
 * route after about 100 failures, and among 1,000 sign-ins every 10 minutes at a 13% typo rate within the
 * slow window; sign-ins at their usual typo rate, however many (a release that logs everyone out, a
 * finals night), do not. A slow window of zero switches the slow judgement off.
 *
 * <p>A client has a history once it answered successfully on a <em>watched</em> route: one that is not
 * exempt and that some guard's rule names. A health check, a static page or any route no rule names
 * vouches for nobody.
 *
 * @param window the sliding window failures are counted in
 * @param multiplier how far above its baseline a route must fail
 * @param minFailures the fewest failures in a window that can mean an attack
 * @param minRatio the lowest failure ratio that can mean an attack
 * @param duration how long the mode lasts once entered or extended
 * @param action how a risky request is answered while under attack
 * @param signals which signals make a request risky
 * @param appHeader a header only your own apps send, which counts as a browser or app signal; or {@code null}
 * @param history what gives a client the history that the {@code fresh-client} signal asks for
 * @param slowWindow the longer window of the slow judgement (see above), which sees a crowd paced under
 *     {@code minFailures} per {@code window}: at least twice {@code window} (a shorter one is raised to that,
 *     so that a long {@code window} with the default slow window starts as before), or zero to switch the
 *     slow judgement off
 * @param newcomerAttempts the requests to the rule's routes that a client which solved the browser proof while the
 *     mode is on may send per {@code duration} while it lasts (0: none, such a client waits until the mode ends)
 */
public record UnderAttack(
        Duration window,
        double multiplier,
        int minFailures,
        double minRatio,
        Duration duration,
        Action action,
        Set<Signal> signals,
        @Nullable String appHeader,
        History history,
        Duration slowWindow,
        int newcomerAttempts) {

    /** The default window: {@value #DEFAULT_WINDOW_SECONDS} seconds. */
    public static final int DEFAULT_WINDOW_SECONDS = 10;
    /** The default multiplier. */
    public static final double DEFAULT_MULTIPLIER = 5.0;
    /** The default least failures per window. */
    public static final int DEFAULT_MIN_FAILURES = 20;
    /** The default least failure ratio. */
    public static final double DEFAULT_MIN_RATIO = 0.2;
    /** The default duration: {@value #DEFAULT_DURATION_MINUTES} minutes. */
    public static final int DEFAULT_DURATION_MINUTES = 5;
    /** The default slow window: {@value #DEFAULT_SLOW_WINDOW_MINUTES} minutes. */
    public static final int DEFAULT_SLOW_WINDOW_MINUTES = 10;

    /**
     * The default of {@code newcomer-attempts}: a new user who solved the proof during the mode signs in, with a
     * typo or two; an attacker's fresh address buys that many guesses per {@code duration} with each proof.
     */
    public static final int DEFAULT_NEWCOMER_ATTEMPTS = 3;

    /** The default of {@code history}. */
    public static final History DEFAULT_HISTORY = History.APP;

    /** What gives a client a history, so that the {@code fresh-client} signal does not count against it. */
    public enum History {
        /**
         * A successful response on any watched route of the application (one some rule names): a visitor
         * who opened a page of the app signs in while the route is under attack, and so does an attacker
         * who opened it first.
         */
        APP,
        /**
         * A successful response on this rule's own routes, to a request carrying its credential where the
         * rule names one: for routes only a few known clients use, such as operator endpoints, where a
         * page load must not vouch for anyone. A client that succeeds once here is vouched for every
         * request to the rule's routes: where an attacker can succeed at will (a gift card it bought, an
         * account of its own), that success buys its guesses through the mode, so use {@link #RESOURCE}.
         */
        RULE,
        /**
         * As {@link #RULE}, but a success vouches for the resource it was on only: the request's path, and
         * the rule's key value where the key is not the client's address (a user name). A customer who looked
         * up a gift card before looks it up again while the route is under attack, and a user signs in again to
         * the account they signed in to from that address; any other card or account is refused as from a
         * fresh client. One card an enumerator bought, or an account of its own, vouches for nothing it
         * guesses (probe18: one card looked up from 150 addresses let 1,350 of 1,350 guesses through under
         * {@code rule}).
         */
        RESOURCE
    }

    /** What makes a request risky while its route is under attack. */
    public enum Signal {
        /** The client address has no successful request in its history. */
        FRESH_CLIENT,
        /** The user agent is missing or names a tool or a library rather than a browser or an app. */
        TOOL_USER_AGENT,
        /**
         * The request lacks the app header and what every browser sends: {@code Accept-Language}, or,
         * when it claims to be a browser (a {@code Mozilla/} user agent or Fetch Metadata), the
         * {@code Origin} every browser sends on a method other than GET and HEAD and on a CORS request to
         * another origin. A copied user agent over a client library that leaves {@code Origin} out is a
         * forged browser, whatever history its address earned.
         */
        MISSING_BROWSER_SIGNALS
    }

    /**
     * @throws IllegalArgumentException if a value is out of range: the window and duration must be
     *     positive, the multiplier at least 1, min-failures at least 1, min-ratio within (0, 1], at
     *     least one signal given, the slow window zero or at least twice the window, and newcomer-attempts
     *     zero or more
     */
    public UnderAttack {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(action, "action");
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("window must be positive, was " + Durations.written(window));
        }
        if (duration.toMillis() < 1) {
            throw new IllegalArgumentException("duration must be positive, was " + Durations.written(duration));
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
        if (minFailures < 1) {
            throw new IllegalArgumentException("min-failures must be at least 1, was " + minFailures);
        }
        if (!(minRatio > 0.0 && minRatio <= 1.0)) {
            throw new IllegalArgumentException("min-ratio must be within (0, 1], was " + minRatio);
        }
        if (signals == null || signals.isEmpty()) {
            throw new IllegalArgumentException("at least one signal is needed, such as fresh-client");
        }
        signals = Set.copyOf(EnumSet.copyOf(signals));
        appHeader = appHeader == null || appHeader.isBlank() ? null : appHeader.trim();
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(slowWindow, "slowWindow");
        if (slowWindow.isNegative()) {
            throw new IllegalArgumentException(
                    "slow-window must be 0 (off) or positive, was " + Durations.written(slowWindow));
        }
        if (!slowWindow.isZero() && slowWindow.compareTo(window.multipliedBy(2)) < 0) {
            // A window of more than 5 minutes was valid before the slow judgement came, with no slow-window
            // set (review12 M4): the slow window is at least twice the window, raised to it.
            slowWindow = window.multipliedBy(2);
        }
        if (newcomerAttempts < 0) {
            throw new IllegalArgumentException("newcomer-attempts must be 0 (none) or more, was " + newcomerAttempts);
        }
    }

    /** The mode with the default newcomer attempts ({@value #DEFAULT_NEWCOMER_ATTEMPTS}). */
    public UnderAttack(
            Duration window,
            double multiplier,
            int minFailures,
            double minRatio,
            Duration duration,
            Action action,
            Set<Signal> signals,
            @Nullable String appHeader,
            History history,
            Duration slowWindow) {
        this(
                window,
                multiplier,
                minFailures,
                minRatio,
                duration,
                action,
                signals,
                appHeader,
                history,
                slowWindow,
                DEFAULT_NEWCOMER_ATTEMPTS);
    }

    /** The mode with the default slow window ({@value #DEFAULT_SLOW_WINDOW_MINUTES} minutes). */
    public UnderAttack(
            Duration window,
            double multiplier,
            int minFailures,
            double minRatio,
            Duration duration,
            Action action,
            Set<Signal> signals,
            @Nullable String appHeader,
            History history) {
        this(
                window,
                multiplier,
                minFailures,
                minRatio,
                duration,
                action,
                signals,
                appHeader,
                history,
                Duration.ofMinutes(DEFAULT_SLOW_WINDOW_MINUTES));
    }

    /** The mode with the app's history ({@link History#APP}). */
    public UnderAttack(
            Duration window,
            double multiplier,
            int minFailures,
            double minRatio,
            Duration duration,
            Action action,
            Set<Signal> signals,
            @Nullable String appHeader) {
        this(window, multiplier, minFailures, minRatio, duration, action, signals, appHeader, DEFAULT_HISTORY);
    }

    /** The defaults: 10 s windows, 5×, 20 failures, ratio 0.2, 5 minutes, refused, every signal, a 10-minute slow window. */
    public static UnderAttack defaults() {
        return new UnderAttack(
                Duration.ofSeconds(DEFAULT_WINDOW_SECONDS),
                DEFAULT_MULTIPLIER,
                DEFAULT_MIN_FAILURES,
                DEFAULT_MIN_RATIO,
                Duration.ofMinutes(DEFAULT_DURATION_MINUTES),
                Action.REJECT,
                EnumSet.allOf(Signal.class),
                null,
                DEFAULT_HISTORY,
                Duration.ofMinutes(DEFAULT_SLOW_WINDOW_MINUTES),
                DEFAULT_NEWCOMER_ATTEMPTS);
    }
}
