package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.config.SettingsSection;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.json.JsonMapper;

/**
 * IDEs complete {@code abuse-guard.*} properties from the metadata the starter jar carries, which the
 * configuration processor generates from the settings types' javadoc and field initialisers. Every
 * property of the shared schema (the engine's and every section's) must be there with a description,
 * and with the default a fresh settings object holds, so the metadata can neither lose a property nor
 * state a default the binders do not apply.
 */
class SpringConfigurationMetadataTest {

    private static Map<String, Map<String, Object>> metadata;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readTheGeneratedMetadata() throws Exception {
        Map<String, Object> file;
        try (InputStream in = SpringConfigurationMetadataTest.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            file = JsonMapper.builder().build().readValue(in, Map.class);
        }
        metadata = new LinkedHashMap<>();
        for (Map<String, Object> property : (List<Map<String, Object>>) file.get("properties")) {
            metadata.put((String) property.get("name"), property);
        }
    }

    @Test
    void everyAbuseGuardPropertyHasADescription() {
        List<String> names = new ArrayList<>();
        metadata.forEach((name, property) -> {
            if (name.startsWith("abuse-guard.")) {
                names.add(name);
                // IDEs show the text as it is: a javadoc tag such as {@code x} would show as written
                assertThat((String) property.get("description"))
                        .as(name)
                        .isNotBlank()
                        .doesNotContain("{@");
            }
        });
        assertThat(names)
                .contains(
                        "abuse-guard.enabled",
                        "abuse-guard.mode",
                        "abuse-guard.client.trusted-proxies",
                        "abuse-guard.rate-limit.rules",
                        "abuse-guard.filter.order",
                        "abuse-guard.report.window")
                .hasSizeGreaterThanOrEqualTo(100);
    }

    @Test
    void everyPropertyOfTheSchemaIsDescribedWithTheDefaultItsSettingsHold() {
        Map<String, Object> defaults = schemaDefaults();

        assertThat(defaults).hasSizeGreaterThan(80);
        assertThat(problems(defaults)).isEmpty();
    }

    /** What the metadata misses or states otherwise of each property in {@code defaults}. */
    private static List<String> problems(Map<String, Object> defaults) {
        List<String> problems = new ArrayList<>();
        defaults.forEach((name, value) -> {
            Map<String, Object> property = metadata.get(name);
            if (property == null) {
                problems.add(name + " is missing");
            } else if (!(property.get("description") instanceof String text) || text.isBlank()) {
                problems.add(name + " has no description");
            } else if (hasDefault(value) && property.get("defaultValue") == null) {
                problems.add(name + " has no default; the settings hold " + value);
            } else if (hasDefault(value) && !sameDefault(property.get("defaultValue"), value)) {
                problems.add(name + " states " + property.get("defaultValue") + "; the settings hold " + value);
            }
        });
        return problems;
    }

    @Test
    void everyPropertyOfTheStartersOwnRecordsIsDescribedWithItsDefault() {
        AbuseGuardProperties properties = new AbuseGuardProperties();
        Map<String, Object> defaults = new LinkedHashMap<>();
        collect("abuse-guard.filter", properties.filter(), AbuseGuardProperties.Filter.class, defaults);
        collect("abuse-guard.annotations", properties.annotations(), AbuseGuardProperties.Annotations.class, defaults);
        collect("abuse-guard.report", properties.report(), AbuseGuardProperties.Report.class, defaults);
        collect(
                "abuse-guard.bounce-notifications",
                properties.bounceNotifications(),
                BounceNotificationsProperties.class,
                defaults);

        assertThat(defaults)
                .containsOnlyKeys(
                        "abuse-guard.filter.order",
                        "abuse-guard.filter.malformed-form-problem",
                        "abuse-guard.filter.management-port",
                        "abuse-guard.annotations.enabled",
                        "abuse-guard.report.window",
                        "abuse-guard.report.top-clients",
                        "abuse-guard.report.maximum-keys",
                        "abuse-guard.bounce-notifications.enabled",
                        "abuse-guard.bounce-notifications.path",
                        "abuse-guard.bounce-notifications.topic-arns",
                        "abuse-guard.bounce-notifications.certificate-hosts",
                        "abuse-guard.bounce-notifications.confirm-subscriptions",
                        "abuse-guard.bounce-notifications.secret",
                        "abuse-guard.bounce-notifications.max-age",
                        "abuse-guard.bounce-notifications.max-body-bytes");
        assertThat(problems(defaults)).isEmpty();
    }

    @Test
    void namedDefaultsOfTheGuardsReachTheMetadata() {
        // defaults the processor resolves from DEFAULT_* constants, not from literals beside the field
        assertThat(metadata.get("abuse-guard.rate-limit.mode")).containsEntry("defaultValue", "enforce");
        assertThat(metadata.get("abuse-guard.ip-lists.reload-interval")).containsEntry("defaultValue", "10s");
        assertThat(metadata.get("abuse-guard.email.mx-budget")).containsEntry("defaultValue", "50ms");
        assertThat(metadata.get("abuse-guard.store.redis.retry-interval")).containsEntry("defaultValue", "5s");
    }

    /** Every property of the shared schema with the value a fresh settings object holds. */
    private static Map<String, Object> schemaDefaults() {
        AbuseGuardSettings settings = new AbuseGuardSettings();
        Map<String, Object> defaults = new LinkedHashMap<>();
        collect("abuse-guard", settings.engine(), EngineSettings.class, defaults);
        for (SettingsSection<?> section : settings.sectionTypes()) {
            Object value = settings.section(section.name());
            String prefix = "abuse-guard." + section.name();
            if (value instanceof Map<?, ?>) {
                defaults.put(prefix, value);
            } else {
                collect(prefix, value, value.getClass(), defaults);
            }
        }
        return defaults;
    }

    private static void collect(String prefix, Object bean, Class<?> type, Map<String, Object> defaults) {
        if (type.isRecord()) {
            for (java.lang.reflect.RecordComponent component : type.getRecordComponents()) {
                String path = prefix + "."
                        + component
                                .getName()
                                .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                                .toLowerCase(Locale.ROOT);
                Object value = invoke(component.getAccessor(), bean);
                if (isNestedBean(component.getType())) {
                    collect(path, value, component.getType(), defaults);
                } else {
                    defaults.put(path, value);
                }
            }
            return;
        }
        for (Method getter : type.getMethods()) {
            String name = getter.getName();
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            String property =
                    name.startsWith("get") ? name.substring(3) : name.startsWith("is") ? name.substring(2) : "";
            if (property.isEmpty()) {
                continue;
            }
            String path = prefix + "."
                    + property.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            Object value = invoke(getter, bean);
            if (isNestedBean(getter.getReturnType())) {
                collect(path, value, getter.getReturnType(), defaults);
            } else {
                defaults.put(path, value);
            }
        }
    }

    private static boolean isNestedBean(Class<?> type) {
        return !type.isPrimitive()
                && !type.isEnum()
                && !type.getName().startsWith("java.")
                && !Collection.class.isAssignableFrom(type)
                && !Map.class.isAssignableFrom(type);
    }

    private static Object invoke(Method getter, Object bean) {
        try {
            return getter.invoke(bean);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(getter.toString(), e);
        }
    }

    private static boolean hasDefault(Object value) {
        return value != null && !(value instanceof Collection<?>) && !(value instanceof Map<?, ?>) && !"".equals(value);
    }

    private static boolean sameDefault(Object stated, Object value) {
        if (value instanceof Enum<?> constant) {
            return constant.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(stated);
        }
        if (value instanceof Duration duration) {
            return DurationStyle.detectAndParse(stated.toString()).equals(duration);
        }
        if (value instanceof Number number) {
            return stated instanceof Number
                    && new BigDecimal(stated.toString()).compareTo(new BigDecimal(number.toString())) == 0;
        }
        return value.equals(stated);
    }
}
