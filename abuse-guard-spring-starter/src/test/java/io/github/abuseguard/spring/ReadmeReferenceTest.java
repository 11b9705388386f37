package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.config.SettingsSection;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.servlet.SettingsFile;
import java.io.IOException;
import java.io.Writer;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.util.ClassUtils;

/**
 * The property table of README's "Configuration reference" is the contract: every property it names
 * binds a sample value through Spring Boot's binder (into the starter's {@code @ConfigurationProperties}
 * types, whichever of them owns the property's prefix) and through the plain-servlet loader
 * ({@link SettingsFile}, a properties file), the bound value reads back through the property's own
 * path, and a literal documented default is the default either binder leaves. Renaming or removing a
 * documented property fails here.
 *
 * <p>Reading back walks the property's path through getters ({@code rate-limit.rules.NAME.cost} is
 * {@code getRateLimit().getRules().get(NAME).getCost()}), so the test does not name the settings
 * classes: when they move, only {@link #servletBinding} and the Spring discovery need to change.
 */
class ReadmeReferenceTest {
    private static final String PREFIX = "abuse-guard";
    private static final String RULE_NAME = "sample";
    private static final String MAP_KEY = "sample-key";

    /** Defaults the table states in words, not as a value: not compared. */
    private static final Set<String> WORDED_DEFAULTS = Set.of("required", "one of them", "see above", "capacity");

    /**
     * Documented defaults that the settings leave empty and the rule builder fills in when the guard is
     * built. They should move into the settings as named constants (issue #11); then this list goes.
     */
    private static final Set<String> APPLIED_WHEN_BUILT =
            Set.of("abuse-guard.origin.rules.sample.methods", "abuse-guard.email.rules.sample.methods");

    /** Defaults the table words as "no restriction" that a binder leaves as an empty list. */
    private static final Set<String> EVERYTHING = Set.of("all", "/**");

    /**
     * The properties README marks "Spring Boot only". The {@code bounce-notifications.*} rows are
     * Spring Boot only too (the endpoint is the starter's) but README does not say so yet; see
     * {@link #row}.
     */
    private static final Pattern SPRING_ONLY = Pattern.compile("Spring Boot only");

    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    private static Map<String, Class<?>> springTypes;

    @TempDir
    static Path files;

    /** One documented property: its full name with placeholders filled in, and its documented default. */
    record Documented(String property, String documentedDefault, boolean springOnly) {
        @Override
        public String toString() {
            return property;
        }
    }

    @BeforeAll
    static void discoverTheStartersPropertyTypes() {
        Map<String, Class<?>> types = new LinkedHashMap<>();
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AbuseGuardAutoConfiguration.class))
                .run(context -> ConfigurationPropertiesBean.getAll(context).values().stream()
                        .filter(bean -> bean.getAnnotation().prefix().startsWith(PREFIX))
                        .forEach(bean ->
                                types.put(bean.getAnnotation().prefix(), ClassUtils.getUserClass(bean.getInstance()))));
        // Guard and module sections bind through the same SPI the starter binds them with.
        for (SettingsSection<?> section :
                AbuseGuardSettings.sectionsOnClassPath(ReadmeReferenceTest.class.getClassLoader())) {
            types.put(PREFIX + "." + section.name(), section.settingsType());
        }
        springTypes = types;
    }

    static Stream<Documented> documented() throws IOException {
        return readme().stream();
    }

    static Stream<Documented> servletDocumented() throws IOException {
        return readme().stream().filter(documented -> !documented.springOnly());
    }

    @Test
    void theReferenceTableDocumentsTheCoreProperties() throws IOException {
        assertThat(readme())
                .extracting(Documented::property)
                .contains(
                        "abuse-guard.mode",
                        "abuse-guard.rate-limit.rules.sample.limits[0].capacity",
                        "abuse-guard.origin.rules.sample.api-keys.sample-key",
                        "abuse-guard.client-signals.via-score",
                        "abuse-guard.sequence.model-file")
                .hasSizeGreaterThan(100);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documented")
    void aDocumentedPropertyBindsThroughSpringBoot(Documented documented) {
        check(documented, ReadmeReferenceTest::springBinding);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servletDocumented")
    void aDocumentedPropertyBindsFromAPlainServletSettingsFile(Documented documented) {
        check(documented, ReadmeReferenceTest::servletBinding);
    }

    /** Binds properties and answers the object the property path starts from, with that path. */
    interface Binding {
        Bound bind(String property, Map<String, String> properties);
    }

    /** A bound root object and the remaining property path under it. */
    record Bound(Object root, String path) {}

    private static void check(Documented documented, Binding binding) {
        String property = documented.property();
        Bound defaults = binding.bind(property, siblingValues(property, binding));
        Object defaultValue = read(defaults.root(), defaults.path(), property);
        Type type = type(defaults.root().getClass(), defaults.path(), property);
        Sample sample = CHECKED_AT_BINDING.containsKey(property)
                ? CHECKED_AT_BINDING.get(property)
                : sample(type, defaultValue);

        Bound bound = binding.bind(property, Map.of(property, sample.text()));

        assertThat(normal(read(bound.root(), bound.path(), property)))
                .as("%s=%s reads back", property, sample.text())
                .isEqualTo(normal(sample.value()));
        // A named entry's default shows only once the entry exists, through another of its properties.
        boolean defaultVisible = !isInNamedEntry(property) || sibling(property).isPresent();
        if (defaultVisible
                && !WORDED_DEFAULTS.contains(documented.documentedDefault())
                && !APPLIED_WHEN_BUILT.contains(documented.property())) {
            assertThat(matchesDocumentedDefault(defaultValue, documented.documentedDefault()))
                    .as(
                            "README's default of %s is '%s'; the binder leaves %s",
                            property, documented.documentedDefault(), normal(defaultValue))
                    .isTrue();
        }
    }

    private static Bound springBinding(String property, Map<String, String> properties) {
        String prefix = springTypes.keySet().stream()
                .filter(candidate -> property.startsWith(candidate + "."))
                .max((a, b) -> a.length() - b.length())
                .orElseThrow(() -> new AssertionError("no @ConfigurationProperties type owns " + property));
        Class<?> type = springTypes.get(prefix);
        if (prefix.equals(PREFIX) && isComponentOf(EngineSettings.class, property)) {
            type = EngineSettings.class; // the engine's own properties: a record the starter binds itself
        } else if (prefix.equals(PREFIX) && isComponentOf(AbuseGuardProperties.Starter.class, property)) {
            type = AbuseGuardProperties.Starter.class; // and so are the starter's own (filter, report ...)
        }
        if (type.isRecord()) {
            // a record section binds as the starter binds it, its @Defaults filling in what is left out
            return new Bound(
                    SettingsSectionsBinder.bindRecord(
                            List.of(new MapConfigurationPropertySource(properties)),
                            null,
                            ConfigurationPropertyName.of(prefix),
                            type),
                    property.substring(prefix.length() + 1));
        }
        // and a section's records (the decoys' entries) as well, as SettingsSectionsBinder binds them
        Binder binder = new Binder(
                List.of(
                        new MapConfigurationPropertySource(properties),
                        new RecordDefaults(ConfigurationPropertyName.of(prefix), type)),
                null,
                ApplicationConversionService.getSharedInstance());
        Object root = binder.bindOrCreate(
                prefix, Bindable.of(springTypes.get(prefix)), new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        return new Bound(root, property.substring(prefix.length() + 1));
    }

    /** Whether {@code property} is under a component of {@code record}, bound at {@code abuse-guard}. */
    private static boolean isComponentOf(Class<?> record, String property) {
        String first = property.substring(PREFIX.length() + 1).split("[.\\[]")[0];
        return java.util.Arrays.stream(record.getRecordComponents())
                .anyMatch(component -> component
                        .getName()
                        .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                        .toLowerCase(java.util.Locale.ROOT)
                        .equals(first));
    }

    private static Bound servletBinding(String property, Map<String, String> properties) {
        try {
            Path file = Files.createTempFile(files, "settings", ".properties");
            Properties values = new Properties();
            values.putAll(properties);
            if (values.isEmpty()) {
                values.put("abuse-guard.mode", "enforce"); // the default: an empty file fails start-up (probe47c F7)
            }
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                values.store(writer, null);
            }
            AbuseGuardSettings settings = SettingsFile.load(file);
            String path = property.substring(PREFIX.length() + 1);
            String section = settings.sectionTypes().stream()
                    .map(SettingsSection::name)
                    .filter(name -> path.startsWith(name + "."))
                    .max((a, b) -> a.length() - b.length())
                    .orElse(null);
            return section == null
                    ? new Bound(settings.engine(), path)
                    : new Bound(settings.section(section), path.substring(section.length() + 1));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---- the README table

    private static List<Documented> readme() throws IOException {
        Path readme = Path.of(System.getProperty("user.dir")).getParent().resolve("README.md");
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        int start = lines.indexOf("## Configuration reference");
        assertThat(start).as("README has a Configuration reference section").isNotNegative();
        List<Documented> documented = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            String line = lines.get(i);
            if (line.startsWith("| `" + PREFIX + ".") || line.startsWith("| `" + PREFIX + "`")) {
                documented.addAll(row(line));
            }
        }
        return documented;
    }

    /** One table row: several properties written {@code `a.b.c` / `.d`}, their defaults split alike. */
    static List<Documented> row(String line) {
        String[] cells = line.substring(1, line.lastIndexOf('|')).split(" \\| ", -1);
        List<String> names = new ArrayList<>();
        Matcher code = CODE.matcher(cells[0]);
        while (code.find()) {
            names.add(code.group(1));
        }
        String meaning = cells[2];
        boolean springOnly = SPRING_ONLY.matcher(meaning).find() || names.get(0).startsWith(PREFIX + ".bounce-");
        List<Documented> result = new ArrayList<>();
        if (names.get(0).contains("*")) {
            // `abuse-guard.client-signals.*-score`: the names and defaults are listed in the meaning.
            Matcher pair = Pattern.compile("([a-z][a-z-]*) (\\d+)").matcher(meaning);
            while (pair.find()) {
                result.add(new Documented(names.get(0).replace("*", pair.group(1)), pair.group(2), springOnly));
            }
            return result;
        }
        String[] defaults = names.size() > 1 ? cells[1].split(" / ") : new String[] {cells[1]};
        if (defaults.length == 1) {
            // one default written for every property of the row
            defaults = java.util.Collections.nCopies(names.size(), defaults[0]).toArray(String[]::new);
        }
        assertThat(defaults).as("defaults of %s", line).hasSize(names.size());
        String first = concrete(names.get(0));
        for (int n = 0; n < names.size(); n++) {
            String name = n == 0 ? first : first.substring(0, first.lastIndexOf('.')) + concrete(names.get(n));
            result.add(new Documented(name, unquote(defaults[n].trim()), springOnly));
        }
        return result;
    }

    private static String concrete(String name) {
        return name.replace("NAME", RULE_NAME).replace("KEY", MAP_KEY).replace("[i]", "[0]");
    }

    private static String unquote(String text) {
        return text.startsWith("`") && text.endsWith("`") && text.length() > 1
                ? text.substring(1, text.length() - 1)
                : text;
    }

    // ---- defaults of a property inside a named entry need the entry to exist

    private static boolean isInNamedEntry(String property) {
        return property.contains("." + RULE_NAME + ".") || property.contains("[0]");
    }

    /**
     * Another documented property of the same named entry ({@code rules.sample.*}), bound so that the
     * entry exists and its other properties show their defaults; empty outside a named entry or when
     * the entry has no other documented property.
     */
    private static Optional<String> sibling(String property) {
        if (!isInNamedEntry(property)) {
            return Optional.empty();
        }
        String entry = property.contains("[0]")
                ? property.substring(0, property.indexOf("[0]") + 3)
                : property.substring(0, property.indexOf("." + RULE_NAME + ".") + RULE_NAME.length() + 1);
        try {
            return readme().stream()
                    .map(Documented::property)
                    .filter(other -> other.startsWith(entry + ".") && !other.equals(property))
                    .filter(other -> other.indexOf('.', entry.length() + 1) < 0)
                    .findFirst();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A sample value for another property bound alongside, of the type that property has. */
    private static Map<String, String> siblingValues(String property, Binding binding) {
        return sibling(property)
                .map(other -> {
                    Bound empty = binding.bind(other, Map.of());
                    return Map.of(
                            other,
                            sample(type(empty.root().getClass(), empty.path(), other), null)
                                    .text());
                })
                .orElse(Map.of());
    }

    // ---- reading back through the property path

    private static List<String> tokens(String path) {
        List<String> tokens = new ArrayList<>();
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            if (bracket < 0) {
                tokens.add(part);
            } else {
                tokens.add(part.substring(0, bracket));
                tokens.add(part.substring(bracket));
            }
        }
        return tokens;
    }

    private static Object read(Object root, String path, String property) {
        Object node = root;
        for (String token : tokens(path)) {
            if (node == null) {
                return null;
            }
            if (node instanceof Map<?, ?> map) {
                node = map.get(token);
            } else if (node instanceof List<?> list) {
                int index = Integer.parseInt(token.substring(1, token.length() - 1));
                node = index < list.size() ? list.get(index) : null;
            } else {
                try {
                    node = getter(node.getClass(), token, property).invoke(node);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(property + ": " + e, e);
                }
            }
        }
        return node;
    }

    private static Type type(Class<?> rootType, String path, String property) {
        Type type = rootType;
        for (String token : tokens(path)) {
            Class<?> raw = raw(type);
            if (Map.class.isAssignableFrom(raw)) {
                type = argument(type, 1);
            } else if (List.class.isAssignableFrom(raw)) {
                type = argument(type, 0);
            } else {
                type = getter(raw, token, property).getGenericReturnType();
            }
        }
        return type;
    }

    private static Method getter(Class<?> type, String token, String property) {
        StringBuilder camel = new StringBuilder();
        for (String word : token.split("-")) {
            camel.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        String component = Character.toLowerCase(camel.charAt(0)) + camel.substring(1);
        if (type.isRecord()) {
            for (java.lang.reflect.RecordComponent candidate : type.getRecordComponents()) {
                if (candidate.getName().equals(component)) {
                    return candidate.getAccessor();
                }
            }
        }
        // a record-style accessor of a class, such as AbuseGuardProperties.report()
        for (String prefix : List.of("", "get", "is")) {
            try {
                return type.getMethod(prefix.isEmpty() ? component : prefix + camel);
            } catch (NoSuchMethodException e) {
                // try the other accessor style
            }
        }
        throw new AssertionError(property + ": " + type.getName() + " has no property '" + token + "'");
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType parameterized
                ? (Class<?>) parameterized.getRawType()
                : (Class<?>) type;
    }

    private static Type argument(Type type, int index) {
        // A named map type (class Named extends LinkedHashMap<String, X>) carries its arguments on its superclass.
        Type parameterized = type instanceof Class<?> named ? named.getGenericSuperclass() : type;
        return ((ParameterizedType) parameterized).getActualTypeArguments()[index];
    }

    // ---- samples: a value of the property's type that differs from its default

    record Sample(String text, Object value) {}

    /** Samples of the properties whose records refuse a value of the right type that cannot work. */
    private static final Map<String, Sample> CHECKED_AT_BINDING = Map.of(
            PREFIX + ".bounce-notifications.topic-arns",
            new Sample("arn:aws:sns:eu-west-1:1:sample", List.of("arn:aws:sns:eu-west-1:1:sample")),
            PREFIX + ".bounce-notifications.secret",
            new Sample("sample-secret-0123456789", "sample-secret-0123456789"));

    private static Sample sample(Type type, Object current) {
        Class<?> raw = raw(type);
        if (raw == boolean.class || raw == Boolean.class) {
            boolean value = !Boolean.TRUE.equals(current);
            return new Sample(Boolean.toString(value), value);
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            long value = current == null ? 7 : ((Number) current).longValue() + 1;
            return new Sample(Long.toString(value), value);
        }
        if (raw == double.class || raw == Double.class) {
            double value = current == null || ((Number) current).doubleValue() == 0
                    ? 0.5
                    : ((Number) current).doubleValue() / 2;
            return new Sample(Double.toString(value), value);
        }
        if (raw == Duration.class) {
            Duration value = current == null ? Duration.ofSeconds(7) : ((Duration) current).plusSeconds(1);
            return new Sample(value.toMillis() + "ms", value);
        }
        if (raw.isEnum()) {
            Object value = Arrays.stream(raw.getEnumConstants())
                    .filter(constant -> !constant.equals(current))
                    .findFirst()
                    .orElseThrow();
            return new Sample(normal(value).toString(), value);
        }
        if (raw == String.class) {
            String value = "/sample-" + (current == null ? "value" : "other");
            return new Sample(value, value);
        }
        if (List.class.isAssignableFrom(raw) && raw(argument(type, 0)) == String.class) {
            return new Sample("/sample-one,/sample-two", List.of("/sample-one", "/sample-two"));
        }
        if (List.class.isAssignableFrom(raw) && raw(argument(type, 0)).isEnum()) {
            // One constant of the enum: a list bound whole replaces a default holding several.
            Object value = raw(argument(type, 0)).getEnumConstants()[0];
            return new Sample(normal(value).toString(), List.of(value));
        }
        throw new AssertionError("no sample for a property of type " + type + ": teach this test the type");
    }

    // ---- comparing values and documented defaults

    private static Object normal(Object value) {
        if (value instanceof Enum<?> constant) {
            return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (value instanceof Number number) {
            return new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Collection<?> values) {
            return values.stream().map(ReadmeReferenceTest::normal).toList();
        }
        if (value instanceof Duration || value instanceof Boolean) {
            return value.toString();
        }
        return value;
    }

    static boolean matchesDocumentedDefault(Object bound, String documented) {
        Object value = normal(bound);
        if (documented.equals("none") || documented.equals("empty")) {
            return value == null
                    || value.equals("")
                    || value instanceof Collection<?> values && values.isEmpty()
                    || value instanceof Map<?, ?> map && map.isEmpty();
        }
        if (value instanceof Collection<?> values) {
            if (EVERYTHING.contains(documented) && values.isEmpty()) {
                return true;
            }
            List<String> items = Arrays.stream(documented.split(","))
                    .map(item -> unquote(item.trim()))
                    .toList();
            return values.equals(items);
        }
        if (bound instanceof Duration duration) {
            return duration.equals(SettingsBinder.duration("default", documented));
        }
        if (bound instanceof Number) {
            return value.equals(normal(new BigDecimal(documented)));
        }
        return String.valueOf(value).equals(documented);
    }
}
