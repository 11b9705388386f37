package io.github.abuseguard.spring;

import io.github.abuseguard.GuardRule;
import io.github.abuseguard.Mode;
import io.github.abuseguard.PathPattern;
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
 * engine or a guard in monitor mode, a guard that is on by default switched off, and a rule whose every
 * path an exempt pattern covers. Each is legitimate (a rollout, an incident), so a warning, not an
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
        warnAboutExemptRules();
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

    private void warnAboutExemptRules() {
        List<String> exempt = properties.engine().routes().exempt();
        if (exempt == null || exempt.isEmpty()) {
            return;
        }
        if (exempt.contains("/**")) {
            log.warn("abuse-guard.routes.exempt has '/**': every path is exempt, so no guard checks any request");
            return;
        }
        UnservedRulePaths.configuredRules(properties)
                .forEach((section, rules) -> rules.forEach((name, rule) -> {
                    String where = "abuse-guard." + section + ".rules." + name;
                    warnIfExempt(where, exempt, rule.paths());
                }));
        annotatedRules()
                .values()
                .forEach(rules -> rules.forEach(rule -> warnIfExempt(rule.source(), exempt, rule.paths())));
    }

    private static void warnIfExempt(String rule, List<String> exempt, @Nullable List<String> paths) {
        if (paths == null || paths.isEmpty()) {
            return;
        }
        List<String> covering = new ArrayList<>();
        for (String path : paths) {
            String by = coveringPattern(exempt, path);
            if (by == null) {
                return;
            }
            if (!covering.contains(by)) {
                covering.add(by);
            }
        }
        log.warn(
                "{}: every path of the rule ({}) is exempt by abuse-guard.routes.exempt {}, so the rule never applies",
                rule,
                String.join(", ", paths),
                covering);
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
