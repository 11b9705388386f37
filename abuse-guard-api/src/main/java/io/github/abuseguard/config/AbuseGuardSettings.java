package io.github.abuseguard.config;

import io.github.abuseguard.internal.SettingsBinder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The {@code abuse-guard.*} configuration: the engine's own properties ({@link EngineSettings}: mode,
 * risk, failure policy, client identity, routes, store, decision log), plus one settings record
 * per {@link SettingsSection} on the class path ({@code rate-limit}, {@code origin}, ...,
 * {@code body} and {@code responses} from the servlet module, {@code store.redis} from the Redis module, and any
 * application guard's). Plain servlet apps fill it from a YAML or properties file with
 * {@link SettingsBinder}; the Spring Boot starter with Spring's binder. The one assembly path
 * ({@link io.github.abuseguard.internal.SettingsAssembler}, behind the servlet filter and the starter)
 * validates it and builds the engine; every problem it finds names the property.
 */
public class AbuseGuardSettings {

    /** The prefix of every property. */
    public static final String PREFIX = "abuse-guard";

    /** The top-level names the engine's own properties take, which no section may claim. */
    static final Set<String> ENGINE_PROPERTIES = engineProperties();

    private EngineSettings engine = SettingsBinder.defaults(EngineSettings.class);
    private final Map<String, Object> sections = new LinkedHashMap<>();
    private final List<SettingsSection<?>> sectionTypes;

    /**
     * Settings from flat properties, as a properties file holds them: every {@code abuse-guard.*} entry is
     * bound, the others are ignored. Pass an ordered map to keep the order of rules.
     *
     * @throws InvalidSettingException naming the property of an unknown key or a value that does not convert
     */
    public static AbuseGuardSettings bind(Map<String, String> properties) {
        return SettingsBinder.bind(properties);
    }

    /** Settings with every default, and a section for each {@link SettingsSection} this class's loader finds. */
    public AbuseGuardSettings() {
        this(AbuseGuardSettings.class.getClassLoader());
    }

    /** Settings with every default, and a section for each {@link SettingsSection} {@code loader} finds. */
    public AbuseGuardSettings(ClassLoader loader) {
        this.sectionTypes = sectionsOnClassPath(loader);
        for (SettingsSection<?> section : sectionTypes) {
            sections.put(section.name(), section.newSettings());
        }
    }

    /**
     * Every section registered with {@link java.util.ServiceLoader}, as {@link GuardFactory} or as
     * {@link SettingsSection}, in registration order.
     *
     * @throws IllegalStateException if two sections claim one name, or one claims a property of the engine
     */
    public static List<SettingsSection<?>> sectionsOnClassPath(ClassLoader loader) {
        List<SettingsSection<?>> found = new ArrayList<>();
        for (GuardFactory<?> factory : ServiceLoader.load(GuardFactory.class, loader)) {
            found.add(factory);
        }
        for (SettingsSection<?> section : ServiceLoader.load(SettingsSection.class, loader)) {
            found.add(section);
        }
        Set<String> names = new HashSet<>(ENGINE_PROPERTIES);
        for (SettingsSection<?> section : found) {
            if (!section.name().matches("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)?")) {
                throw new IllegalStateException(section.getClass().getName() + " names its section '" + section.name()
                        + "'; use kebab-case, such as my-guard");
            }
            if (!names.add(section.name())) {
                throw new IllegalStateException("two settings sections are named '" + section.name() + "', one of them "
                        + section.getClass().getName());
            }
        }
        return List.copyOf(found);
    }

    /** The sections these settings hold, in registration order. */
    public List<SettingsSection<?>> sectionTypes() {
        return sectionTypes;
    }

    /**
     * The settings object of section {@code name}, such as {@code rate-limit}.
     *
     * @throws IllegalArgumentException if no module on the class path contributes that section
     */
    public Object section(String name) {
        Object section = sections.get(name);
        if (section == null) {
            throw new IllegalArgumentException("no settings section '" + name + "'; known: " + sections.keySet());
        }
        return section;
    }

    /**
     * The settings object of type {@code type}, such as {@code RateLimitSettings.class}: the section of
     * exactly that type, or else the first whose object is an instance of it (a host may bind a section
     * into a subclass of its type, as the Spring Boot starter's {@code RateLimitProperties}).
     *
     * @throws IllegalArgumentException if no section has that type
     */
    public <S> S section(Class<S> type) {
        for (Object section : sections.values()) {
            if (section.getClass() == type) {
                return type.cast(section);
            }
        }
        for (Object section : sections.values()) {
            if (type.isInstance(section)) {
                return type.cast(section);
            }
        }
        // the type loaded, so its module is on the class path: its service file was not read (user76 F1)
        throw new IllegalArgumentException("no settings section of type " + type.getName() + ": its module is on the"
                + " class path but its META-INF/services/" + SettingsSection.class.getName() + " was not read; a fat"
                + " jar must merge the modules' service files (maven-shade-plugin's ServicesResourceTransformer,"
                + " Gradle shadow's mergeServiceFiles())");
    }

    /**
     * Replaces section {@code name}'s settings, as a binder that built its own object does.
     *
     * @throws IllegalArgumentException if no section has that name, or {@code settings} is not of its type
     */
    public void replaceSection(String name, Object settings) {
        section(name);
        java.util.Objects.requireNonNull(settings, "settings");
        for (SettingsSection<?> section : sectionTypes) {
            if (section.name().equals(name) && !section.settingsType().isInstance(settings)) {
                throw new IllegalArgumentException(
                        "section '" + name + "' holds " + section.settingsType().getName() + ", not "
                                + settings.getClass().getName());
            }
        }
        sections.put(name, settings);
    }

    /** The names of {@link EngineSettings}' components in kebab-case, such as {@code failure-policy}. */
    private static Set<String> engineProperties() {
        Set<String> names = new HashSet<>();
        for (java.lang.reflect.RecordComponent component : EngineSettings.class.getRecordComponents()) {
            names.add(
                    component.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT));
        }
        return Set.copyOf(names);
    }

    /** The engine's own properties. */
    public EngineSettings engine() {
        return engine;
    }

    /** Replaces the engine's own properties, as a binder that built them does. */
    public void replaceEngine(EngineSettings engine) {
        this.engine = java.util.Objects.requireNonNull(engine, "engine");
    }
}
