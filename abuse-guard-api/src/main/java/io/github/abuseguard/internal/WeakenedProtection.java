package io.github.abuseguard.internal;

import io.github.abuseguard.GuardRule;
import io.github.abuseguard.Mode;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.RuleScopeSettings;
import io.github.abuseguard.config.SettingsSection;
import io.github.abuseguard.discovery.InventorySettings;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up warnings, one per switch, of configuration that turns protection down, shared by the plain
 * servlet filter and the Spring Boot starter so that both say the same (cfgrest 1: a plain-servlet user got
 * silence): abuse-guard off, the engine, a guard or the cross-site check in monitor mode, a guard or the
 * cross-site check that is on by default switched off, and a rule whose every path an exempt or monitored
 * pattern covers ({@code /**} in {@code routes.exempt} or {@code routes.monitor} says so of every rule). Each
 * is legitimate (a rollout, an incident), so a warning, not an error; but a switch left over from a test must
 * not pass unseen (probe19 L2). What only a host knows (the starter's annotations, its Actuator port, Spring
 * Security's order) it passes in or warns about itself.
 */
public final class WeakenedProtection {

    private static final Logger log = LoggerFactory.getLogger(WeakenedProtection.class);

    private WeakenedProtection() {}

    /**
     * Route patterns exempt or monitored other than by the properties, such as the starter's
     * {@code @AbuseGuardExempt}, with the name a warning gives them.
     */
    public record Declared(String by, List<String> patterns) {

        /** None. */
        public static final Declared NONE = new Declared("", List.of());
    }

    /** The warnings of {@code settings} alone, for a host without rules of its own (the plain servlet filter). */
    public static void warn(AbuseGuardSettings settings) {
        warn(settings, Map.of(), Declared.NONE, Declared.NONE);
    }

    /**
     * The warnings of {@code settings} and of what the host declares besides.
     *
     * @param annotated rules declared other than by the properties, by the section of their guard; each named
     *     by its {@link GuardRule#source()}
     * @param exempt routes the host exempts besides {@code routes.exempt}
     * @param monitored routes the host monitors besides {@code routes.monitor}
     */
    public static void warn(
            AbuseGuardSettings settings,
            Map<String, ? extends List<? extends GuardRule>> annotated,
            Declared exempt,
            Declared monitored) {
        EngineSettings engine = settings.engine();
        if (!engine.enabled()) {
            log.warn("abuse-guard.enabled=false: abuse-guard is off; no request is checked");
            return;
        }
        if (engine.mode() == Mode.MONITOR) {
            log.warn("abuse-guard.mode=monitor: every guard only reports what it would deny; no request is denied");
        }
        for (SettingsSection<?> section : settings.sectionTypes()) {
            warnIfTurnedDown(settings, section, annotated);
        }
        warnAboutUnusedStoreSettings(settings);
        warnIfCrossSiteTurnedDown(engine);
        warnAboutExemptRules(settings, annotated, exempt, monitored);
    }

    /**
     * Whether every path of a rule (for its {@code methods}, all where none) is covered by one of {@code markers} (route
     * patterns such as {@code routes.monitor}'s, or method-qualified markers): the rule then applies to none of its
     * requests as written.
     */
    public static boolean everyPathCovered(
            List<String> markers, @Nullable List<String> paths, @Nullable Collection<String> methods) {
        return coveringPatterns(markers, paths, methods) != null;
    }

    /**
     * The cross-site check is on by default and runs before every guard, but is no section of its own, so
     * {@link #warnIfTurnedDown} does not see it (cfg24 F3).
     */
    private static void warnIfCrossSiteTurnedDown(EngineSettings engine) {
        EngineSettings.CrossSite crossSite = engine.crossSite();
        if (!crossSite.enabled()) {
            log.warn(
                    "abuse-guard.cross-site.enabled=false: the cross-site check is off; what another site's page"
                            + " makes a browser send to a watched route is no longer refused{}",
                    unused(changedProperties(
                            AbuseGuardSettings.PREFIX + ".cross-site",
                            crossSite,
                            SettingsBinder.defaults(EngineSettings.CrossSite.class))));
        } else if (crossSite.mode() == Mode.MONITOR && engine.mode() == Mode.ENFORCE) {
            log.warn("abuse-guard.cross-site.mode=monitor: the cross-site check only reports what it would refuse;"
                    + " it refuses no request");
        }
    }

    private static void warnIfTurnedDown(
            AbuseGuardSettings all,
            SettingsSection<?> section,
            Map<String, ? extends List<? extends GuardRule>> annotated) {
        String prefix = AbuseGuardSettings.PREFIX + "." + section.name();
        if (!(all.section(section.name()) instanceof GuardSettings settings)
                || !(section.newSettings() instanceof GuardSettings defaults)) {
            if (!section.name().startsWith(STORE_SECTION)) {
                // a module's section (the browser proof, the tarpit), which may have a switch of its own
                warnIfSwitchedOff(prefix, all.section(section.name()));
            }
            return;
        }
        if (defaults.enabled() && !settings.enabled()) {
            List<? extends GuardRule> rules = annotated.get(section.name());
            int count = rules == null ? 0 : rules.size();
            log.warn(
                    "{}.enabled=false: the {} guard is off; none of its rules applies{}{}",
                    prefix,
                    section.name(),
                    count == 0 ? "" : ", " + count + " from controller annotations included",
                    unused(changedProperties(prefix, settings, defaults)));
            return;
        }
        warnAboutSwitchedOffParts(prefix, settings);
        if (settings.enabled()
                && defaults.mode() == Mode.ENFORCE
                && settings.mode() == Mode.MONITOR
                && all.engine().mode() == Mode.ENFORCE) {
            log.warn(
                    "{}.mode=monitor: the {} guard only reports what it would deny; it denies no request",
                    prefix,
                    section.name());
        }
    }

    /**
     * A rule whose every path {@code routes.exempt} (or a host's exemption) covers never applies, and one
     * whose every path {@code routes.monitor} (or a host's monitoring) covers only reports (cfg24 F3, F4);
     * {@code /**} in either property says so of every rule.
     */
    private static void warnAboutExemptRules(
            AbuseGuardSettings settings,
            Map<String, ? extends List<? extends GuardRule>> annotated,
            Declared exempt,
            Declared monitored) {
        EngineSettings.Routes routes = settings.engine().routes();
        List<String> exemptRoutes = patterns(routes.exempt());
        // with the engine in monitor mode, which is a warning of its own, monitored routes change nothing
        boolean enforcing = settings.engine().mode() == Mode.ENFORCE;
        List<String> monitorRoutes = enforcing ? patterns(routes.monitor()) : List.of();
        if (exemptRoutes.contains("/**")) {
            log.warn("abuse-guard.routes.exempt has '/**': every path is exempt, so no guard checks any request");
            return;
        }
        if (monitorRoutes.contains("/**")) {
            log.warn("abuse-guard.routes.monitor has '/**': every guard only reports what it would deny on every"
                    + " path; no request is denied");
            monitorRoutes = List.of();
        }
        for (String marker : exemptRoutes) {
            if (!RouteMarker.pathOf(marker).equals(marker.strip())
                    && RouteMarker.pathOf(marker).equals("/**")) {
                log.warn(
                        "abuse-guard.routes.exempt has '{}': every path is exempt for that method, so no guard checks"
                                + " any such request",
                        marker.strip());
            }
        }
        List<Cover> covers = new ArrayList<>();
        covers.add(new Cover("abuse-guard.routes.exempt", exemptRoutes, "exempt", "never applies"));
        covers.add(new Cover(exempt.by(), exempt.patterns(), "exempt", "never applies"));
        covers.add(
                new Cover("abuse-guard.routes.monitor", monitorRoutes, "monitored", "only reports what it would deny"));
        if (enforcing) {
            covers.add(new Cover(monitored.by(), monitored.patterns(), "monitored", "only reports what it would deny"));
        }
        covers.removeIf(cover -> cover.patterns().isEmpty());
        if (covers.isEmpty()) {
            return;
        }
        configuredRules(settings)
                .forEach((section, rules) -> rules.forEach((name, rule) -> {
                    String where = AbuseGuardSettings.PREFIX + "." + section + ".rules." + name;
                    warnIfCovered(where, covers, rule.paths(), rule.methods());
                }));
        annotated
                .values()
                .forEach(rules ->
                        rules.forEach(rule -> warnIfCovered(rule.source(), covers, rule.paths(), rule.methods())));
    }

    /**
     * One WARN per section of a store that {@code store.type} does not name, such as {@code store.redis.*} with
     * {@code store.type=local}, naming its settings that differ from the defaults: they configure nothing, and
     * state stays in each instance (cfg36). A warning, not an error: a profile that keeps state local (tests, a
     * single instance) can only override {@code store.type}, never remove the shared file's Redis settings.
     */
    private static void warnAboutUnusedStoreSettings(AbuseGuardSettings settings) {
        String type = settings.engine().store().type();
        for (SettingsSection<?> section : settings.sectionTypes()) {
            String name = section.name();
            if (!name.startsWith(STORE_SECTION)
                    || name.substring(STORE_SECTION.length()).equalsIgnoreCase(type)) {
                continue;
            }
            List<String> changed = changedProperties(
                    AbuseGuardSettings.PREFIX + "." + name, settings.section(name), section.newSettings());
            if (!changed.isEmpty()) {
                log.warn(
                        "abuse-guard.store.type={}: the {} store is not used; these settings take no effect: {}",
                        type,
                        name.substring(STORE_SECTION.length()),
                        listed(changed));
            }
        }
    }

    /** The name of a store's section starts with this, such as {@code store.redis}. */
    private static final String STORE_SECTION = "store.";

    /**
     * One WARN per part of an enabled section that its own {@code enabled} switches off (a failure rule's
     * {@code under-attack}, a surge, the volume guard's {@code only-reads}), naming its settings that differ from
     * the defaults: they take no effect until the part is switched on (cfg36). A warning, not an error: a part
     * prepared in a shared file and switched on by one environment's profile is legitimate.
     */
    private static void warnAboutSwitchedOffParts(String prefix, @Nullable Object settings) {
        if (!(settings instanceof Record record)) {
            return;
        }
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            warnIfSwitchedOff(prefix + "." + kebab(component.getName()), read(component, record));
        }
    }

    /** The warning of {@link #warnAboutSwitchedOffParts} for {@code value} at {@code at}, or for the parts within it. */
    private static void warnIfSwitchedOff(String at, @Nullable Object value) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, entry) -> warnIfSwitchedOff(at + "." + key, entry));
        } else if (value instanceof Record part) {
            if (isSwitchedOff(part)) {
                List<String> changed = changedProperties(at, part, defaultsOf(part));
                if (!changed.isEmpty()) {
                    log.warn("{}.enabled=false: this part is off{}", at, unused(changed));
                }
            } else {
                warnAboutSwitchedOffParts(at, part);
            }
        }
    }

    /** Whether a record has a boolean {@code enabled} component that is false. */
    private static boolean isSwitchedOff(Record record) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            if (component.getName().equals("enabled") && component.getType() == boolean.class) {
                return Boolean.FALSE.equals(read(component, record));
            }
        }
        return false;
    }

    private static @Nullable Object defaultsOf(Record record) {
        try {
            return SettingsBinder.defaults(record.getClass());
        } catch (IllegalArgumentException | IllegalStateException noDefaults) {
            return null; // a record that refuses its defaults: every setting of it counts as given
        }
    }

    /**
     * The properties under {@code prefix} whose values in {@code settings} differ from {@code defaults}, leaving out
     * {@code enabled} and {@code mode} (the switches the warning is about) and the endpoint inventory's properties,
     * which run whether or not their section's guard does: a nested record by its own properties, a map by its
     * entries ({@code rules.signup}), anything else by its name.
     */
    static List<String> changedProperties(String prefix, @Nullable Object settings, @Nullable Object defaults) {
        List<String> changed = new ArrayList<>();
        collectChanged(prefix, settings, defaults, changed);
        return changed;
    }

    private static void collectChanged(
            String prefix, @Nullable Object settings, @Nullable Object defaults, List<String> changed) {
        if (!(settings instanceof Record record)) {
            return;
        }
        Set<String> skipped = new HashSet<>(Set.of("enabled", "mode"));
        if (settings instanceof InventorySettings) {
            for (java.lang.reflect.Method method : InventorySettings.class.getDeclaredMethods()) {
                skipped.add(method.getName());
            }
        }
        Record base = defaults instanceof Record same && same.getClass() == record.getClass() ? same : null;
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            if (skipped.contains(component.getName())) {
                continue;
            }
            Object value = read(component, record);
            Object byDefault = base == null ? null : read(component, base);
            String at = prefix + "." + kebab(component.getName());
            if (Objects.equals(value, byDefault)) {
                continue;
            }
            if (value instanceof Record && byDefault instanceof Record) {
                collectChanged(at, value, byDefault, changed);
            } else if (value instanceof Map<?, ?> map && !map.isEmpty()) {
                map.keySet().forEach(key -> changed.add(at + "." + key));
            } else if (!(value instanceof Map<?, ?>) && !(value instanceof java.util.Collection<?> c && c.isEmpty())) {
                changed.add(at);
            }
        }
    }

    /** What a warning adds for settings that take no effect: nothing when there are none. */
    private static String unused(List<String> changed) {
        return changed.isEmpty() ? "" : "; these settings take no effect: " + listed(changed);
    }

    /** The most property names one warning lists. */
    private static final int MAX_LISTED = 12;

    private static String listed(List<String> properties) {
        return properties.size() <= MAX_LISTED
                ? String.join(", ", properties)
                : String.join(", ", properties.subList(0, MAX_LISTED)) + " and " + (properties.size() - MAX_LISTED)
                        + " more";
    }

    private static String kebab(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The configured rules of every enabled guard whose rules have paths, by section: the entries of each
     * guard section's {@code rules} map that are {@link RuleScopeSettings}, found without naming a guard (the
     * core names none).
     */
    public static Map<String, Map<String, ? extends RuleScopeSettings>> configuredRules(AbuseGuardSettings settings) {
        Map<String, Map<String, ? extends RuleScopeSettings>> rules = new LinkedHashMap<>();
        for (SettingsSection<?> section : settings.sectionTypes()) {
            if (!(settings.section(section.name()) instanceof GuardSettings guard)
                    || !guard.enabled()
                    || !(guard instanceof Record record)) {
                continue;
            }
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                if (component.getName().equals("rules") && read(component, record) instanceof Map<?, ?> map) {
                    Map<String, RuleScopeSettings> scoped = new LinkedHashMap<>();
                    map.forEach((name, rule) -> {
                        if (rule instanceof RuleScopeSettings scope) {
                            scoped.put(String.valueOf(name), scope);
                        }
                    });
                    if (!scoped.isEmpty()) {
                        rules.put(section.name(), scoped);
                    }
                }
            }
        }
        return rules;
    }

    /**
     * The value of a settings record's component.
     *
     * @throws IllegalStateException if its accessor cannot be called
     */
    public static @Nullable Object read(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(
                    "cannot read " + component + " of " + record.getClass().getName(), e);
        }
    }

    /** Route patterns of one kind, named as the warning names them, and what they do to a rule they cover. */
    private record Cover(String by, List<String> patterns, String are, String effect) {}

    private static List<String> patterns(@Nullable List<String> patterns) {
        return patterns == null ? List.of() : patterns;
    }

    /** One warning, about the first of {@code covers} (exempt before monitored) that covers every path of the rule. */
    private static void warnIfCovered(
            String rule, List<Cover> covers, @Nullable List<String> paths, @Nullable Collection<String> methods) {
        for (Cover cover : covers) {
            List<String> covering = coveringPatterns(cover.patterns(), paths, methods);
            if (covering != null) {
                log.warn(
                        "{}: every path of the rule ({}) is {} by {} {}, so the rule {}",
                        rule,
                        String.join(", ", paths),
                        cover.are(),
                        cover.by(),
                        covering,
                        cover.effect());
                return;
            }
        }
    }

    /** The patterns that together cover every path of the rule, or {@code null} when some path is left uncovered. */
    private static @Nullable List<String> coveringPatterns(
            List<String> patterns, @Nullable List<String> paths, @Nullable Collection<String> methods) {
        if (patterns.isEmpty() || paths == null || paths.isEmpty()) {
            return null;
        }
        List<String> covering = new ArrayList<>();
        for (String path : paths) {
            List<String> by = coveringMarkers(patterns, path, methods);
            if (by == null) {
                return null;
            }
            for (String marker : by) {
                if (!covering.contains(marker)) {
                    covering.add(marker);
                }
            }
        }
        return covering;
    }

    /**
     * The markers that cover every request of the rule on {@code path}: one for every method, or those for one
     * method ({@code GET /x}) that together name each of the rule's methods; {@code null} when none do. A rule of
     * every method is covered only by a marker of every method.
     */
    private static @Nullable List<String> coveringMarkers(
            List<String> markers, String path, @Nullable Collection<String> methods) {
        List<String> plain = new ArrayList<>();
        List<String> qualified = new ArrayList<>();
        for (String marker : markers) {
            (RouteMarker.pathOf(marker).equals(marker.strip()) ? plain : qualified).add(marker);
        }
        String every = coveringPattern(plain, path);
        if (every != null) {
            return List.of(every);
        }
        if (methods == null || methods.isEmpty() || qualified.isEmpty()) {
            return null;
        }
        List<String> by = new ArrayList<>();
        for (String method : methods) {
            String found = null;
            for (String marker : qualified) {
                RouteMarker read;
                try {
                    read = RouteMarker.parse(marker);
                } catch (IllegalArgumentException unreadable) {
                    continue;
                }
                if (read.takes(method) && covers(RouteMarker.pathOf(marker), path)) {
                    found = marker;
                    break;
                }
            }
            if (found == null) {
                return null;
            }
            by.add(found);
        }
        return by;
    }

    /** The exempt pattern that matches every path of {@code path}, or {@code null}; conservative. */
    public static @Nullable String coveringPattern(List<String> exempt, String path) {
        for (String pattern : exempt) {
            if (pattern != null && covers(pattern, path)) {
                return pattern;
            }
        }
        return null;
    }

    /**
     * Whether exempt {@code pattern} matches every path of rule path {@code path}: {@code /**}, a
     * literal prefix ending in {@code /**} the rule path lies under, or a pattern without {@code **}
     * that matches every path of a rule path without {@code **}. Anything else counts as not covered.
     */
    public static boolean covers(String pattern, String path) {
        if (pattern.equals("/**")) {
            return true;
        }
        if (pattern.endsWith("/**")) {
            String prefix = pattern.substring(0, pattern.length() - 3);
            if (prefix.indexOf('*') < 0 && prefix.indexOf('{') < 0 && prefix.indexOf('?') < 0) {
                return path.startsWith(prefix + "/");
            }
            return false;
        }
        try {
            return PathPattern.parse(pattern).matchesEveryPathOf(PathPattern.parse(path));
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
    }
}
