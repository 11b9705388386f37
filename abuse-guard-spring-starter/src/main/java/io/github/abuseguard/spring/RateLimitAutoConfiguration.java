package io.github.abuseguard.spring;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.SettingsAssembler;
import io.github.abuseguard.ratelimit.RateLimitGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The rate-limit guard: the {@link RateLimitProperties} bean of {@code abuse-guard.rate-limit.*} and the guard {@link RateLimitGuardFactory} builds from it, a
 * {@link Guard} bean named {@value #GUARD} that the engine asks in the factory's order and in the
 * section's mode. It is absent with {@code abuse-guard.rate-limit.enabled=false}; an application replaces it by declaring a {@link Guard} bean of that name.
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@ConditionalOnBean(GuardContext.class)
@EnableConfigurationProperties(RateLimitProperties.class)
public final class RateLimitAutoConfiguration {

    /** The name of the guard bean. */
    public static final String GUARD = SettingsAssembler.PREFIX + "." + RateLimitGuardFactory.NAME;

    @Bean(name = GUARD, destroyMethod = "") // the engine closes the guards it holds
    @ConditionalOnMissingBean(name = GUARD)
    @ConditionalOnBooleanProperty(name = "abuse-guard.rate-limit.enabled", matchIfMissing = true)
    Guard abuseGuardRateLimit(RateLimitProperties settings, GuardContext context) {
        return SettingsAssembler.guard(new RateLimitGuardFactory(), settings, context);
    }
}
