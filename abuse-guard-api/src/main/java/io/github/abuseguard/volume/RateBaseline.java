package io.github.abuseguard.volume;

import io.github.abuseguard.Action;
import io.github.abuseguard.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * The adaptive per-endpoint rate bound of a {@link DistinctRule}: per route template of the rule, the
 * distribution of per-client request counts per window is learned (p50, p90, p99), and a client whose
 * count in a window goes far above it is answered with {@link #action()}, or flagged with {@link #score()}.
 *
 * <p>A client is over when its count in the current window passes
 * {@code max(minRequests, multiplier × p99 × scale)}, where {@code scale} is the population's current
 * median count (of the running and of the last finished window) over the learned median, never below 1:
 * when everyone polls harder together (a finals night), the bound rises with them, and only a client far
 * above its peers stands out. No verdict is given before {@link #learningWindows()} windows were learned.
 * A client over the bound stays over until the end of the next window's length, and is not counted
 * further into the population, so a flooder does not raise the bound it is measured against.
 *
 * <p>The default action is {@link Action#LOG}: monitor-first, the decisions are reported (logs, metrics,
 * the roll-out report) and nothing is refused until the action is set to {@code throttle} or another
 * refusing action.
 *
 * @param window the window per-client requests are counted in
 * @param multiplier how far above the learned p99 a client must go
 * @param minRequests the floor: no client is over with this many requests per window or fewer
 * @param learningWindows how many finished windows are learned before the first verdict
 * @param action how a request of a client over the bound is answered, when {@code score} is 0
 * @param score flags with this risk score instead of answering with the action; 0 answers
 */
public record RateBaseline(
        Duration window, double multiplier, int minRequests, int learningWindows, Action action, int score) {

    /** The default window: {@value #DEFAULT_WINDOW_SECONDS} seconds. */
    public static final int DEFAULT_WINDOW_SECONDS = 60;
    /** The default multiplier of the learned p99. */
    public static final double DEFAULT_MULTIPLIER = 10.0;
    /** The default floor of requests per window. */
    public static final int DEFAULT_MIN_REQUESTS = 60;
    /** The default learning period in windows. */
    public static final int DEFAULT_LEARNING_WINDOWS = 30;
    /** The default action: {@link Action#LOG}, monitor-first. */
    public static final Action DEFAULT_ACTION = Action.LOG;

    /**
     * @throws IllegalArgumentException if the window is under a second or over a day, the multiplier under 1
     *     or over 1000, min-requests outside 1 to 1,000,000, learning-windows outside 1 to 10,000, or the
     *     score outside 0 to 1000
     */
    public RateBaseline {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(action, "action");
        if (window.toMillis() < 1000 || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("window must be between 1s and 1d, was " + Durations.written(window));
        }
        if (!(multiplier >= 1.0 && multiplier <= 1000.0)) {
            throw new IllegalArgumentException("multiplier must be between 1 and 1000, was " + multiplier);
        }
        if (minRequests < 1 || minRequests > 1_000_000) {
            throw new IllegalArgumentException("min-requests must be between 1 and 1000000, was " + minRequests);
        }
        if (learningWindows < 1 || learningWindows > 10_000) {
            throw new IllegalArgumentException("learning-windows must be between 1 and 10000, was " + learningWindows);
        }
        if (score < 0 || score > 1000) {
            throw new IllegalArgumentException("score must be between 0 and 1000, was " + score);
        }
    }

    /** The defaults: 60 s windows, 10 × p99, at least 60 requests, 30 windows learned, logged only. */
    public static RateBaseline defaults() {
        return new RateBaseline(
                Duration.ofSeconds(DEFAULT_WINDOW_SECONDS),
                DEFAULT_MULTIPLIER,
                DEFAULT_MIN_REQUESTS,
                DEFAULT_LEARNING_WINDOWS,
                DEFAULT_ACTION,
                0);
    }
}
