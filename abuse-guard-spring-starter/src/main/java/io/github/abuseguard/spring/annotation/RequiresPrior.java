package io.github.abuseguard.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * This handler may be called only after the same session performed another operation: e.g. a payment
 * method only after the e-mail was verified. Otherwise the request is refused with {@code 403}
 * problem+json naming the missing prerequisite. The session is {@code abuse-guard.sequence.session}.
 *
 * <pre>{@code
 * @RequiresPrior(value = "POST /api/accounts/{id}/verify", within = "30m")
 * @PostMapping("/api/accounts/{id}/payment-methods")
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RequiresPrior {

    /** The prior operation, {@code METHOD /template}. */
    String value();

    /** The status class it must have answered with: {@code 2xx} (default), {@code 3xx}, {@code 4xx}, {@code 5xx} or {@code any}. */
    String status() default "2xx";

    /** How far back it counts. */
    String within() default "30m";

    /** How long after it the session must wait; none by default. */
    String minimumDelay() default "0s";
}
