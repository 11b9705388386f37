package io.github.abuseguard.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Matches when every named {@code abuse-guard.*} switch is {@code true} (in any case), or absent with
 * {@link #matchIfMissing()}; a value other than {@code true} or {@code false} fails start-up naming the
 * property. Spring Boot's {@code @ConditionalOnBooleanProperty} reads every value but {@code true} as
 * {@code false}, so {@code abuse-guard.enabled=yes} or {@code ABUSE_GUARD_ENABLED=1} silently switched
 * the library off (probe13 H1), while the properties beans read the same value as {@code true}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(OnSwitchCondition.class)
@interface ConditionalOnSwitch {

    /** The full property names, such as {@code abuse-guard.enabled}; all must be on. */
    String[] value();

    /** Whether an absent property counts as on. */
    boolean matchIfMissing() default false;
}
