package io.github.abuseguard.servlet;

import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardDescription;
import io.github.abuseguard.RouteTable;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.internal.ServedOperations;
import io.github.abuseguard.sequence.SequenceSettings;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns at start-up, once per path, when a rule's path can never reach the filter in this servlet context: no servlet
 * is mapped to any path it matches (a typo such as {@code /api/logn}, or a rule written for another application), or
 * the filter itself is not mapped to them ({@code /api/*} while a rule names {@code /admin/**}). The Spring Boot
 * starter checks rule paths against Spring MVC's routes; a plain servlet application has only the container's
 * mappings, which this reads from the {@link ServletContext} (user61 F3: the rule looked in force and never
 * applied). A warning, not an error: a path may be served by a handler the servlet API does not list.
 *
 * <p>Conservative: a path is reported only when no mapping can serve it. A default servlet ({@code /}) or a
 * {@code /*} mapping serves every path, save Jetty's stand-in that answers 404 when none is mapped; an extension
 * mapping ({@code *.do}) serves every path of a rule with a wildcard. Nothing is checked in a context without servlets
 * (filters serve it) or with Spring MVC's, whose routes the Spring Boot starter checks.
 */
final class UnmappedRulePaths {

    private static final Logger log = LoggerFactory.getLogger(UnmappedRulePaths.class);

    /** Jetty's servlet of a context without a default servlet: it answers 404 to every path no other servlet serves. */
    private static final String JETTY_404_SERVLET = "Default404Servlet";

    /** Spring MVC's servlet, whose routes the Spring Boot starter checks rule paths against itself. */
    private static final String SPRING_DISPATCHER = "org.springframework.web.servlet.DispatcherServlet";

    private UnmappedRulePaths() {}

    /**
     * Checks the rules of {@code guards} against the servlet context of {@code config}; never throws. A path that
     * matches none of the {@code routes} given to the filter was warned about by {@link #warnAgainstRoutes}, naming its
     * property, and is not warned about again here (user65 F9: each misspelt path was two warnings in two wordings).
     */
    static void warn(FilterConfig config, Collection<Guard> guards, RouteTable routes) {
        ServletContext context = config.getServletContext();
        if (context == null) {
            return; // a configuration made by hand, outside a container: no mappings to read
        }
        Map<String, ? extends ServletRegistration> servlets;
        @Nullable FilterRegistration filter;
        try {
            servlets = context.getServletRegistrations();
            filter = config.getFilterName() == null ? null : context.getFilterRegistration(config.getFilterName());
        } catch (UnsupportedOperationException | IllegalStateException e) {
            // a container may refuse these outside a listener it knows (UnsupportedOperationException); nothing to read
            log.debug("The servlet mappings cannot be read, so rule paths are not checked against them", e);
            return;
        }
        if (servlets == null || servlets.isEmpty()) {
            return;
        }
        List<String> served = new ArrayList<>();
        for (ServletRegistration servlet : servlets.values()) {
            String className = servlet.getClassName();
            if (SPRING_DISPATCHER.equals(className)) {
                // the Spring Boot starter checks rule paths against Spring MVC's routes, naming each property and
                // the fix (review88 F3: a second, vaguer warning for each path under spring.mvc.servlet.path)
                return;
            }
            if (className != null && className.endsWith(JETTY_404_SERVLET)) {
                continue;
            }
            served.addAll(servlet.getMappings());
        }
        if (served.isEmpty()) {
            // no servlet: the application is served by filters (Jersey or Struts 2 as a filter), whose paths the
            // servlet API does not list (review88 F4)
            return;
        }
        List<String> filtered = filter == null ? null : filteredPatterns(filter, servlets);
        for (Guard guard : guards) {
            for (GuardDescription.Rule rule : guard.describe().rules()) {
                if (!(rule.settings().get("paths") instanceof List<?> paths)) {
                    continue;
                }
                for (Object path : paths) {
                    if (path instanceof String pattern
                            && (routes.templates().isEmpty() || anyTemplateServes(routes.templates(), pattern))) {
                        check(guard.name(), rule, pattern, served, filtered);
                    }
                }
            }
        }
    }

    private static void check(
            String guard,
            GuardDescription.Rule rule,
            String pattern,
            List<String> served,
            @Nullable List<String> filtered) {
        if (!anyServes(served, pattern)) {
            log.warn(
                    "{} rule '{}' ({}): path '{}' matches no servlet mapping of this context, so the rule never applies;"
                            + " is it misspelt? Rule paths are relative to the context path. Mapped: {}",
                    guard,
                    rule.name(),
                    rule.source(),
                    pattern,
                    served);
        } else if (filtered != null && !anyServes(filtered, pattern)) {
            log.warn(
                    "{} rule '{}' ({}): path '{}' is outside the abuse-guard filter's mappings {}, so the rule never"
                            + " applies; map the filter to /*",
                    guard,
                    rule.name(),
                    rule.source(),
                    pattern,
                    filtered);
        }
    }

    /**
     * Warns about each rule path that matches none of {@code routes}' templates, given to {@link
     * AbuseGuardFilter#fromSettings(io.github.abuseguard.config.AbuseGuardSettings, java.util.function.Consumer)}
     * (user62 F1: {@code /api/logon} beside the route {@code /api/login} made a rule that never applied), naming the
     * property as the Spring Boot starter does; nothing when no route was given.
     *
     * @param rulePaths each rule's paths by their property ({@code abuse-guard.failure.rules.login.paths})
     */
    static void warnAgainstRoutes(Map<String, List<String>> rulePaths, RouteTable routes) {
        List<String> templates = routes.templates();
        if (templates.isEmpty()) {
            return;
        }
        rulePaths.forEach((property, paths) -> {
            for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                if (path != null && !anyTemplateServes(templates, path)) {
                    log.warn(
                            "{}[{}]: '{}' matches no route given to the filter ({}), so the rule never applies unless"
                                    + " a path outside them is served; is it misspelt?",
                            property,
                            i,
                            path,
                            templates);
                }
            }
        });
    }

    /**
     * Checks the sequence rules' steps against the routes given to the filter, as the Spring Boot starter checks them
     * against its handler mappings (user72 F2, F3, stop 69): a step whose path one of the routes serves under another
     * template (another spelling of a variable, {@code {accountId}} where the route says {@code {id}}, or a concrete
     * path under a variable) is never recorded as written, since a request is recorded under its route's template, so a
     * {@code requires} rule would refuse every session: start-up fails naming the property and the route. A step no
     * given route serves at all is warned of with the closest one (a path outside the routes may serve it).
     *
     * @throws InvalidSettingException naming the rule's property of a step recorded under another template
     */
    static void checkSequenceSteps(SequenceSettings sequence, RouteTable routes) {
        List<String> templates = routes.templates();
        if (templates.isEmpty() || !sequence.enabled()) {
            return;
        }
        Map<String, List<String>> anyMethod = new java.util.LinkedHashMap<>();
        templates.forEach(template -> anyMethod.put(template, List.of()));
        ServedOperations served = ServedOperations.of(anyMethod);
        List<String> external = ServedOperations.canonical(sequence.externalOperations());
        sequence.rules().forEach((name, rule) -> {
            if (rule == null) {
                return;
            }
            String at = AbuseGuardSettings.PREFIX + ".sequence.rules." + name;
            checkStep(served, routes, external, rule.operation(), at + ".operation", "the rule never applies");
            if (rule.requires() != null) {
                checkStep(
                        served,
                        routes,
                        external,
                        rule.requires(),
                        at + ".requires",
                        "the rule would refuse every session");
            } else {
                checkStep(served, routes, external, rule.forbids(), at + ".forbids", "the rule would never refuse");
            }
        });
    }

    private static void checkStep(
            ServedOperations served,
            RouteTable routes,
            List<String> external,
            @Nullable String operation,
            String property,
            String consequence) {
        if (operation == null) {
            return;
        }
        String canonical = ServedOperations.canonical(List.of(operation)).get(0);
        int space = canonical.indexOf(' ');
        if (space <= 0) {
            return; // refused where the rule is read, naming its form
        }
        String refusal = served.refusal(canonical, consequence, external, EXTERNAL_OPERATIONS);
        if (refusal == null) {
            return;
        }
        if (routes.resolve(canonical.substring(space + 1)) != null) {
            throw new InvalidSettingException(property, refusal);
        }
        String closest = served.closest(canonical);
        log.warn(
                "{}: '{}' matches no route given to the filter ({}), so {} unless a path outside them serves it; is it"
                        + " misspelt?{}",
                property,
                canonical,
                routes.templates(),
                consequence,
                closest == null ? "" : " Did you mean '" + closest + "'?");
    }

    private static final String EXTERNAL_OPERATIONS = AbuseGuardSettings.PREFIX + ".sequence.external-operations";

    private static boolean anyTemplateServes(List<String> templates, String path) {
        String[] rule = segments(path);
        for (String template : templates) {
            if (overlaps(rule, 0, segments(template), 0)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The URL patterns the filter runs on: its own, and those of the servlets it is mapped to by name; {@code null}
     * when they cover everything served or cannot be told.
     */
    private static @Nullable List<String> filteredPatterns(
            FilterRegistration filter, Map<String, ? extends ServletRegistration> servlets) {
        List<String> patterns = new ArrayList<>(filter.getUrlPatternMappings());
        Collection<String> names = filter.getServletNameMappings();
        if (patterns.isEmpty() && names.isEmpty()) {
            return null; // a container that does not tell: nothing to compare with
        }
        for (String name : names) {
            ServletRegistration servlet = servlets.get(name);
            if (servlet != null) {
                patterns.addAll(servlet.getMappings());
            } else if ("*".equals(name)) {
                return null; // every servlet: whatever is served is filtered
            }
        }
        return patterns;
    }

    private static boolean anyServes(List<String> mappings, String pattern) {
        for (String mapping : mappings) {
            if (mayServe(mapping, pattern)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a servlet URL pattern (exact {@code /a/b}, prefix {@code /a/*}, extension {@code *.do}, default
     * {@code /}, context root {@code ""}) may serve some path of the rule pattern.
     */
    static boolean mayServe(String mapping, String pattern) {
        String[] rule = segments(pattern);
        if (mapping.equals("/") || mapping.equals("/*")) {
            return true;
        }
        if (mapping.isEmpty()) {
            return overlaps(rule, 0, new String[0], 0);
        }
        if (mapping.startsWith("*.")) {
            return wildcardIn(rule) || (rule.length > 0 && rule[rule.length - 1].endsWith(mapping.substring(1)));
        }
        if (mapping.endsWith("/*")) {
            String[] prefix = segments(mapping.substring(0, mapping.length() - 2));
            String[] withAnyDepth = java.util.Arrays.copyOf(prefix, prefix.length + 1);
            withAnyDepth[prefix.length] = "**";
            return overlaps(rule, 0, withAnyDepth, 0);
        }
        return overlaps(rule, 0, segments(mapping), 0);
    }

    /** Whether some path matches both segment lists from the given places; {@code **} matches any depth. */
    private static boolean overlaps(String[] rule, int i, String[] mapping, int j) {
        if (i < rule.length && anyDepth(rule[i]) || j < mapping.length && anyDepth(mapping[j])) {
            return true;
        }
        if (i == rule.length || j == mapping.length) {
            return i == rule.length && j == mapping.length;
        }
        boolean segmentFits = isWildcard(rule[i]) || isWildcard(mapping[j]) || rule[i].equals(mapping[j]);
        return segmentFits && overlaps(rule, i + 1, mapping, j + 1);
    }

    /** A segment that captures the rest of the path: {@code **}, or a template's {@code {*rest}}. */
    private static boolean anyDepth(String segment) {
        return segment.equals("**") || segment.startsWith("{*");
    }

    private static boolean wildcardIn(String[] segments) {
        for (String segment : segments) {
            if (isWildcard(segment)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWildcard(String segment) {
        return segment.indexOf('*') >= 0 || segment.indexOf('{') >= 0;
    }

    private static String[] segments(String path) {
        return java.util.Arrays.stream(path.split("/"))
                .filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }
}
