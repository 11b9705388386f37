package io.github.abuseguard.spring;

import io.github.abuseguard.GuardRule;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.FailureSettings;
import io.github.abuseguard.internal.WeakenedProtection.Declared;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import io.github.abuseguard.sequence.SequenceSettings;
import io.github.abuseguard.servlet.TarpitSettings;
import io.github.abuseguard.volume.VolumeSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Warns at start-up, once per switch, when configuration turns protection down. The warnings the plain
 * servlet filter gives too (abuse-guard's, a guard's or the cross-site check's switch or monitor mode, a rule
 * whose every path an exempt or monitored pattern covers) are {@link io.github.abuseguard.internal.WeakenedProtection}'s,
 * given here with what only the starter knows: the controllers' annotated rules and their
 * {@code @AbuseGuardExempt} and {@code @AbuseGuardMonitor} routes. Only the starter's own: abuse-guard
 * switched off (the properties are then not bound, and annotations are named), the Actuator's server of its
 * own left unguarded, and a key, a {@code distinct} or the sequence session naming {@code principal} while the
 * filter runs before Spring Security's filter chain, where no request is authenticated yet (probe24 F3).
 */
final class WeakenedProtection implements SmartInitializingSingleton, BeanClassLoaderAware, BeanFactoryAware {

    private static final Logger log = LoggerFactory.getLogger(WeakenedProtection.class);

    /** Spring Security's filter chain order when {@code spring.security.filter.order} is not set. */
    static final int SECURITY_DEFAULT_ORDER = -100;

    /** A class of spring-security-web, present whenever Spring Security filters requests. */
    private static final String SECURITY_FILTER_CHAIN = "org.springframework.security.web.SecurityFilterChain";

    private @Nullable ClassLoader classLoader = WeakenedProtection.class.getClassLoader();

    private @Nullable ListableBeanFactory beans;

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
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beans = beanFactory instanceof ListableBeanFactory listable ? listable : null;
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
        List<String> exempt = annotations == null ? List.of() : annotations.exemptRoutes();
        List<String> monitored = annotations == null ? List.of() : annotations.monitoredRoutes();
        io.github.abuseguard.internal.WeakenedProtection.warn(
                properties,
                annotatedRules(),
                new Declared("@AbuseGuardExempt", exempt),
                new Declared("@AbuseGuardMonitor", monitored));
        if (!properties.filter().managementPort() && UnservedRulePaths.separateManagementPath(environment) != null) {
            // cfg24 F14: left unguarded by a switch, the Actuator's own server should not pass unseen either
            log.warn(
                    "abuse-guard.filter.management-port=false: no guard checks the requests of the Actuator's server"
                            + " of its own (management.server.port={}) unless you register a filter there yourself",
                    environment.getProperty("management.server.port"));
        }
        warnAboutPrincipalBeforeSecurity();
        warnAboutSessionsSharedByAddress();
        warnAboutUncountedBasicPasswords();
        warnAboutOwnersLockedOut();
    }

    /** The owner lock-out WARNs of the properties' and the annotations' failure rules, shared with the servlet filter. */
    private void warnAboutOwnersLockedOut() {
        io.github.abuseguard.failure.internal.OwnerLockOuts.warnAboutOwnersLockedOut(
                properties,
                annotatedRules(),
                properties.section(TarpitSettings.class).then().strip().equalsIgnoreCase("pass"));
    }

    /**
     * HTTP Basic answers a wrong password {@code 401} on every path its chain covers, each one a free guess; where no
     * failure rule counts such a request ({@code credential: header:Authorization}, or a key or distinct naming {@code
     * basic-user}), its passwords can be guessed without limit (user71 F2: 60 of 60 wrong passwords on {@code
     * /api/items}, 15 of 15 on the exempt health path). Only where a {@code SecurityFilterChain} has HTTP Basic, and
     * only for a path such a chain answers: each route, each rule's and exempt path, the root and a path nothing serves
     * are asked of the chains as Spring Security asks them (probe85a F3: the demo, whose HTTP Basic chain takes
     * {@code /actuator/**} alone and whose rule counts it there, was warned at every start).
     */
    private void warnAboutUncountedBasicPasswords() {
        if (beans == null
                || !ClassUtils.isPresent(BASIC_FILTER, classLoader)
                || !properties.section(FailureSettings.class).enabled()
                || !BrowserSignIn.basicSignIn(beans)) {
            return;
        }
        List<io.github.abuseguard.PathPattern> counting = new ArrayList<>();
        Set<String> asked = new LinkedHashSet<>(List.of("/", "/abuse-guard-path-nothing-serves/x"));
        properties.section(FailureSettings.class).rules().values().forEach(rule -> {
            if (rule != null && rule.paths() != null) {
                asked.addAll(rule.paths());
                if ((rule.methods() == null || rule.methods().isEmpty())
                        && countsBasic(rule.statuses(), rule.key(), rule.distinct(), rule.credential())) {
                    rule.paths().forEach(path -> counting.add(io.github.abuseguard.PathPattern.parse(path)));
                }
            }
        });
        if (annotations != null) {
            asked.addAll(annotations.routes());
            annotations.failureRules().forEach(rule -> {
                asked.addAll(rule.paths());
                if (rule.methods().isEmpty()
                        && countsBasic(
                                rule.statuses(), rule.keyResolver().toString(), rule.distinct(), rule.credential())) {
                    rule.paths().forEach(path -> counting.add(io.github.abuseguard.PathPattern.parse(path)));
                }
            });
        }
        if (properties.engine().routes().exempt() != null) {
            asked.addAll(properties.engine().routes().exempt());
        }
        String base = environment.getProperty("management.endpoints.web.base-path", "/actuator");
        asked.add(base.endsWith("/") ? base + "x" : base + "/x");
        boolean everywhere =
                counting.stream().anyMatch(pattern -> pattern.toString().strip().equals("/**"));
        String uncounted = BrowserSignIn.uncountedBasicPath(
                beans, asked, path -> counting.stream().anyMatch(pattern -> pattern.matches(path)), everywhere);
        if (uncounted != null) {
            log.warn(
                    "HTTP Basic is on in a SecurityFilterChain: a wrong password is answered 401 on every path the"
                            + " chain covers ({}), and no failure rule counts such a request there, so its"
                            + " passwords can be guessed without limit; add one, such as abuse-guard.failure.rules.basic:"
                            + " paths [/**] (or the chain's paths), statuses 401, key ip, credential header:Authorization"
                            + " (and keep the health paths in a chain without HTTP Basic)",
                    uncounted);
        }
    }

    /**
     * Whether a failure rule of every method (the caller's check: review128 F4, stop 69, a rule for {@code POST} alone
     * silenced the warning) counts a wrong Basic password on its paths: {@code 401}, from every request or from those
     * carrying the {@code Authorization} header (review127 F4: one without a credential counts them too).
     */
    private static boolean countsBasic(
            @Nullable String statuses, @Nullable String key, @Nullable String distinct, @Nullable String credential) {
        boolean counts401 = statuses == null
                || io.github.abuseguard.internal.Statuses.parse(statuses).contains(401);
        boolean keyedOk = credential == null
                || credential.strip().equalsIgnoreCase("header:Authorization")
                || (key != null && key.toLowerCase(Locale.ROOT).contains("basic-user"))
                || (distinct != null && distinct.toLowerCase(Locale.ROOT).contains("basic-user"));
        return counts401 && keyedOk;
    }

    private static final String BASIC_FILTER =
            "org.springframework.security.web.authentication.www.BasicAuthenticationFilter";

    /**
     * The sequence session's default, {@code header:Authorization}, falls back to the client's address: where users
     * sign in through a browser (Spring Security's form login, or another sign-in filter that keeps a session), no
     * request sends the header, and every session of one address is one, so a step one user took lets another user
     * at that address pass a {@code requires} rule (user70 F3: another account's verification let an unverified one
     * add a card, 201 where 403 was due). Only where such a sign-in filter is in a {@code SecurityFilterChain} and a
     * {@code requires} rule is declared.
     */
    private void warnAboutSessionsSharedByAddress() {
        SequenceSettings sequence = properties.section(SequenceSettings.class);
        if (!sequence.enabled()
                || !anyRequiresRule(sequence)
                || beans == null
                || !ClassUtils.isPresent(SIGN_IN_FILTER, classLoader)) {
            return;
        }
        String source = sequence.session().strip();
        if ((source.equals("session") || source.startsWith("cookie:")) && BrowserSignIn.headerSignIn(beans)) {
            // probe71c F1, F2: a request signed in by a header keeps no session (review124 F4: nor a cookie)
            log.warn(
                    "abuse-guard.sequence.session={}: the application also signs requests in by a header (HTTP"
                            + " Basic or a Bearer token), and such a request keeps no session, so its trail is its"
                            + " address's, shared by every account there: key a requires rule's clients by principal,"
                            + " with abuse-guard.filter.order after Spring Security's chain",
                    source);
            return;
        }
        if (!SequenceSettings.DEFAULT_SESSION.equals(sequence.session().strip()) || !BrowserSignIn.present(beans)) {
            return;
        }
        log.warn(
                "abuse-guard.sequence.session={}: the application signs users in with a session (Spring Security's"
                        + " form login or another sign-in filter), whose requests send no {} header, so every session"
                        + " of one address is one: a step one user took lets another at that address pass a requires"
                        + " rule. Set abuse-guard.sequence.session=session for the container's session",
                SequenceSettings.DEFAULT_SESSION,
                SequenceSettings.DEFAULT_SESSION.substring("header:".length()));
    }

    private boolean anyRequiresRule(SequenceSettings sequence) {
        if (sequence.rules().values().stream().anyMatch(rule -> rule != null && rule.requires() != null)) {
            return true;
        }
        return annotations != null
                && annotations.precedenceRules().stream()
                        .anyMatch(rule -> rule.kind() == io.github.abuseguard.sequence.PrecedenceRule.Kind.REQUIRES);
    }

    /** Spring Security's base of sign-in filters that keep a session: form login, OAuth 2 and SAML log-in. */
    private static final String SIGN_IN_FILTER =
            "org.springframework.security.web.authentication.AbstractAuthenticationProcessingFilter";

    /** Loaded only where Spring Security's web classes are present. */
    private static final class BrowserSignIn {
        /** Whether a chain has a sign-in filter that keeps a session: form login, OAuth 2 or SAML log-in. */
        static boolean present(ListableBeanFactory beans) {
            return anyFilter(
                    beans,
                    filter -> filter
                            instanceof
                            org.springframework.security.web.authentication.AbstractAuthenticationProcessingFilter);
        }

        /** Whether a chain signs requests in by HTTP Basic. */
        static boolean basicSignIn(ListableBeanFactory beans) {
            return anyFilter(
                    beans,
                    filter -> filter
                            instanceof org.springframework.security.web.authentication.www.BasicAuthenticationFilter);
        }

        /** {@link SignInFilterPaths#uncountedBasicPath}. */
        static @Nullable String uncountedBasicPath(
                ListableBeanFactory beans,
                java.util.Collection<String> paths,
                java.util.function.Predicate<String> counted,
                boolean countedEverywhere) {
            return SignInFilterPaths.uncountedBasicPath(beans, paths, counted, countedEverywhere);
        }

        /** Whether a chain signs requests in by a header: HTTP Basic, or a Bearer token of a resource server. */
        static boolean headerSignIn(ListableBeanFactory beans) {
            return anyFilter(
                    beans,
                    filter -> filter
                                    instanceof
                                    org.springframework.security.web.authentication.www.BasicAuthenticationFilter
                            || filter.getClass().getName().endsWith(".BearerTokenAuthenticationFilter"));
        }

        private static boolean anyFilter(
                ListableBeanFactory beans, java.util.function.Predicate<jakarta.servlet.Filter> test) {
            return SignInFilterPaths.chainFilters(beans).stream().anyMatch(test);
        }
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
            // probe46d F8: the README's way to read principal, silently blind to what Spring Security refuses
            log.warn(
                    "abuse-guard.filter.order={} runs abuse-guard after Spring Security's filter chain ({}): a request"
                            + " Spring Security answers itself (a wrong HTTP Basic or form-login password, 401; an"
                            + " access refusal, 403) never reaches the guards, so no failure rule, ban, rate limit or"
                            + " under-attack mode counts it; keep the default order (-110) where logins are Spring"
                            + " Security's own",
                    order,
                    securityOrder);
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
