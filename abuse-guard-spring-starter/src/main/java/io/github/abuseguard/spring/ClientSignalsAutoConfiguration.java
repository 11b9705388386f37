package io.github.abuseguard.spring;

import io.github.abuseguard.Guard;
import io.github.abuseguard.client.ClientSignalsGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.SettingsAssembler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The client-signals guard: the {@link ClientSignalsProperties} bean of {@code abuse-guard.client-signals.*} and the guard {@link ClientSignalsGuardFactory} builds from it, a
 * {@link Guard} bean named {@value #GUARD} that the engine asks in the factory's order and in the
 * section's mode. It is absent with {@code abuse-guard.client-signals.enabled=false}; an application replaces it by declaring a {@link Guard} bean of that name.
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@ConditionalOnBean(GuardContext.class)
@EnableConfigurationProperties(ClientSignalsProperties.class)
public final class ClientSignalsAutoConfiguration {

    /** The name of the guard bean. */
    public static final String GUARD = SettingsAssembler.PREFIX + "." + ClientSignalsGuardFactory.NAME;

    @Bean(name = GUARD, destroyMethod = "") // the engine closes the guards it holds
    @ConditionalOnMissingBean(name = GUARD)
    @ConditionalOnBooleanProperty(name = "abuse-guard.client-signals.enabled", matchIfMissing = true)
    Guard abuseGuardClientSignals(ClientSignalsProperties settings, GuardContext context) {
        return SettingsAssembler.guard(new ClientSignalsGuardFactory(), settings, context);
    }
}
