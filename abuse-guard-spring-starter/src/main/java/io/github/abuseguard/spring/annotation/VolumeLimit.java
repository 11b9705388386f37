package io.github.abuseguard.spring.annotation;

import io.github.abuseguard.Action;
import io.github.abuseguard.volume.DistinctRule;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A volume rule of the {@code volume} guard declared on a handler method: how many distinct resources
 * (concrete paths of the handler's route templates, such as {@code /api/giftcards/{code}}) one key may
 * touch per window, and optionally the scraping signals of the same rule with their default settings.
 * The rule covers the handler's routes and HTTP methods.
 *
 * <pre>{@code
 * @VolumeLimit(maxDistinct = 10, window = "1h")
 * @GetMapping("/api/giftcards/{code}")
 *
 * @VolumeLimit(maxDistinct = 30, underScrape = true, rateBaseline = true, onlyReads = true)
 * @GetMapping("/api/scores/{game}")
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface VolumeLimit {

    /** The rule's name. Default: derived from the controller and method, such as {@code score-controller.score}. */
    String name() default "";

    /** Whose resources are counted, as in {@code abuse-guard.volume.rules.NAME.key}; default {@code ip}. */
    String key() default "ip";

    /** The most distinct resources a key may touch per window, 1 to 1024; default 50. */
    int maxDistinct() default DistinctRule.DEFAULT_MAX_DISTINCT;

    /**
     * What names a resource besides its path, as in {@code abuse-guard.volume.rules.NAME.resource}: {@code query:page}
     * for {@code GET /api/catalogue?page=N}, whose pages are otherwise one resource; default none, the path alone.
     */
    String resource() default "";

    /** The sliding window distinct resources are counted in; default {@code 10m}. */
    String window() default "10m";

    /** How a request above the bound is answered when {@link #score()} is 0; default {@link Action#THROTTLE}. */
    Action action() default Action.THROTTLE;

    /** Flags a request above the bound with this risk score instead of answering with the action; 0 answers. */
    int score() default 0;

    /**
     * Watches the routes for scraping spread over many clients, with the default {@code under-scrape}
     * settings (10 s windows, 5× the baseline, at least 100 distinct resources at a share of 0.5, 5 minutes,
     * clients without other activity throttled); configure them in properties for anything else.
     */
    boolean underScrape() default false;

    /**
     * Learns the routes' per-client request rates and bounds clients far above them, with the default
     * {@code rate-baseline} settings (60 s windows, 10× the learned p99, at least 60 requests, 30 windows
     * learned first, logged only: monitor-first); configure them in properties to refuse.
     */
    boolean rateBaseline() default false;

    /**
     * Flags clients that only read many of the routes' resources and never do anything else, with the
     * default {@code only-reads} settings (20 distinct resources, score 50).
     */
    boolean onlyReads() default false;
}
