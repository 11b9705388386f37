package io.github.abuseguard.spring;

import io.github.abuseguard.Guard;
import io.github.abuseguard.client.IpListGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.SettingsAssembler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The IP-list guard: the {@link IpListProperties} bean of {@code abuse-guard.ip-lists.*} and the guard {@link IpListGuardFactory} builds from it, a
 * {@link Guard} bean named {@value #GUARD} that the engine asks in the factory's order and in the
 * section's mode; an application replaces it by declaring a {@link Guard} bean of that name.
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@ConditionalOnBean(GuardContext.class)
@EnableConfigurationProperties(IpListProperties.class)
public final class IpListAutoConfiguration {

    /** The name of the guard bean. */
    public static final String GUARD = SettingsAssembler.PREFIX + "." + IpListGuardFactory.NAME;

    @Bean(name = GUARD, destroyMethod = "") // the engine closes the guards it holds
    @ConditionalOnMissingBean(name = GUARD)
    Guard abuseGuardIpList(IpListProperties settings, GuardContext context) {
        return SettingsAssembler.guard(new IpListGuardFactory(), settings, context);
    }
}
