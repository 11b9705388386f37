package io.github.abuseguard.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * Where the handlers of the application's controllers are mapped. Spring MVC's own handler mappings
 * are the source of truth ({@link MvcHandlerRoutes}); reading the {@link RequestMapping} annotations of
 * controller classes is the fallback for a context without them, and it does not know path prefixes
 * configured with {@code PathMatchConfigurer}.
 */
final class HandlerRoutes {
    private static final Logger log = LoggerFactory.getLogger(HandlerRoutes.class);

    private HandlerRoutes() {}

    /**
     * Reads the mapping annotations of the given controller classes, combining class-level and
     * method-level paths as Spring MVC does.
     *
     * @param placeholders resolves {@code ${...}} placeholders in mapping paths, as Spring MVC does
     */
    static List<ControllerHandlers> fromClasses(List<Class<?>> controllers, UnaryOperator<String> placeholders) {
        return fromClasses(controllers, placeholders, "");
    }

    /**
     * Reads the mapping annotations of the given controller classes as {@link #fromClasses(List, UnaryOperator)}
     * does, each route under the DispatcherServlet's prefix.
     *
     * @param servletPrefix the DispatcherServlet's prefix ({@link #servletPrefix}), empty at the root
     */
    static List<ControllerHandlers> fromClasses(
            List<Class<?>> controllers, UnaryOperator<String> placeholders, String servletPrefix) {
        List<HandlerRoute> handlers = new ArrayList<>();
        for (Class<?> controller : controllers) {
            RequestMapping classMapping = AnnotatedElementUtils.findMergedAnnotation(controller, RequestMapping.class);
            List<String> classPaths = paths(classMapping, placeholders);
            for (Method method :
                    ReflectionUtils.getUniqueDeclaredMethods(controller, ReflectionUtils.USER_DECLARED_METHODS)) {
                RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
                if (mapping == null) {
                    continue;
                }
                List<String> routes = new ArrayList<>();
                for (String classPath : classPaths) {
                    for (String methodPath : paths(mapping, placeholders)) {
                        routes.add(template(servletPrefix + "/" + classPath + "/" + methodPath));
                    }
                }
                Set<String> httpMethods = new LinkedHashSet<>();
                for (RequestMethod httpMethod : mapping.method()) {
                    httpMethods.add(httpMethod.name());
                }
                handlers.add(new HandlerRoute(controller, method, routes, httpMethods));
            }
        }
        return group(handlers);
    }

    /**
     * Groups handlers by controller class, in a stable order (class name, then method signature), so
     * that derived rule names do not depend on the iteration order of a handler mapping.
     */
    static List<ControllerHandlers> group(Collection<HandlerRoute> handlers) {
        Map<Class<?>, List<HandlerRoute>> byController = new LinkedHashMap<>();
        handlers.stream()
                .sorted(Comparator.comparing(
                                (HandlerRoute handler) -> handler.controller().getName())
                        .thenComparing(handler -> handler.method().toGenericString())
                        .thenComparing(handler -> String.join(",", handler.routes())))
                .forEach(handler -> byController
                        .computeIfAbsent(handler.controller(), type -> new ArrayList<>())
                        .add(handler));
        List<ControllerHandlers> result = new ArrayList<>();
        byController.forEach((type, list) -> result.add(new ControllerHandlers(type, list)));
        return result;
    }

    private static List<String> paths(RequestMapping mapping, UnaryOperator<String> placeholders) {
        if (mapping == null || mapping.path().length == 0) {
            return List.of("");
        }
        List<String> paths = new ArrayList<>();
        for (String path : mapping.path()) {
            paths.add(placeholders.apply(path));
        }
        return paths;
    }

    /**
     * The prefix the DispatcherServlet's mapping puts before every handler's pattern in the path the guard sees:
     * {@code /v1} for {@code spring.mvc.servlet.path=/v1} (a request to {@code /v1/api/scores/chess} reaches the
     * handler of {@code /api/scores/{game}}), as Spring Boot's {@code DispatcherServletPath#getPrefix} reads it.
     * Empty when the DispatcherServlet is mapped at {@code /}. Route templates and the rules of controller
     * annotations carry it, so that they match what the guard matches (review17 F5). Read from Spring Boot's
     * {@code DispatcherServletPath} bean, which the application's own {@code DispatcherServletRegistrationBean} is
     * too (probe38a F1: a DispatcherServlet mapped at {@code /v2} that way left every annotation rule unapplied),
     * else from {@code spring.mvc.servlet.path}.
     */
    static String servletPrefix(ListableBeanFactory beans, Environment environment) {
        if (ClassUtils.isPresent(DISPATCHER_SERVLET_PATH, HandlerRoutes.class.getClassLoader())) {
            String registered = DispatcherPath.of(beans);
            if (registered != null) {
                return servletPrefix(registered);
            }
        }
        return servletPrefix(environment.getProperty("spring.mvc.servlet.path"));
    }

    /** Spring Boot's bean type that says where the DispatcherServlet is mapped. */
    private static final String DISPATCHER_SERVLET_PATH =
            "org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath";

    /**
     * Warns when more than one DispatcherServlet is mapped ({@code DispatcherServletPath} beans, one of them primary):
     * route templates and the controller annotations' rules carry the primary one's prefix only, so the same handlers
     * reached through another mapping are not guarded by those rules (review38 F2).
     */
    static void warnIfSeveralDispatcherServlets(ListableBeanFactory beans, String prefix) {
        if (ClassUtils.isPresent(DISPATCHER_SERVLET_PATH, HandlerRoutes.class.getClassLoader())) {
            List<String> paths = DispatcherPath.all(beans);
            if (paths.size() > 1) {
                log.warn(
                        "{} DispatcherServlets are mapped ({}): route templates and the rules of controller annotations"
                                + " are built under '{}' only, so the handlers reached through the others are not"
                                + " guarded by those rules; write abuse-guard.* property rules for their paths",
                        paths.size(),
                        paths,
                        prefix.isEmpty() ? "/" : prefix);
            }
        }
    }

    /** Reads Spring Boot's {@code DispatcherServletPath}, in a class of its own so that it loads only when present. */
    private static final class DispatcherPath {
        static @Nullable String of(ListableBeanFactory beans) {
            org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath path = beans.getBeanProvider(
                            org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath.class)
                    .getIfUnique();
            return path == null ? null : path.getPath();
        }

        static List<String> all(ListableBeanFactory beans) {
            List<String> paths = new ArrayList<>();
            beans.getBeansOfType(
                            org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath.class, false, false)
                    .values()
                    .forEach(path -> paths.add(path.getPath()));
            return paths;
        }
    }

    /**
     * The prefix of a servlet path as {@link #servletPrefix(ListableBeanFactory, Environment)} normalises it:
     * without a trailing {@code /} or {@code /*}, empty for the root.
     */
    static String servletPrefix(@Nullable String servletPath) {
        String path = servletPath == null ? "" : servletPath.trim();
        if (path.endsWith("/*")) {
            path = path.substring(0, path.length() - 2);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.isEmpty() || path.startsWith("/") ? path : "/" + path;
    }

    /**
     * The route template of a Spring MVC path pattern, in the whole-segment form
     * {@link io.github.abuseguard.PathPattern} matches: {@code {*rest}} becomes {@code **}, and a segment
     * that mixes text with a wildcard or variable ({@code *.json}, {@code v{n}}, {@code v?}: review46 F3, kept as
     * a literal it matched no path) becomes {@code *}.
     */
    static String template(String pattern) {
        StringBuilder route = new StringBuilder();
        for (String part : pattern.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            String segment = part;
            if (part.startsWith("{*")) {
                segment = "**";
            } else if ((part.contains("{") || part.contains("*") || part.contains("?"))
                    && !part.equals("*")
                    && !part.equals("**")
                    && !(part.startsWith("{") && part.endsWith("}") && part.indexOf('{', 1) < 0)) {
                segment = "*";
            }
            route.append('/').append(segment);
        }
        return route.length() == 0 ? "/" : route.toString();
    }

    /**
     * Whether the route template stands for a Spring pattern it does not match or rank as Spring does: a segment
     * that mixes text with a variable or wildcard ({@code {id}:ship}, {@code {id}.pdf}), a variable with a regular
     * expression ({@code {id:\d+}}), or {@code **} before the last segment (probe45c F1, F2: such a handler
     * beside another of the same method took the other's requests, or gave its own away). A request that such a
     * template and another both match is routed by asking Spring MVC.
     */
    static boolean lossy(String pattern) {
        String[] parts = pattern.split("/");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.startsWith("{*")) {
                continue;
            }
            if (part.equals("**")) {
                if (i < parts.length - 1) {
                    return true;
                }
                continue;
            }
            if (!template(part).equals("/" + part) || (part.startsWith("{") && part.indexOf(':') > 0)) {
                return true;
            }
        }
        return false;
    }
}
