package io.github.abuseguard.spring.annotation;

import io.github.abuseguard.Action;
import io.github.abuseguard.origin.MissingOriginPolicy;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Only these origins may call the routes of this handler method or controller: the application's own
 * origin and any listed here, checked against {@code Origin} (or {@code Referer}) and Fetch Metadata.
 * Applies to the unsafe methods of the mapping (POST, PUT, PATCH, DELETE); a method annotation takes
 * precedence over the class annotation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequireOrigin {

    /** Origins allowed besides the application's own, such as {@code https://partner.example} or {@code https://*.shop.example}. */
    String[] value() default {};

    /** Whether the application's own origin is allowed. */
    boolean allowSameOrigin() default true;

    /** Whether the opaque {@code null} origin is allowed. */
    boolean allowNull() default false;

    /** Whether {@code Sec-Fetch-Site: same-site} passes without a listed origin. */
    boolean allowSameSite() default false;

    /** What a request with neither {@code Origin} nor {@code Referer} gets. */
    MissingOriginPolicy missing() default MissingOriginPolicy.FLAG;

    /** The risk score of such a request under {@link MissingOriginPolicy#FLAG}. */
    int missingScore() default 40;

    /** How a refused request is answered. */
    Action action() default Action.REJECT;
}
