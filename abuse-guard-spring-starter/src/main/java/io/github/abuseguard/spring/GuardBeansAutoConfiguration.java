package io.github.abuseguard.spring;

import io.github.abuseguard.Guard;
import io.github.abuseguard.client.ClientSignalsGuardFactory;
import io.github.abuseguard.client.IpListGuardFactory;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.GuardFactory;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.email.EmailGuardFactory;
import io.github.abuseguard.failure.FailureGuardFactory;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.origin.OriginGuardFactory;
import io.github.abuseguard.ratelimit.RateLimitGuardFactory;
import io.github.abuseguard.sequence.SequenceGuardFactory;
import io.github.abuseguard.volume.VolumeGuardFactory;
import java.util.List;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * The bundled guards, each a {@link Guard} bean named {@code abuse-guard.<section>} (such as
 * {@code abuse-guard.rate-limit}) that its factory builds from the section's {@code *Properties} bean and
 * the shared {@link GuardContext}; the engine asks it in the factory's order and in the section's mode.
 * A guard is absent with {@code abuse-guard.<section>.enabled=false}; an application replaces it by
 * declaring a {@link Guard} bean of that name. Every guard built here that no engine holds is closed
 * when the context closes ({@link StarterGuards}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@ConditionalOnBean(GuardContext.class)
@EnableConfigurationProperties({
    IpListProperties.class,
    ClientSignalsProperties.class,
    OriginProperties.class,
    EmailProperties.class,
    SequenceProperties.class,
    FailureProperties.class,
    VolumeProperties.class,
    RateLimitProperties.class
})
@Import(GuardBeansAutoConfiguration.GuardBeans.class)
public final class GuardBeansAutoConfiguration {

    /** Each bundled section: its factory and the properties bean Spring binds it to. */
    private static final List<Bundled<?>> BUNDLED = List.of(
            new Bundled<>(new IpListGuardFactory(), IpListProperties.class),
            new Bundled<>(new ClientSignalsGuardFactory(), ClientSignalsProperties.class),
            new Bundled<>(new OriginGuardFactory(), OriginProperties.class),
            new Bundled<>(new EmailGuardFactory(), EmailProperties.class),
            new Bundled<>(new SequenceGuardFactory(), SequenceProperties.class),
            new Bundled<>(new FailureGuardFactory(), FailureProperties.class),
            new Bundled<>(new VolumeGuardFactory(), VolumeProperties.class),
            new Bundled<>(new RateLimitGuardFactory(), RateLimitProperties.class));

    /** The name of the guard bean of {@code section}, such as {@code abuse-guard.rate-limit}. */
    public static String beanName(String section) {
        return AbuseGuardSettings.PREFIX + "." + section;
    }

    @Bean(destroyMethod = "destroy")
    static StarterGuards abuseGuardStarterGuards(ListableBeanFactory beans) {
        return new StarterGuards(beans);
    }

    private record Bundled<S>(GuardFactory<S> factory, Class<? extends S> properties) {

        Guard build(BeanFactory beans) {
            S settings = beans.getBean(properties);
            GuardContext context = beans.getBean(GuardContext.class);
            return beans.getBean(StarterGuards.class).built(SettingsAssembler.guard(factory, settings, context));
        }

        boolean switchedOff(Environment environment) {
            return GuardSettings.class.isAssignableFrom(properties)
                    && !Binder.get(environment)
                            .bind(beanName(factory.name()) + ".enabled", Boolean.class)
                            .orElse(true);
        }
    }

    /**
     * Registers one guard bean per bundled section, as {@code @ConditionalOnMissingBean(name)} and
     * {@code @ConditionalOnBooleanProperty(enabled, matchIfMissing = true)} would: not where the
     * application has a bean of that name, nor where the section is switched off.
     */
    static final class GuardBeans implements ImportBeanDefinitionRegistrar {

        private final Environment environment;
        private final BeanFactory beans;

        GuardBeans(Environment environment, BeanFactory beans) {
            this.environment = environment;
            this.beans = beans;
        }

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            for (Bundled<?> bundled : BUNDLED) {
                String name = beanName(bundled.factory().name());
                if (registry.isBeanNameInUse(name) || bundled.switchedOff(environment)) {
                    continue;
                }
                RootBeanDefinition guard = new RootBeanDefinition(Guard.class, () -> bundled.build(beans));
                // the engine closes the guards it holds, and StarterGuards the others
                guard.setDestroyMethodName("");
                registry.registerBeanDefinition(name, guard);
            }
        }
    }
}
