package io.github.abuseguard.spring;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.internal.ServedOperations;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuardFactory;
import io.github.abuseguard.sequence.SequenceSettings;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.function.support.RouterFunctionMapping;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.servlet.resource.ResourceHttpRequestHandler;

/**
 * Fails start-up when a sequence rule names a step (its {@code operation}, {@code requires} or {@code forbids},
 * or a {@code @RequiresPrior}'s value) that no route of the application serves (cfg36). A request to a route is
 * recorded under the route's own method and template, so a misspelt step, a variable spelt otherwise than the
 * route spells it, a concrete path under a route's variable or a method the route does not take is never seen:
 * a {@code requires} rule then refuses every session, and a {@code forbids} rule, or a rule guarding such an
 * operation, never refuses one. The error names the property (or the annotation and handler), the step, the
 * closest served step and the served ones. An error, not a warning as for a rule's paths: a step is one exact
 * operation, and a rule that can never see it is broken whatever else serves the path; a step that another
 * service sharing the state store records (same {@code store.redis.key-prefix}), or that a servlet outside Spring
 * MVC serves, is declared in {@code abuse-guard.sequence.external-operations}.
 *
 * <p>The routes are those of every handler mapping: controllers, Actuator endpoints and URL mappings; static
 * resources are no steps. With functional routes, which cannot be listed, or without Spring MVC's request
 * mappings, nothing is checked, nor are steps under the Actuator's base path when a management server of its
 * own serves it. Checked after every singleton is built, when the handler mappings know their routes.
 */
final class UnservedSequenceSteps implements SmartInitializingSingleton {

    private static final String OPT_OUT =
            AbuseGuardSettings.PREFIX + "." + SequenceGuardFactory.NAME + ".external-operations";

    private final ListableBeanFactory beans;
    private final AbuseGuardProperties properties;
    private final ControllerAnnotations annotations;
    private final @Nullable String managementPath;
    private final String servletPrefix;

    /**
     * @param managementPath the Actuator's base path when a management server of its own serves it, {@code null}
     *     when the application's server does
     * @param servletPath {@code spring.mvc.servlet.path}, the DispatcherServlet's mapping, or {@code null}
     */
    UnservedSequenceSteps(
            ListableBeanFactory beans,
            AbuseGuardProperties properties,
            ControllerAnnotations annotations,
            @Nullable String managementPath,
            @Nullable String servletPath) {
        this.beans = beans;
        this.properties = properties;
        this.annotations = annotations;
        this.managementPath = managementPath;
        this.servletPrefix = HandlerRoutes.servletPrefix(servletPath);
    }

    /**
     * @throws InvalidSettingException naming the rule's property of an unserved step
     * @throws InvalidAnnotationException naming the {@code @RequiresPrior} handler of an unserved step
     */
    @Override
    public void afterSingletonsInstantiated() {
        SequenceSettings sequence = properties.section(SequenceSettings.class);
        if (!properties.engine().enabled() || !sequence.enabled()) {
            return;
        }
        ServedOperations served =
                served(beans.getBeansOfType(HandlerMapping.class, false, false).values(), servletPrefix);
        if (served == null || served.isEmpty()) {
            return;
        }
        List<String> external = ServedOperations.canonical(sequence.externalOperations());
        Map<String, Set<String>> aliases =
                aliases(beans.getBeansOfType(HandlerMapping.class, false, false).values(), servletPrefix);
        sequence.rules().forEach((name, rule) -> {
            String at = AbuseGuardSettings.PREFIX + "." + SequenceGuardFactory.NAME + ".rules." + name;
            refuse(served, external, rule.operation(), at + ".operation", "the rule never applies");
            refuseAliased(aliases, rule.operation(), at + ".operation", "the rule does not apply to them");
            if (rule.requires() != null) {
                refuse(served, external, rule.requires(), at + ".requires", "the rule would refuse every session");
            } else {
                refuse(served, external, rule.forbids(), at + ".forbids", "the rule would never refuse");
                refuseAliased(aliases, rule.forbids(), at + ".forbids", "a step done there is not forbidden");
            }
        });
        // Under a servlet path the annotation's prior operation carries the prefix, as the served steps do.
        for (PrecedenceRule rule : annotations.precedenceRules()) {
            String refusal = refusal(served, external, rule.prior(), "the handler would refuse every session");
            if (refusal != null && !servletPrefix.isEmpty()) {
                refusal += " (the value is written as the handlers' mappings are, without spring.mvc.servlet.path '"
                        + servletPrefix + "'; the guard records it under that prefix)";
            }
            if (refusal != null) {
                String where = rule.source().substring(rule.source().indexOf(" on ") + " on ".length());
                throw new InvalidAnnotationException("RequiresPrior", where, "value", refusal, null);
            }
        }
    }

    /**
     * Refuses a rule's step whose handler method also serves other templates (probe47a F1: {@code
     * @PostMapping({"/redeem", "/v1/redeem"})}, a class-level {@code @RequestMapping({"/api", "/api/v1"})}): a step
     * is one exact template, so the other paths skipped a {@code requires} and replayed a once-only step, silently.
     * {@code @RequiresPrior} makes a rule per route of its handler; a rule in properties must name each.
     */
    private static void refuseAliased(
            Map<String, Set<String>> aliases, @Nullable String operation, String property, String consequence) {
        if (operation == null) {
            return;
        }
        String canonical = ServedOperations.canonical(List.of(operation)).get(0);
        Set<String> others = aliases.get(canonical);
        if (others != null && !others.isEmpty()) {
            throw new InvalidSettingException(
                    property,
                    "'" + canonical + "' is served by a handler that also serves " + String.join(", ", others) + ": "
                            + consequence + "; name each in a rule of its own, or put @RequiresPrior on the handler");
        }
    }

    /**
     * Per operation of a request mapping ({@code METHOD /template}), the other operations of the same method that
     * the same handler method serves; a mapping without methods serves each method a rule can name.
     */
    static Map<String, Set<String>> aliases(Iterable<HandlerMapping> mappings, String prefix) {
        Map<String, Map<String, Set<String>>> byHandler = new LinkedHashMap<>(); // handler -> method -> templates
        for (HandlerMapping mapping : mappings) {
            if (!(mapping instanceof RequestMappingInfoHandlerMapping info)) {
                continue;
            }
            info.getHandlerMethods().forEach((key, handler) -> {
                // the bean (its name, or the instance: the Actuator serves every operation by one method of a
                // handler of its own) and the method
                Object bean = handler.getBean();
                String id = (bean instanceof String name ? name : "@" + System.identityHashCode(bean)) + "#"
                        + handler.getMethod().toGenericString();
                Map<String, Set<String>> templates = byHandler.computeIfAbsent(id, k -> new LinkedHashMap<>());
                Set<RequestMethod> methods = key.getMethodsCondition().getMethods();
                Set<String> named = new LinkedHashSet<>();
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.values()) : methods) {
                    named.add(method.name());
                }
                Set<String> patterns = key.getPatternValues();
                for (String pattern : patterns.isEmpty() ? Set.of("/") : patterns) {
                    String template;
                    try {
                        template = HandlerRoutes.template(prefix + pattern);
                    } catch (IllegalArgumentException unreadable) {
                        continue; // a route this library cannot read as a template names no step either
                    }
                    for (String method : named) {
                        templates
                                .computeIfAbsent(method, m -> new LinkedHashSet<>())
                                .add(template);
                    }
                }
            });
        }
        Map<String, Set<String>> aliases = new LinkedHashMap<>();
        byHandler
                .values()
                .forEach(templatesByMethod -> templatesByMethod.forEach((method, templates) -> {
                    for (String template : templates) {
                        Set<String> others =
                                aliases.computeIfAbsent(method + " " + template, k -> new LinkedHashSet<>());
                        for (String other : templates) {
                            if (!other.equals(template)) {
                                others.add(method + " " + other);
                            }
                        }
                    }
                }));
        return aliases;
    }

    private void refuse(
            ServedOperations served,
            List<String> external,
            @Nullable String operation,
            String property,
            String consequence) {
        String refusal = operation == null ? null : refusal(served, external, operation, consequence);
        if (refusal != null) {
            throw new InvalidSettingException(property, refusal);
        }
    }

    private @Nullable String refusal(
            ServedOperations served, List<String> external, String operation, String consequence) {
        String canonical = ServedOperations.canonical(List.of(operation)).get(0);
        int space = canonical.indexOf(' ');
        if (space <= 0 || underManagement(canonical.substring(space + 1))) {
            return null;
        }
        return served.refusal(canonical, consequence, external, OPT_OUT);
    }

    /** Whether the separate management server serves this template, whose routes this context does not list. */
    private boolean underManagement(String template) {
        return UnservedRulePaths.underManagementPath(managementPath, template);
    }

    /**
     * The operations of the handler mappings, or {@code null} when they cannot all be listed: functional routes,
     * a pattern this library cannot read, or no request mappings at all.
     */
    static @Nullable ServedOperations served(Iterable<HandlerMapping> mappings) {
        return served(mappings, "");
    }

    /** As {@link #served(Iterable)}, every pattern under the DispatcherServlet's {@code prefix}. */
    static @Nullable ServedOperations served(Iterable<HandlerMapping> mappings, String prefix) {
        Map<String, Set<String>> methods = new LinkedHashMap<>();
        boolean requestMappings = false;
        try {
            for (HandlerMapping mapping : mappings) {
                if (mapping instanceof RouterFunctionMapping functions && functions.getRouterFunction() != null) {
                    return null;
                }
                if (mapping instanceof RequestMappingInfoHandlerMapping info) {
                    requestMappings = true;
                    for (RequestMappingInfo key : info.getHandlerMethods().keySet()) {
                        Set<String> named = new LinkedHashSet<>();
                        for (RequestMethod method : key.getMethodsCondition().getMethods()) {
                            named.add(method.name());
                        }
                        Set<String> patterns = key.getPatternValues();
                        for (String pattern : patterns.isEmpty() ? Set.of("/") : patterns) {
                            add(methods, HandlerRoutes.template(prefix + pattern), named);
                        }
                    }
                } else if (mapping instanceof AbstractUrlHandlerMapping urls) {
                    if (urls.getRootHandler() != null) {
                        add(methods, prefix.isEmpty() ? "/" : prefix, Set.of());
                    }
                    urls.getHandlerMap().forEach((pattern, handler) -> {
                        if (!(handler instanceof ResourceHttpRequestHandler)) {
                            add(methods, HandlerRoutes.template(prefix + pattern), Set.of());
                        }
                    });
                } else if (!mapping.getClass().getName().startsWith("org.springframework.")) {
                    // an application's or a library's own mapping, whose routes cannot be listed (review17 F4);
                    // Spring's other ones serve Actuator health groups and welcome pages, not steps
                    return null;
                }
            }
        } catch (IllegalArgumentException unreadable) {
            return null; // a route this library cannot read as a template: the list would not be whole
        }
        if (!requestMappings) {
            return null;
        }
        Map<String, List<String>> listed = new LinkedHashMap<>();
        methods.forEach(
                (template, named) -> listed.put(template, named.contains("*") ? List.of() : List.copyOf(named)));
        return ServedOperations.of(listed);
    }

    /** Adds a route's methods; none named means every method, which no later mapping narrows. */
    private static void add(Map<String, Set<String>> methods, String template, Set<String> named) {
        Set<String> taken = methods.computeIfAbsent(template, t -> new LinkedHashSet<>());
        if (named.isEmpty()) {
            taken.add("*");
        }
        taken.addAll(named);
    }
}
