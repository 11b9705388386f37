package io.github.abuseguard.spring;

import io.github.abuseguard.RouteTable;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.spring.annotation.AbuseGuardExempt;
import io.github.abuseguard.spring.annotation.AbuseGuardMonitor;
import io.github.abuseguard.spring.annotation.FailureLimit;
import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import io.github.abuseguard.spring.annotation.RequireOrigin;
import io.github.abuseguard.spring.annotation.RequiresPrior;
import io.github.abuseguard.spring.annotation.VolumeLimit;
import io.github.abuseguard.volume.DistinctRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;

/**
 * What the application's controllers declare, read once at start-up: every handler route template
 * (for route-level metrics), and the rules of the abuse-guard annotations ({@link RateLimit},
 * {@link RequireOrigin}, {@link RejectDisposableEmail}, {@link RequiresPrior}, {@link FailureLimit}, {@link VolumeLimit},
 * {@link AbuseGuardExempt}, {@link AbuseGuardMonitor}), each read by its own reader. A route is the
 * template Spring MVC serves, such as {@code /api/scores/{game}}, never a concrete path.
 */
final class ControllerAnnotations {
    private static final Logger log = LoggerFactory.getLogger(ControllerAnnotations.class);

    private static final String HANDLER_MAPPING =
            "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping";

    private final List<String> routes;
    private final RouteTable routeTable;
    private final List<RateLimitRule> rateLimitRules;
    private final List<String> exemptRoutes;
    private final List<String> monitoredRoutes;
    private final List<OriginRule> originRules;
    private final List<EmailRule> emailRules;
    private final List<PrecedenceRule> precedenceRules;
    private final List<FailureRule> failureRules;
    private final List<DistinctRule> volumeRules;

    private ControllerAnnotations(
            List<ControllerHandlers> controllers,
            boolean readAnnotations,
            String servletPrefix,
            List<String> externalOperations) {
        Set<String> allRoutes = new LinkedHashSet<>();
        controllers.forEach(controller -> allRoutes.addAll(controller.routes()));
        this.routes = List.copyOf(allRoutes);
        this.routeTable = RouteTable.withMethods(
                methodsByRoute(controllers),
                conditionalRoutes(controllers, false),
                conditionalRoutes(controllers, true));
        if (!readAnnotations) {
            controllers = List.of();
        }
        this.rateLimitRules = read(new RateLimitReader(), controllers);
        this.exemptRoutes = onlyTheirOwn(RouteMarkerReader.exempt(), controllers);
        this.monitoredRoutes = onlyTheirOwn(RouteMarkerReader.monitor(), controllers);
        this.originRules = read(new RequireOriginReader(), controllers);
        this.emailRules = read(new RejectDisposableEmailReader(), controllers);
        this.precedenceRules = read(new RequiresPriorReader(servletPrefix, externalOperations), controllers);
        this.failureRules = read(new FailureLimitReader(), controllers);
        this.volumeRules = read(new VolumeLimitReader(), controllers);
    }

    /**
     * The methods of each route, in handler order: the union of its handlers' methods, or none (every method)
     * when a handler of it is mapped without one.
     */
    private static Map<String, Set<String>> methodsByRoute(List<ControllerHandlers> controllers) {
        Map<String, Set<String>> methods = new LinkedHashMap<>();
        Set<String> everyMethod = new HashSet<>();
        for (ControllerHandlers controller : controllers) {
            for (HandlerRoute handler : controller.handlers()) {
                for (String route : handler.routes()) {
                    methods.computeIfAbsent(route, r -> new LinkedHashSet<>()).addAll(handler.httpMethods());
                    if (handler.httpMethods().isEmpty()) {
                        everyMethod.add(route);
                    }
                }
            }
        }
        everyMethod.forEach(route -> methods.put(route, Set.of()));
        return methods;
    }

    /**
     * The routes some handler of which takes a request only under conditions beyond its method and path; {@code
     * byParameters}: only those whose condition may read the request's parameters ({@code params}, or one of the
     * application's own).
     */
    private static Set<String> conditionalRoutes(List<ControllerHandlers> controllers, boolean byParameters) {
        Set<String> conditional = new HashSet<>();
        for (ControllerHandlers controller : controllers) {
            for (HandlerRoute handler : controller.handlers()) {
                if (byParameters ? handler.byParameters() : handler.conditional()) {
                    conditional.addAll(handler.routes());
                }
            }
        }
        return conditional;
    }

    private static <T> List<T> read(AnnotationReader<T> reader, List<ControllerHandlers> controllers) {
        List<T> result = new ArrayList<>();
        for (ControllerHandlers controller : controllers) {
            result.addAll(reader.read(controller));
        }
        return List.copyOf(result);
    }

    /**
     * The routes a marker names, without those it shares with a handler it is not on: a marker covers a route and
     * method, and another handler of the same route and method (one Spring picks by {@code consumes} or {@code
     * params}, an explicit {@code HEAD} beside a marked {@code GET}, a handler of every method) would be covered
     * too (probe45c F3). Such a marker is dropped, with a warning: the marked handler is guarded, not the other
     * exempted.
     */
    private static List<String> onlyTheirOwn(RouteMarkerReader reader, List<ControllerHandlers> controllers) {
        Set<String> unmarked = new HashSet<>();
        for (ControllerHandlers controller : controllers) {
            for (HandlerRoute handler : controller.handlers()) {
                if (!reader.marks(controller, handler)) {
                    for (String route : handler.routes()) {
                        if (handler.httpMethods().isEmpty()) {
                            unmarked.add("* " + route);
                        }
                        handler.httpMethods().forEach(method -> unmarked.add(method + " " + route));
                    }
                }
            }
        }
        List<String> kept = new ArrayList<>();
        for (String marker : distinct(read(reader, controllers))) {
            int space = marker.indexOf(' ');
            String route = space < 0 ? marker : marker.substring(space + 1);
            String method = space < 0 ? null : marker.substring(0, space);
            boolean shared = unmarked.contains("* " + route)
                    || (method == null
                            ? unmarked.stream().anyMatch(key -> key.endsWith(" " + route))
                            : unmarked.contains(marker)
                                    || (method.equals("GET") && unmarked.contains("HEAD " + route)));
            if (shared) {
                log.warn(
                        "{} on the handler of {} is not applied: another handler of the same route and method is not"
                                + " marked, and the guard cannot tell their requests apart; mark both, or neither",
                        reader.name(),
                        marker);
            } else {
                kept.add(marker);
            }
        }
        return List.copyOf(kept);
    }

    private static List<String> distinct(List<String> routes) {
        return List.copyOf(new LinkedHashSet<>(routes));
    }

    /** Nothing declared. */
    static ControllerAnnotations none() {
        return new ControllerAnnotations(List.of(), false, "", List.of());
    }

    /**
     * Reads the handlers of a bean factory. When Spring MVC's {@code RequestMappingHandlerMapping}
     * beans are present, the routes are the ones they serve (path prefixes, interface mappings and
     * placeholders included); otherwise the {@code @Controller} beans' mapping annotations are read.
     *
     * @param readAnnotations whether to read the abuse-guard annotations, or only the routes
     * @param servletPrefix the DispatcherServlet's prefix ({@link HandlerRoutes#servletPrefix}), put before every
     *     route and every annotation's rule so that they match the path the guard sees; empty at the root
     * @param externalOperations {@code abuse-guard.sequence.external-operations}: a {@code @RequiresPrior} step listed
     *     there is recorded outside the DispatcherServlet and takes no prefix
     * @throws IllegalStateException naming the controller method of an annotation that cannot work
     */
    static ControllerAnnotations scan(
            ListableBeanFactory beans,
            UnaryOperator<String> placeholders,
            boolean readAnnotations,
            String servletPrefix,
            List<String> externalOperations) {
        if (ClassUtils.isPresent(HANDLER_MAPPING, ControllerAnnotations.class.getClassLoader())) {
            List<ControllerHandlers> served = MvcHandlerRoutes.of(beans, servletPrefix);
            if (served != null) {
                return new ControllerAnnotations(served, readAnnotations, servletPrefix, externalOperations);
            }
        }
        List<Class<?>> controllers = new ArrayList<>();
        for (String name : beans.getBeanNamesForAnnotation(Controller.class)) {
            Class<?> type = beans.getType(name, false);
            if (type != null) {
                controllers.add(ClassUtils.getUserClass(type));
            }
        }
        return new ControllerAnnotations(
                HandlerRoutes.fromClasses(controllers, placeholders, servletPrefix),
                readAnnotations,
                servletPrefix,
                externalOperations);
    }

    /**
     * Reads the mapping annotations of the given controller classes, combining class-level and
     * method-level paths as Spring MVC does (without path prefixes configured in Spring MVC).
     *
     * @param placeholders resolves {@code ${...}} placeholders in mapping paths, as Spring MVC does
     * @throws IllegalStateException naming the controller method of an annotation that cannot work
     */
    static ControllerAnnotations of(
            List<Class<?>> controllers, UnaryOperator<String> placeholders, boolean readAnnotations) {
        return new ControllerAnnotations(
                HandlerRoutes.fromClasses(controllers, placeholders), readAnnotations, "", List.of());
    }

    /** Every handler route template. */
    List<String> routes() {
        return routes;
    }

    /** The routes with the methods each takes, as Spring MVC routes a request among them. */
    RouteTable routeTable() {
        return routeTable;
    }

    /** The rules of {@link RateLimit} annotations, with the annotated element as their source. */
    List<RateLimitRule> rateLimitRules() {
        return rateLimitRules;
    }

    /** Routes of {@link AbuseGuardExempt} handlers. */
    List<String> exemptRoutes() {
        return exemptRoutes;
    }

    /** Routes of {@link AbuseGuardMonitor} handlers. */
    List<String> monitoredRoutes() {
        return monitoredRoutes;
    }

    /** The rules of {@link RequireOrigin} annotations. */
    List<OriginRule> originRules() {
        return originRules;
    }

    /** The rules of {@link RejectDisposableEmail} annotations. */
    List<EmailRule> emailRules() {
        return emailRules;
    }

    /** The rules of {@link RequiresPrior} annotations. */
    List<PrecedenceRule> precedenceRules() {
        return precedenceRules;
    }

    /** The rules of {@link FailureLimit} annotations. */
    List<FailureRule> failureRules() {
        return failureRules;
    }

    /** The rules of {@link VolumeLimit} annotations. */
    List<DistinctRule> volumeRules() {
        return volumeRules;
    }
}
