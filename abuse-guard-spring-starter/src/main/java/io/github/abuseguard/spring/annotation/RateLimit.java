package io.github.abuseguard.spring.annotation;

import io.github.abuseguard.Action;
import io.github.abuseguard.ratelimit.Limit;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A rate limit declared next to the code it protects.
 *
 * <p>On a handler method it limits that method's routes (its mapping templates, such as
 * {@code /api/scores/{game}}, and its HTTP methods). On a controller class it is one limit shared by
 * every handler route of the class. Class and method annotations combine: a request counts against
 * both. Repeat the annotation for several independent limits.
 *
 * <pre>{@code
 * @RateLimit(capacity = 5, period = "1m", key = "ip+body:/username")
 * @PostMapping("/api/login")
 * Token login(@RequestBody Credentials credentials) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(RateLimits.class)
public @interface RateLimit {

    /**
     * The rule's name and policy name in the {@code RateLimit} fields. Default: derived from the
     * controller and method, such as {@code login-controller.login}.
     */
    String name() default "";

    /** The most requests in a burst: the bucket's capacity. */
    long capacity();

    /** Tokens that come back per period; by default the capacity. */
    long refillTokens() default -1;

    /** The refill period, such as {@code 1m}, {@code 30s} or {@code PT1H}. */
    String period();

    /** How tokens come back. */
    Limit.Refill refill() default Limit.Refill.GREEDY;

    /**
     * Whose bucket a request counts against: {@code ip}, {@code header:NAME}, {@code body:/pointer}, ... joined by
     * {@code +}; or {@code global}, one bucket for every client together (a cap on the route, charged only by
     * requests that the per-client rules let through).
     */
    String key() default "ip";

    /** Tokens one request takes. */
    long cost() default 1;

    /** How a request over the limit is answered. */
    Action action() default Action.THROTTLE;

    /**
     * Statuses of the handler's answer that give the request's tokens back, such as {@code 4xx} or {@code
     * 400,409,422}: a sign-up the handler refused opened no account, so it spends nothing of the limit. Empty by
     * default: every request counts. Never on a limit of guesses (a login, a redemption), whose refusals are the
     * guesses.
     */
    String refundStatuses() default "";
}
