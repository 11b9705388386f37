package io.github.abuseguard.spring;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.config.SettingsSection;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.servlet.DecoySettings;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Binds the sections that modules and applications contribute ({@link SettingsSection},
 * {@link io.github.abuseguard.config.GuardFactory}, found with {@link java.util.ServiceLoader}) into
 * {@link AbuseGuardProperties} with Spring's binder, and so the engine's properties and the starter's own. A
 * section that has its own {@code @ConfigurationProperties} bean at its prefix (an application's, which
 * Spring binds) becomes that bean; the others are bound here. Every record is bound strictly, so an
 * unknown key anywhere under {@code abuse-guard} fails start-up naming it, as it does for the plain
 * servlet filter. Runs once per start-up, never per request.
 */
final class SettingsSectionsBinder implements BeanPostProcessor, BeanFactoryAware {

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(AbuseGuardSettings.PREFIX);

    /** Spring Boot's web server factory, named so that the starter does not need its module at compile time. */
    private static final String WEB_SERVER_FACTORY = "org.springframework.boot.web.server.WebServerFactory";

    private final Environment environment;
    private ListableBeanFactory beans;

    SettingsSectionsBinder(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        if (!(beanFactory instanceof ListableBeanFactory listable)) {
            throw new IllegalArgumentException(
                    "needs a ListableBeanFactory, was " + beanFactory.getClass().getName());
        }
        this.beans = listable;
    }

    /**
     * Binds the properties before the web server that will host the filter is built (its factory is the
     * first bean of that step), so a wrong key or value fails start-up with the failure report alone: bound
     * while the server starts the filter's registration, the same error came after the server's own ERROR
     * and stack trace (user64 F7).
     */
    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (isWebServerFactory(bean)) {
            beans.getBeanProvider(AbuseGuardProperties.class).getIfAvailable();
        }
        return bean;
    }

    private static boolean isWebServerFactory(Object bean) {
        ClassLoader loader = bean.getClass().getClassLoader();
        return ClassUtils.isPresent(WEB_SERVER_FACTORY, loader)
                && ClassUtils.resolveClassName(WEB_SERVER_FACTORY, loader).isInstance(bean);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof AbuseGuardProperties properties) {
            adoptPropertiesBeans(properties);
            bind(environment, properties);
        }
        return bean;
    }

    /**
     * Makes each section's {@code @ConfigurationProperties} bean at the section's prefix (such as an
     * application's for {@code abuse-guard.store.redis}), which Spring binds, the section object of {@code properties},
     * so the guard beans, the engine and the filter read one object per section.
     */
    private void adoptPropertiesBeans(AbuseGuardProperties properties) {
        for (SettingsSection<?> section : properties.sectionTypes()) {
            String prefix = AbuseGuardSettings.PREFIX + "." + section.name();
            for (String name : beans.getBeanNamesForType(section.settingsType(), false, false)) {
                ConfigurationProperties annotation = beans.findAnnotationOnBean(name, ConfigurationProperties.class);
                if (annotation != null && prefix.equals(annotation.prefix())) {
                    properties.replaceSection(section.name(), beans.getBean(name));
                }
            }
        }
    }

    /**
     * Binds every section of {@code properties} from {@code environment} and refuses keys that neither
     * the properties nor a section know.
     *
     * @throws org.springframework.boot.context.properties.bind.BindException naming the key
     */
    static AbuseGuardProperties bind(Environment environment, AbuseGuardProperties properties) {
        Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
        UnknownEnvironmentVariables variables = new UnknownEnvironmentVariables();
        UnknownKeys unknownKeys = new UnknownKeys();
        PropertySourcesPlaceholdersResolver placeholders = new PropertySourcesPlaceholdersResolver(environment);
        List<ConfigurationPropertyName> sections = new ArrayList<>();
        for (SettingsSection<?> section : properties.sectionTypes()) {
            sections.add(ROOT.append(section.name()));
        }
        for (SettingsSection<?> section : properties.sectionTypes()) {
            ConfigurationPropertyName name = ROOT.append(section.name());
            Object current = properties.section(section.name());
            if (isPropertiesBean(current)) {
                variables.skip(name);
                continue; // bound by Spring, strictly, as a @ConfigurationProperties bean
            }
            PlaceholdersResolver resolver = section.settingsType() == DecoySettings.Named.class
                    ? new DecoyPlaceholdersResolver(environment) // keeps the decoy's own ${uuid} and ${path}
                    : placeholders;
            Object bound = unknownKeys.collecting(
                    current,
                    () -> current instanceof Record
                            ? bindRecord(sources, resolver, name, section.settingsType(), variables)
                            : withDefaults(sources, resolver, name, section.settingsType())
                                    .bind(name, Bindable.ofInstance(current), strict(resolver, variables))
                                    .orElse(current));
            if (bound != current) {
                properties.replaceSection(section.name(), bound);
            }
        }
        refuseSettingsOfMissingModules(sources, sections);
        // the engine's own properties: a record, bound from what neither a section nor the starter's own
        // properties (filter, annotations, report ...) hold, strictly
        Set<String> engine = new HashSet<>();
        for (RecordComponent component : EngineSettings.class.getRecordComponents()) {
            engine.add(component.getName().toLowerCase(Locale.ROOT)); // the uniform form: no dashes, lower case
        }
        EngineSettings engineSettings = unknownKeys.collecting(null, () -> (EngineSettings) bindRecord(
                filtered(sources, candidate -> !inSection(sections, candidate) && engine.contains(first(candidate))),
                placeholders,
                ROOT,
                EngineSettings.class,
                variables));
        // the starter's own properties: a record bound from all that is left, so a key that nothing knows is
        // refused by this strict binding
        AbuseGuardProperties.Starter starter =
                unknownKeys.collecting(null, () -> (AbuseGuardProperties.Starter) bindRecord(
                        filtered(
                                sources,
                                candidate -> !inSection(sections, candidate) && !engine.contains(first(candidate))),
                        placeholders,
                        ROOT,
                        AbuseGuardProperties.Starter.class,
                        variables));
        unknownKeys.throwIfAny();
        properties.replaceEngine(engineSettings);
        properties.replaceStarter(starter);
        variables.warnAboutUnread(environment);
        return properties;
    }

    /**
     * A settings record bound from the sources, and from its {@link io.github.abuseguard.config.Default}s
     * where they leave a component out.
     */
    static Object bindRecord(
            Iterable<ConfigurationPropertySource> sources,
            @Nullable PlaceholdersResolver placeholders,
            ConfigurationPropertyName name,
            Class<?> type) {
        return bindRecord(sources, placeholders, name, type, new UnknownEnvironmentVariables());
    }

    private static Object bindRecord(
            Iterable<ConfigurationPropertySource> sources,
            @Nullable PlaceholdersResolver placeholders,
            ConfigurationPropertyName name,
            Class<?> type,
            UnknownEnvironmentVariables variables) {
        return withDefaults(sources, placeholders, name, type)
                .bind(name, Bindable.of(type), strict(placeholders, variables))
                .orElseThrow(() -> new IllegalStateException("no settings bound for " + name));
    }

    /**
     * A binder of the sources and, after them, of the {@link io.github.abuseguard.config.Default}s of the
     * settings records under {@code name}: a record section's, or those of a section's records (the
     * decoys' entries).
     */
    private static Binder withDefaults(
            Iterable<ConfigurationPropertySource> sources,
            @Nullable PlaceholdersResolver placeholders,
            ConfigurationPropertyName name,
            Class<?> type) {
        List<ConfigurationPropertySource> withDefaults = new ArrayList<>();
        sources.forEach(withDefaults::add);
        withDefaults.add(new RecordDefaults(name, type));
        return new Binder(withDefaults, placeholders);
    }

    /**
     * Refuses a key under a section one of this project's modules contributes when that module is not on the
     * class path, naming the dependency to add ({@link SettingsBinder#missingModule}), such as
     * {@code abuse-guard.store.redis.uri} without {@code abuse-guard-redis}; the strict binding would only
     * say it was left unbound (cfgrest 6).
     *
     * @throws io.github.abuseguard.config.InvalidSettingException naming the key and the artifact
     */
    static void refuseSettingsOfMissingModules(
            Iterable<ConfigurationPropertySource> sources, List<ConfigurationPropertyName> sections) {
        String prefix = ROOT + ".";
        for (ConfigurationPropertySource source : sources) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            for (ConfigurationPropertyName name : iterable) {
                if (ROOT.isAncestorOf(name) && !inSection(sections, name)) {
                    String key = name.toString();
                    InvalidSettingException missing = SettingsBinder.missingModule(key, key.substring(prefix.length()));
                    if (missing != null) {
                        throw missing;
                    }
                }
            }
        }
    }

    private static boolean inSection(List<ConfigurationPropertyName> sections, ConfigurationPropertyName name) {
        return sections.stream().anyMatch(section -> section.isAncestorOf(name));
    }

    /** The element of {@code name} right below {@code abuse-guard} in its uniform form, such as {@code failurepolicy}. */
    private static String first(ConfigurationPropertyName name) {
        return ROOT.isAncestorOf(name)
                ? name.getElement(ROOT.getNumberOfElements(), ConfigurationPropertyName.Form.UNIFORM)
                : "";
    }

    /** The sources as they are, but listing only the names {@code keep} keeps (what the strict binding looks at). */
    private static List<ConfigurationPropertySource> filtered(
            Iterable<ConfigurationPropertySource> sources, Predicate<ConfigurationPropertyName> keep) {
        List<ConfigurationPropertySource> kept = new ArrayList<>();
        for (ConfigurationPropertySource source : sources) {
            kept.add(source instanceof IterableConfigurationPropertySource iterable ? iterable.filter(keep) : source);
        }
        return kept;
    }

    private static boolean isPropertiesBean(Object section) {
        return section.getClass().isAnnotationPresent(ConfigurationProperties.class);
    }

    private static BindHandler strict(
            @Nullable PlaceholdersResolver placeholders, UnknownEnvironmentVariables variables) {
        return new SingleValueBindHandler(
                new NoUnboundElementsBindHandler(variables.noting(BindHandler.DEFAULT)), placeholders);
    }

    /**
     * The unknown keys of every section, gathered so that one start names them all (user65 F3: four misspelt keys in
     * four sections took four starts, the first failing section stopping the binding). The first failure is thrown,
     * the later ones {@linkplain Throwable#addSuppressed suppressed} in it, where {@link UnknownSettingFailureAnalyzer}
     * reads them, with any other binding failure (a value that cannot be converted).
     */
    private static final class UnknownKeys {
        private @Nullable BindException first;
        /** The first failure of another kind (a value that does not convert), and the later ones suppressed in it. */
        private @Nullable BindException other;

        <T> T collecting(T unbound, java.util.function.Supplier<T> binding) {
            try {
                return binding.get();
            } catch (BindException failure) {
                boolean unknown = failure.getCause() instanceof UnboundConfigurationPropertiesException;
                if (unknown && first == null) {
                    first = failure;
                } else if (!unknown && other == null) {
                    other = failure;
                } else {
                    (unknown ? first : other).addSuppressed(failure);
                }
                return unbound;
            }
        }

        /**
         * Throws the first unknown key's failure, the other failures suppressed in it (review103 F3: a value that did
         * not convert was thrown at once, and the misspelt keys of the same start went unnamed), or the first other
         * failure when no key is unknown.
         */
        void throwIfAny() {
            if (first != null) {
                if (other != null) {
                    first.addSuppressed(other);
                }
                throw first;
            }
            if (other != null) {
                throw other;
            }
        }
    }
}
