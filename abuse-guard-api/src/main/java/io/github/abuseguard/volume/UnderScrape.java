package io.github.abuseguard.volume;

import io.github.abuseguard.Action;
import io.github.abuseguard.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * The route-level scraping detector of a {@link DistinctRule}: when the number of distinct resources the
 * whole population touches on the rule's routes in a window rises far above what the routes learned, the
 * routes are <em>under scrape</em> for a while, and requests from clients that never did anything else
 * (no successful request outside the watched routes) are answered with {@link #action()}, and so are clients that did, once their distinct
 * resources on the rule's routes pass {@link #maxDistinct()}.
 *
 * <p>This catches scraping spread over many addresses, each below any per-client bound. Scraping walks
 * resources nobody asked for recently, so most of its requests are new resources; readers, however
 * many, return to the same ones. So the mode needs both many resources and a high share of
 * <em>fresh</em> resources (new to the window and not asked for in the previous one) among the requests.
 * The population's distinct resources are estimated from the paths whose hash falls into a power-of-two
 * share of the hash space, the smallest that leaves at least 64 sampled resources at {@code minDistinct},
 * so most requests pay nothing for the count. The baseline is an exponentially weighted mean (weight
 * 0.1) of distinct resources per window and of their share of the requests, learned only outside the
 * mode; for the first 30 windows learned only the floors {@code minDistinct} and {@code minRatio} apply.
 * Learning is clipped, so that scraping which stays just under the threshold cannot ramp it up: the
 * first window teaches at most {@code minDistinct / multiplier} and {@code minRatio / multiplier}, and
 * each later window lifts the baseline at most {@code g = 2^(window / 1 h)} times
 * {@code max(baseline, minDistinct / multiplier)} (the share likewise), so after learning for a time
 * {@code t} from a baseline {@code b₀} (none, or imported) the threshold is at most
 * {@code max(minDistinct, multiplier × max(b₀, minDistinct / multiplier) × 2^(t / 1 h))}: a
 * {@code k}-fold rise takes at least {@code log₂ k} hours. A route whose readers reach more resources
 * than that is learned as slowly; exporting and importing the baselines carries them over a restart.
 *
 * <p>The decision slides rather than waiting for a window to end: each window is cut into ten slices.
 * The mode starts when the window's distinct resources, or the fresh resources of the last window's
 * length (over the window boundary), reach {@code max(minDistinct, multiplier × baseline)}, and the fresh
 * resources of the last three slices are at least {@code max(minRatio, multiplier × baseline share)} of
 * those slices' requests (capped halfway between the baseline share and 1) and at least two slices' worth
 * of the threshold. Taking the share over the last slices, not the window since its start, keeps a burst
 * of returning readers long past from hiding a scrape that goes on now; right after a start, when there is
 * no previous window and every resource is fresh at its first request, this is what tells a crowd that
 * comes back to its resources from scrapers that move on. A crowd that reads a long tail of resources
 * once each right after a start, or arrives all at once, each asking for a resource of its own, is counted
 * like scraping until it comes back; the mode refuses only clients with no successful request outside the
 * watched routes and clients past {@link #maxDistinct()} resources. The mode lasts {@link #duration()}, is extended (at most once per window) while clients
 * the mode lets through keep walking fresh resources, never beyond six times {@link #duration()} after it
 * was entered, and ends by itself. Requests the mode refuses are no evidence and never extend it. One
 * client's distinct resources count for the population only up to {@code min(max-distinct, minDistinct / 4)} (the rule's bound)
 * per window, and the mode starts or is extended only once about ten different clients found fresh resources in the
 * window and the last together, or ten that each found {@code minDistinct / 8} within one window in six windows and
 * the six before (probe70c F1: four fresh addresses a window, each reading its bound), so a handful of addresses cannot
 * start it on purpose, nor a crowd rotating nine addresses a window; requests it refuses are not counted at all. Activity
 * outside the watched routes counts only on a route that is not exempt and that some guard's rule names.
 *
 * <p>The client sites (an IPv4 address, an IPv6 /48) whose fresh resources started or extended the mode (those
 * that found one in the last two windows, or {@code minDistinct / 8} in one of the last twelve) are remembered after
 * it: for three durations the first time, twice
 * as long each time they are remembered again, at most 32 times as long. Their resources count for no mode, and
 * the mode's refusals hold for them on their own on the rule's routes (no request without other activity, no
 * more than {@link #maxDistinct()} resources), so that the same small crowd cannot start the mode again as soon
 * as it ends, nor keep it on by coming back; starting it again takes ten sites that did not, each time. A reader
 * who found fresh resources in the twenty seconds before the mode started or was extended is among them.
 * Bounded: at most 1,000 sites per start or extension, remembered in a bounded number of store steps.
 *
 * <p>One request on a watched route is a cheap history: a scraper spread over many addresses can open
 * the app's page from each before it walks the resources. So while the routes are under scrape, each
 * client's bound on distinct resources tightens from the rule's {@code max-distinct} to
 * {@code min(maxDistinct, max-distinct)}, counted in the rule's window like the rule's own bound: a reader
 * who looks at a few resources passes, a client walking many is refused (with {@link #action()}, reason
 * {@code under-scrape}) after its first {@code maxDistinct}. Those first resources of every client still
 * pass; no bound set above what a reader reads can stop them.
 *
 * @param window the window distinct resources are counted in
 * @param multiplier how far above its baseline the population must go
 * @param minDistinct the fewest distinct resources per window that can mean scraping
 * @param duration how long the mode lasts once entered or extended
 * @param action how a request of a client without other history is answered meanwhile
 * @param minRatio the lowest share of fresh resources among the window's requests that can mean scraping
 * @param maxDistinct the most distinct resources in the rule's window that a client, history or not, may
 *     touch while the routes are under scrape; above what a reader reads in that window
 */
public record UnderScrape(
        Duration window,
        double multiplier,
        int minDistinct,
        Duration duration,
        Action action,
        double minRatio,
        int maxDistinct) {

    /** The default window: {@value #DEFAULT_WINDOW_SECONDS} seconds. */
    public static final int DEFAULT_WINDOW_SECONDS = 10;
    /** The default multiplier. */
    public static final double DEFAULT_MULTIPLIER = 5.0;
    /** The default least distinct resources per window. */
    public static final int DEFAULT_MIN_DISTINCT = 100;
    /** The default least share of distinct resources among the requests. */
    public static final double DEFAULT_MIN_RATIO = 0.5;
    /** The default duration: {@value #DEFAULT_DURATION_MINUTES} minutes. */
    public static final int DEFAULT_DURATION_MINUTES = 5;
    /** The default bound on one client's distinct resources while under scrape. */
    public static final int DEFAULT_MAX_DISTINCT = 10;

    /**
     * @throws IllegalArgumentException if the window or duration is under a second, the multiplier under 1,
     *     min-distinct under 16, min-ratio outside (0, 1] or max-distinct under 1
     */
    public UnderScrape {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(action, "action");
        if (window.toMillis() < 1000) {
            throw new IllegalArgumentException("window must be at least 1s, was " + Durations.written(window));
        }
        if (duration.toMillis() < 1000) {
            throw new IllegalArgumentException("duration must be at least 1s, was " + Durations.written(duration));
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
        if (minDistinct < 16 || minDistinct > 1_000_000) {
            throw new IllegalArgumentException("min-distinct must be between 16 and 1000000, was " + minDistinct);
        }
        if (!(minRatio > 0.0 && minRatio <= 1.0)) {
            throw new IllegalArgumentException("min-ratio must be within (0, 1], was " + minRatio);
        }
        if (maxDistinct < 1) {
            throw new IllegalArgumentException("max-distinct must be at least 1, was " + maxDistinct);
        }
    }

    /** The detector with the default bound per client while under scrape, {@value #DEFAULT_MAX_DISTINCT}. */
    public UnderScrape(
            Duration window, double multiplier, int minDistinct, Duration duration, Action action, double minRatio) {
        this(window, multiplier, minDistinct, duration, action, minRatio, DEFAULT_MAX_DISTINCT);
    }

    /** The detector with the default least share of distinct resources, {@value #DEFAULT_MIN_RATIO}. */
    public UnderScrape(Duration window, double multiplier, int minDistinct, Duration duration, Action action) {
        this(window, multiplier, minDistinct, duration, action, DEFAULT_MIN_RATIO);
    }

    /**
     * The defaults: 10 s windows, 5×, 100 distinct resources at a share of 0.5, 5 minutes, throttled, 10
     * resources per client meanwhile.
     */
    public static UnderScrape defaults() {
        return new UnderScrape(
                Duration.ofSeconds(DEFAULT_WINDOW_SECONDS),
                DEFAULT_MULTIPLIER,
                DEFAULT_MIN_DISTINCT,
                Duration.ofMinutes(DEFAULT_DURATION_MINUTES),
                Action.THROTTLE);
    }
}
