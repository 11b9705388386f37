package io.github.abuseguard.spring;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.SettingsAssembler;
import io.github.abuseguard.email.EmailGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The disposable e-mail guard: the {@link EmailProperties} bean of {@code abuse-guard.email.*} and the guard {@link EmailGuardFactory} builds from it, a
 * {@link Guard} bean named {@value #GUARD} that the engine asks in the factory's order and in the
 * section's mode. It is absent with {@code abuse-guard.email.enabled=false}; an application replaces it by declaring a {@link Guard} bean of that name.
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@ConditionalOnBean(GuardContext.class)
@EnableConfigurationProperties(EmailProperties.class)
public final class EmailAutoConfiguration {

    /** The name of the guard bean. */
    public static final String GUARD = SettingsAssembler.PREFIX + "." + EmailGuardFactory.NAME;

    @Bean(name = GUARD, destroyMethod = "") // the engine closes the guards it holds
    @ConditionalOnMissingBean(name = GUARD)
    @ConditionalOnBooleanProperty(name = "abuse-guard.email.enabled", matchIfMissing = true)
    Guard abuseGuardEmail(EmailProperties settings, GuardContext context) {
        return SettingsAssembler.guard(new EmailGuardFactory(), settings, context);
    }
}
