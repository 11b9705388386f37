package io.github.abuseguard.spring;

import io.github.abuseguard.GuardRule;
import io.github.abuseguard.Mode;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.SettingsSection;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.FailureSettings;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import io.github.abuseguard.sequence.SequenceSettings;
import io.github.abuseguard.volume.VolumeSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Warns at start-up, once per switch, when configuration turns protection down: abuse-guard off, the
 * engine or a guard in monitor mode, a guard that is on by default switched off, and a rule whose every
 * path an exempt pattern covers. Each is legitimate (a rollout, an incident), so a warning, not an
 * error; but a switch left over from a test must not pass unseen (probe19 L2). Also a key, a
 * {@code distinct} or the sequence session naming {@code principal} while the filter runs before Spring
 * Security's filter chain, where no request is authenticated yet (probe24 F3).
 */
final class WeakenedProtection implements SmartInitializingSingleton, BeanClassLoaderAware {

    private static final Logger log = LoggerFactory.getLogger(WeakenedProtection.class);

    /** Spring Security's filter chain order when {@code spring.security.filter.order} is not set. */
    static final int SECURITY_DEFAULT_ORDER = -100;

    /** A class of spring-security-web, present whenever Spring Security filters requests. */
    private static final String SECURITY_FILTER_CHAIN = "org.springframework.security.web.SecurityFilterChain";

    private @Nullable ClassLoader classLoader = WeakenedProtection.class.getClassLoader();

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
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
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
        warnAboutPrincipalBeforeSecurity();
    }

    /**
     * Before Spring Security's filter chain (the default order, -110) {@code getUserPrincipal()} is null on
     * every request, so a key of {@code principal} is silently what an anonymous request gets: the client
     * address for a rule's key, the client key for the sequence session. Only with Spring Security present:
     * without it the principal comes from the container, which has authenticated before any filter.
     */
    private void warnAboutPrincipalBeforeSecurity() {
        if (!ClassUtils.isPresent(SECURITY_FILTER_CHAIN, classLoader)) {
            return;
        }
        int order = properties.filter().order();
        Integer security = environment.getProperty("spring.security.filter.order", Integer.class);
        int securityOrder = security == null ? SECURITY_DEFAULT_ORDER : security;
        if (order > securityOrder) {
            return;
        }
        for (String use : principalUses()) {
            log.warn(
                    "{} names principal, but abuse-guard.filter.order={} runs abuse-guard before Spring Security's"
                            + " filter chain ({}): no request is authenticated there yet, so principal is never"
                            + " known and every request falls back to its client address; set"
                            + " abuse-guard.filter.order after Spring Security's, such as {}",
                    use,
                    order,
                    securityOrder,
                    securityOrder + 10);
        }
    }

    /** Where a key, a {@code distinct} or the sequence session names {@code principal}, as {@code property=value}. */
    private List<String> principalUses() {
        List<String> uses = new ArrayList<>();
        SequenceSettings sequence = properties.section(SequenceSettings.class);
        if (sequence.enabled() && namesPrincipal(sequence.session())) {
            uses.add("abuse-guard.sequence.session=" + sequence.session());
        }
        RateLimitSettings rateLimit = properties.section(RateLimitSettings.class);
        if (rateLimit.enabled() && rateLimit.rules() != null) {
            rateLimit
                    .rules()
                    .forEach((name, rule) ->
                            addIfPrincipal(uses, "abuse-guard.rate-limit.rules." + name + ".key", rule.key()));
        }
        FailureSettings failure = properties.section(FailureSettings.class);
        if (failure.enabled() && failure.rules() != null) {
            failure.rules().forEach((name, rule) -> {
                addIfPrincipal(uses, "abuse-guard.failure.rules." + name + ".key", rule.key());
                addIfPrincipal(uses, "abuse-guard.failure.rules." + name + ".distinct", rule.distinct());
            });
        }
        VolumeSettings volume = properties.section(VolumeSettings.class);
        if (volume.enabled() && volume.rules() != null) {
            volume.rules()
                    .forEach((name, rule) ->
                            addIfPrincipal(uses, "abuse-guard.volume.rules." + name + ".key", rule.key()));
        }
        annotatedRules()
                .values()
                .forEach(rules -> rules.forEach(rule -> {
                    addIfPrincipal(uses, rule.source() + " key", rule.keySpec());
                    if (rule instanceof FailureRule failureRule) {
                        addIfPrincipal(uses, rule.source() + " distinct", failureRule.distinct());
                    }
                }));
        return uses;
    }

    private static void addIfPrincipal(List<String> uses, String where, @Nullable String spec) {
        if (namesPrincipal(spec)) {
            uses.add(where + "=" + spec);
        }
    }

    /** Whether a key specification has a {@code principal} part, alone or joined by {@code +}. */
    static boolean namesPrincipal(@Nullable String spec) {
        if (spec == null) {
            return false;
        }
        for (String part : spec.split("\\+")) {
            if (part.strip().toLowerCase(Locale.ROOT).equals("principal")) {
                return true;
            }
        }
        return false;
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
