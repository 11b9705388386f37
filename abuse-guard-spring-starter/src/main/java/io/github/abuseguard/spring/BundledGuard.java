package io.github.abuseguard.spring;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.GuardFactory;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Import;

/**
 * Marks the auto-configuration of one bundled guard, such as {@link RateLimitGuardAutoConfiguration}, and
 * contributes its {@link Guard} bean, named {@code abuse-guard.<section>} (such as
 * {@code abuse-guard.rate-limit}), which {@link #factory()} builds from the {@link #properties()} bean and the
 * shared {@link GuardContext}; the engine asks it in the factory's order and in the section's mode. The
 * bean is registered as {@code @ConditionalOnMissingBean(name)} and
 * {@code @ConditionalOnBooleanProperty("abuse-guard.<section>.enabled", matchIfMissing = true)} would: not
 * where the application declares a bean of that name (which then stands in the guard's place), nor where
 * the section is switched off, while the properties bean stays. Every guard built here that no engine
 * holds is closed when the context closes ({@link StarterGuards}).
 *
 * <p>An application that excludes a guard's auto-configuration ({@code spring.autoconfigure.exclude})
 * gets no such guard: the engine does not build it from its factory either
 * ({@link BundledGuards#excludedSections}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ConditionalOnBean(GuardContext.class)
@Import(BundledGuards.Registrar.class)
@interface BundledGuard {

    /** The guard's factory, built with its no-argument constructor. */
    Class<? extends GuardFactory<?>> factory();

    /**
     * The section's {@code @ConfigurationProperties} bean, which the auto-configuration enables; none
     * ({@code Void}) where the settings are a record, which the starter binds into
     * {@link AbuseGuardProperties} itself.
     */
    Class<?> properties() default Void.class;
}
