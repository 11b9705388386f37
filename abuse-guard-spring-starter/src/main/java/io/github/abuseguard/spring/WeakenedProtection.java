package io.github.abuseguard.spring;

import io.github.abuseguard.GuardRule;
import io.github.abuseguard.Mode;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.config.EngineSettings;
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
 * engine, a guard or the cross-site check in monitor mode, a guard or the cross-site check that is on by
 * default switched off, the Actuator's server of its own left unguarded, and a rule whose every path an
 * exempt or monitored pattern or annotation covers. Each is legitimate (a rollout, an incident), so a warning, not an
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
        warnIfCrossSiteTurnedDown();
        if (!properties.filter().managementPort() && UnservedRulePaths.separateManagementPath(environment) != null) {
            // cfg24 F14: left unguarded by a switch, the Actuator's own server should not pass unseen either
            log.warn(
                    "abuse-guard.filter.management-port=false: no guard checks the requests of the Actuator's server"
                            + " of its own (management.server.port={}) unless you register a filter there yourself",
                    environment.getProperty("management.server.port"));
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
