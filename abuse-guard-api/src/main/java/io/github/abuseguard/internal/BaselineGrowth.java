package io.github.abuseguard.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * How fast a learned baseline may grow: clipped learning, shared by the detectors that learn what is
 * normal per window (the under-attack, under-scrape and rate baselines), so that a client that rises
 * slowly cannot teach them that its attack is normal.
 *
 * <p>A baseline {@code b} is an exponentially weighted mean with learning rate {@code α} of what the
 * windows it learns observe. Let {@code f} be the baseline's <em>floor</em>: the value below which its
 * detector's threshold stays at the configured minimum (such as {@code min-failures / multiplier}), so
 * that what is learned below it changes nothing, and {@code g = 2^(w / D)} for the window length
 * {@code w} and the doubling time {@code D} ({@value #DOUBLING_HOURS} hour). Then
 * <ul>
 *   <li>the first window teaches at most the floor: {@code b₁ = min(x₁, f)} (a cold start is not taken
 *       outright, so a quiet first window of failures only cannot set a high ratio);
 *   <li>every later window teaches at most {@code max(b, f) × (1 + (g − 1) / α)}:
 *       {@code bₙ₊₁ = bₙ + α (min(xₙ₊₁, max(bₙ, f)(1 + (g − 1)/α)) − bₙ)}, which gives
 *       {@code bₙ₊₁ ≤ max(bₙ, f) × g};
 *   <li>a window below the baseline moves it down unclipped, by {@code α} of the difference.
 * </ul>
 * Windows are learned at most once per window length, so after a time {@code t} of learning from
 * {@code b₀}, {@code b ≤ max(b₀, f) × 2^(t / D)}: to lift a threshold {@code k} times above its minimum
 * (or above an imported baseline) takes at least {@code D × log₂ k}, whatever the window length and
 * however the windows are shaped. A legitimate route that grows faster than that is learned late: its
 * threshold lags its traffic (which the detectors' ratio conditions cover), and exporting the baselines
 * at shutdown and importing them at start spares a restart the climb.
 */
public final class BaselineGrowth {

    /** The doubling time {@code D} in hours: the fastest a baseline may double. */
    public static final int DOUBLING_HOURS = 1;

    private static final double DOUBLING_MILLIS =
            Duration.ofHours(DOUBLING_HOURS).toMillis();

    private final double learningRate;
    private final double perWindow;
    private final double ceilingFactor;

    /**
     * @param window the length of a learned window
     * @param learningRate the weight {@code α} of a new window, within (0, 1]
     */
    public BaselineGrowth(Duration window, double learningRate) {
        Objects.requireNonNull(window, "window");
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("learning rate must be within (0, 1], was " + learningRate);
        }
        this.learningRate = learningRate;
        this.perWindow = Math.pow(2.0, Math.max(1, window.toMillis()) / DOUBLING_MILLIS);
        this.ceilingFactor = 1.0 + (perWindow - 1.0) / learningRate;
    }

    /** The most the baseline may grow per learned window, {@code g = 2^(w / D)}. */
    public double perWindow() {
        return perWindow;
    }

    /**
     * The baseline after learning one more window.
     *
     * @param baseline the baseline so far
     * @param first whether no window was learned yet
     * @param observed what the finished window observed
     * @param floor the value below which the baseline changes nothing; see the class description
     */
    public double learn(double baseline, boolean first, double observed, double floor) {
        if (first) {
            return Math.min(observed, floor);
        }
        double taught = Math.min(observed, Math.max(baseline, floor) * ceilingFactor);
        return baseline + learningRate * (taught - baseline);
    }
}
