package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.redis.RedisSettings;
import io.github.abuseguard.servlet.SettingsFile;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;

/**
 * One schema, two binders: a YAML file that sets every property of the shared schema binds to the same
 * settings through Spring Boot's binder (the starter) and through the plain-servlet binder.
 */
class OneSchemaTwoBindersTest {

    private static final String FILE = "every-setting.yml";

    @Test
    void oneYamlFileBindsToTheSameSettingsThroughSpringAndThroughThePlainServletBinder() {
        AbuseGuardSettings plain =
                SettingsFile.load("classpath:" + FILE, getClass().getClassLoader());

        springBinding().run(context -> {
            assertThat(context).hasNotFailed();
            Map<String, String> spring = flatten(context.getBean(AbuseGuardProperties.class));
            assertThat(spring).isEqualTo(flatten(plain));
        });
    }

    @Test
    void oneYamlFileBindsToTheSameSettingsThroughTheStartersPropertiesBeansAndThroughThePlainServletBinder() {
        AbuseGuardSettings plain =
                SettingsFile.load("classpath:" + FILE, getClass().getClassLoader());

        springBinding().withUserConfiguration(SectionBeans.class).run(context -> {
            assertThat(context).hasNotFailed();
            AbuseGuardProperties properties = context.getBean(AbuseGuardProperties.class);
            // a record section, such as the one whose name has a dot, is bound into the properties
            assertThat(properties.section("store.redis")).isInstanceOf(RedisSettings.class);
            assertThat(flatten(properties)).isEqualTo(flatten(plain));
        });
    }

    @Test
    void theFileSetsEveryPropertyOfTheSchemaToSomethingOtherThanItsDefault() {
        Map<String, String> defaults = flatten(new AbuseGuardSettings());
        Map<String, String> bound =
                flatten(SettingsFile.load("classpath:" + FILE, getClass().getClassLoader()));

        assertThat(defaults).hasSizeGreaterThan(60);
        defaults.forEach((property, value) ->
                assertThat(bound.get(property)).as(property).isNotEqualTo(value));
        // and every rule property of every guard: each guard's section holds a rule with all of them
        assertThat(bound.keySet())
                .contains(
                        "rate-limit.rules.giftcards.limits[0].refill-tokens",
                        "origin.rules.api.api-keys.widget-key[0]",
                        "client-signals.expected-clients.mobile.score",
                        "email.rules.newsletter.response",
                        "sequence.rules.no-card-before-verify.minimum-delay",
                        "failure.rules.login.under-attack.app-header",
                        "volume.rules.scores.under-scrape.min-distinct",
                        "store.redis.half-open-calls",
                        "decoys.image.content-type");
    }

    @Test
    void anUnknownKeyInsideAGuardSectionFailsSpringStartUpNamingIt() {
        new ApplicationContextRunner()
                .withUserConfiguration(BindOnly.class)
                .withPropertyValues("abuse-guard.volume.rules.scores.max-distinkt=3")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("abuse-guard.volume.rules.scores.max-distinkt"));
    }

    /**
     * A YAML value of the wrong shape for its property: a list for a single value, a null or an empty
     * list. Both binders refuse it naming the property, or both bind the same settings (which the guard
     * then refuses when it is built, the same for both).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "failure: {rules: {l: {paths: /l, statuses: [401, 403, 429]}}} | abuse-guard.failure.rules.l.statuses",
                "mode: [monitor] | abuse-guard.mode",
                "rate-limit: {rules: {a: {paths: /a, key: [header:X-User]}}} | abuse-guard.rate-limit.rules.a.key",
                "decoys: {f: {body: [a, b]}} | abuse-guard.decoys.f.body",
                "failure: {rules: {l: {paths: /l, find-time: }}} | abuse-guard.failure.rules.l.find-time",
                "failure: {rules: {l: {paths: /l, statuses: []}}} | ",
                "failure: {rules: {l: {paths: /l, statuses: ~}}} | ",
                "rate-limit: {rules: {a: {paths: ~, limits: [{capacity: 1, period: 1m}]}}} | ",
                "rate-limit: {rules: {a: {paths: [], limits: [{capacity: 1, period: 1m}]}}} | ",
                "client: {trusted-proxies: []} | ",
            })
    void aValueOfTheWrongShapeIsRefusedByBothBindersNamingThePropertyOrBindsTheSame(String yaml, String refused)
            throws Exception {
        String document = "abuse-guard:\n  " + yaml + "\n";
        Path file = Files.createTempFile("abuse-guard", ".yml");
        try {
            Files.writeString(file, document);
            ApplicationContextRunner spring = new ApplicationContextRunner()
                    .withUserConfiguration(BindOnly.class)
                    .withInitializer(context -> {
                        try {
                            new YamlPropertySourceLoader()
                                    .load("case.yml", new ByteArrayResource(document.getBytes(StandardCharsets.UTF_8)))
                                    .forEach(context.getEnvironment().getPropertySources()::addFirst);
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            if (refused == null) {
                AbuseGuardSettings plain = SettingsFile.load(file);
                spring.run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(flatten(context.getBean(AbuseGuardProperties.class)))
                            .isEqualTo(flatten(plain));
                });
            } else {
                assertThatThrownBy(() -> SettingsFile.load(file))
                        .isInstanceOf(InvalidSettingException.class)
                        .hasMessageStartingWith(refused + ":");
                spring.run(context ->
                        assertThat(context.getStartupFailure()).isNotNull().hasStackTraceContaining(refused));
            }
        } finally {
            Files.delete(file);
        }
    }

    private ApplicationContextRunner springBinding() {
        return new ApplicationContextRunner()
                .withUserConfiguration(BindOnly.class)
                .withInitializer(context -> {
                    try {
                        List<PropertySource<?>> yaml =
                                new YamlPropertySourceLoader().load(FILE, new ClassPathResource(FILE));
                        yaml.forEach(context.getEnvironment().getPropertySources()::addFirst);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    /**
     * Every property of the shared schema as {@code path -> value}: the engine's own (declared by
     * {@link AbuseGuardSettings}, so a Spring-only field does not count) and each section's.
     */
    private static Map<String, String> flatten(AbuseGuardSettings settings) {
        Map<String, String> flat = new TreeMap<>();
        flattenBean("", settings, AbuseGuardSettings.class, flat);
        // the engine's own properties, a record behind engine() that no getter reaches
        flattenValue("", settings.engine(), flat);
        settings.sectionTypes()
                .forEach(section -> flattenValue(section.name(), settings.section(section.name()), flat));
        return flat;
    }

    private static void flattenValue(String path, Object value, Map<String, String> flat) {
        if (value == null
                || value instanceof String
                || value instanceof Number
                || value instanceof Boolean
                || value instanceof Enum<?>
                || value instanceof Duration) {
            flat.put(path, String.valueOf(value));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flattenValue(path + "[" + i + "]", list.get(i), flat);
            }
            if (list.isEmpty()) {
                flat.put(path, "[]");
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> flattenValue(path + "." + key, item, flat));
            if (map.isEmpty()) {
                flat.put(path, "{}");
            }
        } else if (value instanceof Record record) {
            for (java.lang.reflect.RecordComponent component : record.getClass().getRecordComponents()) {
                String kebab = component
                        .getName()
                        .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                        .toLowerCase(java.util.Locale.ROOT);
                try {
                    flattenValue(
                            path.isEmpty() ? kebab : path + "." + kebab,
                            component.getAccessor().invoke(record),
                            flat);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(component.toString(), e);
                }
            }
        } else {
            flattenBean(path, value, value.getClass(), flat);
        }
    }

    private static void flattenBean(String path, Object bean, Class<?> type, Map<String, String> flat) {
        for (Method getter : type.getMethods()) {
            String name = getter.getName();
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || name.equals("getClass")) {
                continue;
            }
            String property =
                    name.startsWith("get") ? name.substring(3) : name.startsWith("is") ? name.substring(2) : null;
            if (property == null || property.isEmpty()) {
                continue;
            }
            String kebab = property.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
            try {
                flattenValue(path.isEmpty() ? kebab : path + "." + kebab, getter.invoke(bean), flat);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(getter.toString(), e);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties
    static class SectionBeans {}

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AbuseGuardProperties.class)
    static class BindOnly {
        @Bean
        static SettingsSectionsBinder settingsSectionsBinder(Environment environment) {
            return new SettingsSectionsBinder(environment);
        }
    }
}
