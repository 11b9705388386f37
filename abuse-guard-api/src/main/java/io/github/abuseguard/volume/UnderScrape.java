package io.github.abuseguard.volume;

import io.github.abuseguard.Action;
import java.time.Duration;
import java.util.Objects;

/**
 * The route-level scraping detector of a {@link DistinctRule}: when the number of distinct resources the
 * whole population touches on the rule's routes in a window rises far above what the routes learned, the
 * routes are <em>under scrape</em> for a while, and requests from clients that never did anything else
 * (no successful request outside the watched routes) are answered with {@link #action()}.
 *
 * <p>This catches scraping spread over many addresses, each below any per-client bound. The population's
 * distinct resources are estimated from the paths whose hash falls into a power-of-two share of the hash
 * space, the smallest that leaves at least 64 sampled resources at {@code minDistinct}, so most requests
 * pay nothing for the count. The baseline is an exponentially weighted mean of distinct resources per
 * window, learned only outside the mode and only from windows below the threshold; for the first 30
 * windows learned only the floor {@code minDistinct} applies. The mode starts when a window's estimate
 * reaches {@code max(minDistinct, multiplier × baseline)}, lasts {@link #duration()}, is extended while
 * refused requests keep coming, and ends by itself.
 *
 * @param window the window distinct resources are counted in
 * @param multiplier how far above its baseline the population must go
 * @param minDistinct the fewest distinct resources per window that can mean scraping
 * @param duration how long the mode lasts once entered or extended
 * @param action how a request of a client without other history is answered meanwhile
 */
public record UnderScrape(Duration window, double multiplier, int minDistinct, Duration duration, Action action) {

    /** The default window: {@value #DEFAULT_WINDOW_SECONDS} seconds. */
    public static final int DEFAULT_WINDOW_SECONDS = 10;
    /** The default multiplier. */
    public static final double DEFAULT_MULTIPLIER = 5.0;
    /** The default least distinct resources per window. */
    public static final int DEFAULT_MIN_DISTINCT = 300;
    /** The default duration: {@value #DEFAULT_DURATION_MINUTES} minutes. */
    public static final int DEFAULT_DURATION_MINUTES = 5;

    /** @throws IllegalArgumentException if the window or duration is under a second, the multiplier under 1 or min-distinct under 16 */
    public UnderScrape {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(action, "action");
        if (window.toMillis() < 1000) {
            throw new IllegalArgumentException("window must be at least 1s, was " + window);
        }
        if (duration.toMillis() < 1000) {
            throw new IllegalArgumentException("duration must be at least 1s, was " + duration);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
        if (minDistinct < 16 || minDistinct > 1_000_000) {
            throw new IllegalArgumentException("min-distinct must be between 16 and 1000000, was " + minDistinct);
        }
    }

    /** The defaults: 10 s windows, 5×, 300 distinct resources, 5 minutes, throttled. */
    public static UnderScrape defaults() {
        return new UnderScrape(
                Duration.ofSeconds(DEFAULT_WINDOW_SECONDS),
                DEFAULT_MULTIPLIER,
                DEFAULT_MIN_DISTINCT,
                Duration.ofMinutes(DEFAULT_DURATION_MINUTES),
                Action.THROTTLE);
    }
}
