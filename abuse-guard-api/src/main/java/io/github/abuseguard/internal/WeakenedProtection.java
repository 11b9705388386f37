package io.github.abuseguard.internal;

import io.github.abuseguard.GuardRule;
import io.github.abuseguard.Mode;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.RuleScopeSettings;
import io.github.abuseguard.config.SettingsSection;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        warnIfCrossSiteTurnedDown(engine);
        warnAboutExemptRules(settings, annotated, exempt, monitored);
    }

    /**
     * The cross-site check is on by default and runs before every guard, but is no section of its own, so
     * {@link #warnIfTurnedDown} does not see it (cfg24 F3).
     */
    private static void warnIfCrossSiteTurnedDown(EngineSettings engine) {
        EngineSettings.CrossSite crossSite = engine.crossSite();
        if (!crossSite.enabled()) {
            log.warn("abuse-guard.cross-site.enabled=false: the cross-site check is off; what another site's page"
                    + " makes a browser send to a watched route is no longer refused");
        } else if (crossSite.mode() == Mode.MONITOR && engine.mode() == Mode.ENFORCE) {
            log.warn("abuse-guard.cross-site.mode=monitor: the cross-site check only reports what it would refuse;"
                    + " it refuses no request");
        }
    }

    private static void warnIfTurnedDown(
            AbuseGuardSettings all,
            SettingsSection<?> section,
            Map<String, ? extends List<? extends GuardRule>> annotated) {
        if (!(all.section(section.name()) instanceof GuardSettings settings)
                || !(section.newSettings() instanceof GuardSettings defaults)) {
            return;
        }
        String prefix = AbuseGuardSettings.PREFIX + "." + section.name();
        if (defaults.enabled() && !settings.enabled()) {
            List<? extends GuardRule> rules = annotated.get(section.name());
            int count = rules == null ? 0 : rules.size();
            log.warn(
                    "{}.enabled=false: the {} guard is off; none of its rules applies{}",
                    prefix,
                    section.name(),
                    count == 0 ? "" : ", " + count + " from controller annotations included");
        } else if (settings.enabled()
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
                    warnIfCovered(where, covers, rule.paths());
                }));
        annotated.values().forEach(rules -> rules.forEach(rule -> warnIfCovered(rule.source(), covers, rule.paths())));
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

    private static @Nullable Object read(RecordComponent component, Record record) {
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
    private static void warnIfCovered(String rule, List<Cover> covers, @Nullable List<String> paths) {
        for (Cover cover : covers) {
            List<String> covering = coveringPatterns(cover.patterns(), paths);
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
    private static @Nullable List<String> coveringPatterns(List<String> patterns, @Nullable List<String> paths) {
        if (patterns.isEmpty() || paths == null || paths.isEmpty()) {
            return null;
        }
        List<String> covering = new ArrayList<>();
        for (String path : paths) {
            String by = coveringPattern(patterns, path);
            if (by == null) {
                return null;
            }
            if (!covering.contains(by)) {
                covering.add(by);
            }
        }
        return covering;
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
