package io.github.abuseguard.spring;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.GuardFactory;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.internal.SettingsAssembler;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * What the bundled guards' auto-configurations ({@link BundledGuard}) share: the name of a guard bean,
 * the registration of the bean, and which guards the application excluded.
 */
final class BundledGuards {

    private BundledGuards() {}

    /** The name of the guard bean of {@code section}, such as {@code abuse-guard.rate-limit}. */
    static String beanName(String section) {
        return AbuseGuardAutoConfiguration.SECTION_BEAN_PREFIX + section;
    }

    /**
     * The sections whose bundled guard auto-configuration the application excluded, as the condition
     * evaluation report records them.
     */
    static Set<String> excludedSections(ConfigurableListableBeanFactory beans) {
        Set<String> sections = new HashSet<>();
        for (String excluded : ConditionEvaluationReport.get(beans).getExclusions()) {
            if (ClassUtils.isPresent(excluded, beans.getBeanClassLoader())) {
                BundledGuard bundled = ClassUtils.resolveClassName(excluded, beans.getBeanClassLoader())
                        .getAnnotation(BundledGuard.class);
                if (bundled != null) {
                    sections.add(BeanUtils.instantiateClass(bundled.factory()).name());
                }
            }
        }
        return sections;
    }

    /** Registers the guard bean of the auto-configuration that carries {@link BundledGuard}. */
    static final class Registrar implements ImportBeanDefinitionRegistrar {

        private final Environment environment;
        private final BeanFactory beans;

        Registrar(Environment environment, BeanFactory beans) {
            this.environment = environment;
            this.beans = beans;
        }

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            // imported only through @BundledGuard, so the importing class carries it
            Map<String, @Nullable Object> bundled = Objects.requireNonNull(
                    metadata.getAnnotationAttributes(BundledGuard.class.getName()), "@BundledGuard");
            GuardFactory<?> factory = BeanUtils.instantiateClass((Class<?>) bundled.get("factory"), GuardFactory.class);
            Class<?> properties = (Class<?>) bundled.get("properties");
            String name = beanName(factory.name());
            if (registry.isBeanNameInUse(name) || switchedOff(name, factory)) {
                return;
            }
            RootBeanDefinition guard = new RootBeanDefinition(Guard.class, () -> build(factory, properties));
            // the engine closes the guards it holds, and StarterGuards the others
            guard.setDestroyMethodName("");
            registry.registerBeanDefinition(name, guard);
        }

        private boolean switchedOff(String name, GuardFactory<?> factory) {
            return GuardSettings.class.isAssignableFrom(factory.settingsType())
                    && !Binder.get(environment)
                            .bind(name + ".enabled", Boolean.class)
                            .orElse(true);
        }

        private <S> @Nullable Guard build(GuardFactory<S> factory, Class<?> properties) {
            S settings = factory.settingsType()
                    .cast(
                            properties == Void.class
                                    ? beans.getBean(AbuseGuardProperties.class).section(factory.name())
                                    : beans.getBean(properties));
            GuardContext context = beans.getBean(GuardContext.class);
            return beans.getBean(StarterGuards.class).built(SettingsAssembler.guard(factory, settings, context));
        }
    }
}
