package io.github.abuseguard.spring;

import io.github.abuseguard.GuardRule;
import io.github.abuseguard.Mode;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.SettingsSection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;

/**
 * Warns at start-up, once per switch, when configuration turns protection down: abuse-guard off, the
 * engine, a guard or the cross-site check in monitor mode, a guard or the cross-site check that is on by
 * default switched off, the Actuator's server of its own left unguarded, and a rule whose every path an
 * exempt or monitored pattern or annotation covers. Each is legitimate (a rollout, an incident), so a warning, not an
 * error; but a switch left over from a test must not pass unseen (probe19 L2).
 */
final class WeakenedProtection implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(WeakenedProtection.class);

    private final Environment environment;
    private final @Nullable AbuseGuardProperties properties;
    private final @Nullable ControllerAnnotations annotations;

    /**
     * @param properties the bound properties, {@code null} when abuse-guard is off
     * @param annotations what the controllers declare, {@code null} when abuse-guard is off
     */
    WeakenedProtection(
            Environment environment,
            @Nullable AbuseGuardProperties properties,
            @Nullable ControllerAnnotations annotations) {
        this.environment = environment;
        this.properties = properties;
        this.annotations = annotations;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String enabled = environment.getProperty("abuse-guard.enabled");
        if (enabled != null && enabled.strip().equalsIgnoreCase("false")) {
            log.warn("abuse-guard.enabled=false: abuse-guard is off; no request is checked and no annotation"
                    + " (@RateLimit, @FailureLimit, ...) applies");
            return;
        }
        if (properties == null) {
            return;
        }
        if (properties.engine().mode() == Mode.MONITOR) {
            log.warn("abuse-guard.mode=monitor: every guard only reports what it would deny; no request is denied");
        }
        for (SettingsSection<?> section : properties.sectionTypes()) {
            warnIfTurnedDown(section);
        }
        warnIfCrossSiteTurnedDown();
        if (!properties.filter().managementPort() && UnservedRulePaths.separateManagementPath(environment) != null) {
            // cfg24 F14: left unguarded by a switch, the Actuator's own server should not pass unseen either
            log.warn(
                    "abuse-guard.filter.management-port=false: no guard checks the requests of the Actuator's server"
                            + " of its own (management.server.port={}) unless you register a filter there yourself",
                    environment.getProperty("management.server.port"));
        }
        warnAboutExemptRules();
    }

    /**
     * The cross-site check is on by default and runs before every guard, but is no section of its own, so
     * {@link #warnIfTurnedDown} does not see it (cfg24 F3).
     */
    private void warnIfCrossSiteTurnedDown() {
        EngineSettings.CrossSite crossSite = properties.engine().crossSite();
        if (!crossSite.enabled()) {
            log.warn("abuse-guard.cross-site.enabled=false: the cross-site check is off; what another site's page"
                    + " makes a browser send to a watched route is no longer refused");
        } else if (crossSite.mode() == Mode.MONITOR && properties.engine().mode() == Mode.ENFORCE) {
            log.warn("abuse-guard.cross-site.mode=monitor: the cross-site check only reports what it would refuse;"
                    + " it refuses no request");
        }
    }

    private void warnIfTurnedDown(SettingsSection<?> section) {
        if (!(properties.section(section.name()) instanceof GuardSettings settings)
                || !(section.newSettings() instanceof GuardSettings defaults)) {
            return;
        }
        String prefix = "abuse-guard." + section.name();
        if (defaults.enabled() && !settings.enabled()) {
            int annotated =
                    annotatedRules().getOrDefault(section.name(), List.of()).size();
            log.warn(
                    "{}.enabled=false: the {} guard is off; none of its rules applies{}",
                    prefix,
                    section.name(),
                    annotated == 0 ? "" : ", " + annotated + " from controller annotations included");
        } else if (settings.enabled()
                && defaults.mode() == Mode.ENFORCE
                && settings.mode() == Mode.MONITOR
                && properties.engine().mode() == Mode.ENFORCE) {
            log.warn(
                    "{}.mode=monitor: the {} guard only reports what it would deny; it denies no request",
                    prefix,
                    section.name());
        }
    }

    /**
     * A rule whose every path {@code routes.exempt} or {@code @AbuseGuardExempt} covers never applies, and one
     * whose every path {@code routes.monitor} or {@code @AbuseGuardMonitor} covers only reports (cfg24 F3, F4);
     * {@code /**} in either property says so of every rule.
     */
    private void warnAboutExemptRules() {
        List<String> exempt = patterns(properties.engine().routes().exempt());
        // with the engine in monitor mode, which is a warning of its own, monitored routes change nothing
        boolean enforcing = properties.engine().mode() == Mode.ENFORCE;
        List<String> monitor = enforcing ? patterns(properties.engine().routes().monitor()) : List.of();
        if (exempt.contains("/**")) {
            log.warn("abuse-guard.routes.exempt has '/**': every path is exempt, so no guard checks any request");
            return;
        }
        if (monitor.contains("/**")) {
            log.warn("abuse-guard.routes.monitor has '/**': every guard only reports what it would deny on every"
                    + " path; no request is denied");
            monitor = List.of();
        }
        List<Cover> covers = new ArrayList<>();
        covers.add(new Cover("abuse-guard.routes.exempt", exempt, "exempt", "never applies"));
        if (annotations != null) {
            covers.add(new Cover("@AbuseGuardExempt", annotations.exemptRoutes(), "exempt", "never applies"));
        }
        covers.add(new Cover("abuse-guard.routes.monitor", monitor, "monitored", "only reports what it would deny"));
        if (annotations != null && enforcing) {
            covers.add(new Cover(
                    "@AbuseGuardMonitor",
                    annotations.monitoredRoutes(),
                    "monitored",
                    "only reports what it would deny"));
        }
        covers.removeIf(cover -> cover.patterns().isEmpty());
        if (covers.isEmpty()) {
            return;
        }
        UnservedRulePaths.configuredRules(properties)
                .forEach((section, rules) -> rules.forEach((name, rule) -> {
                    String where = "abuse-guard." + section + ".rules." + name;
                    warnIfCovered(where, covers, rule.paths());
                }));
        annotatedRules()
                .values()
                .forEach(rules -> rules.forEach(rule -> warnIfCovered(rule.source(), covers, rule.paths())));
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
    static @Nullable String coveringPattern(List<String> exempt, String path) {
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
    static boolean covers(String pattern, String path) {
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

    /** The rules of controller annotations, by the section of their guard. */
    private Map<String, List<? extends GuardRule>> annotatedRules() {
        Map<String, List<? extends GuardRule>> rules = new LinkedHashMap<>();
        if (annotations != null) {
            rules.put("rate-limit", annotations.rateLimitRules());
            rules.put("origin", annotations.originRules());
            rules.put("email", annotations.emailRules());
            rules.put("failure", annotations.failureRules());
            rules.put("volume", annotations.volumeRules());
        }
        return rules;
    }
}
