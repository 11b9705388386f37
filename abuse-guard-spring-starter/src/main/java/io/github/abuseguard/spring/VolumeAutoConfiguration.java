package io.github.abuseguard.spring;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.SettingsAssembler;
import io.github.abuseguard.volume.VolumeGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The volume guard: the {@link VolumeProperties} bean of {@code abuse-guard.volume.*} and the guard {@link VolumeGuardFactory} builds from it, a
 * {@link Guard} bean named {@value #GUARD} that the engine asks in the factory's order and in the
 * section's mode. It is absent with {@code abuse-guard.volume.enabled=false}; an application replaces it by declaring a {@link Guard} bean of that name.
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@ConditionalOnBean(GuardContext.class)
@EnableConfigurationProperties(VolumeProperties.class)
public final class VolumeAutoConfiguration {

    /** The name of the guard bean. */
    public static final String GUARD = SettingsAssembler.PREFIX + "." + VolumeGuardFactory.NAME;

    @Bean(name = GUARD, destroyMethod = "") // the engine closes the guards it holds
    @ConditionalOnMissingBean(name = GUARD)
    @ConditionalOnBooleanProperty(name = "abuse-guard.volume.enabled", matchIfMissing = true)
    Guard abuseGuardVolume(VolumeProperties settings, GuardContext context) {
        return SettingsAssembler.guard(new VolumeGuardFactory(), settings, context);
    }
}
