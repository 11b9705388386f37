package io.github.abuseguard;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which requests a rule applies to: any of its path patterns, and one of its methods (every method when
 * it has none). Shared by the rules of every guard, so they all match requests the same way.
 */
final class RequestMatcher {
    private final PathPattern[] paths;
    private final Set<String> methods;
    /**
     * The route templates of the handler a rule is declared on, when it watches the requests routed to that
     * handler ({@link GuardRequest#route()}) rather than every path its templates match; {@code null} otherwise.
     */
    private final @Nullable Set<String> handlerRoutes;

    private RequestMatcher(List<PathPattern> paths, Set<String> methods, boolean byHandlerRoute) {
        this.paths = paths.toArray(PathPattern[]::new);
        this.methods = servedMethods(methods);
        this.handlerRoutes = byHandlerRoute
                ? Set.copyOf(paths.stream().map(PathPattern::toString).toList())
                : null;
    }

    /**
     * The methods a rule's methods reach: a servlet container and Spring MVC answer {@code HEAD} with the
     * {@code GET} handler, which runs in full, so a rule for GET also holds HEAD (else HEAD walks past it).
     */
    private static Set<String> servedMethods(Set<String> methods) {
        if (methods.contains("GET") && !methods.contains("HEAD")) {
            Set<String> served = new HashSet<>(methods);
            served.add("HEAD");
            return Set.copyOf(served);
        }
        return Set.copyOf(methods);
    }

    /**
     * @param paths the path patterns
     * @param methods the methods in upper case; empty means every method
     */
    static RequestMatcher of(List<PathPattern> paths, Set<String> methods) {
        return new RequestMatcher(paths, methods, false);
    }

    /**
     * A matcher of the requests routed to a handler whose route templates are {@code routes}: a request whose
     * route is one of them, whatever other templates its path matches (probe46b F1: the rule of {@code
     * /items/{id}} limited the handler of {@code /items/me}).
     */
    static RequestMatcher ofHandlerRoutes(List<PathPattern> routes, Set<String> methods) {
        return new RequestMatcher(routes, methods, true);
    }

    /**
     * Whether some request of this method whose path belongs to the route template {@code route} may be
     * matched; {@code false} only when none can be. See {@link PathPattern#mayMatchPathOf(PathPattern)}.
     */
    boolean mayMatchRoute(String method, PathPattern route) {
        if (!methods.isEmpty() && !methods.contains(method)) {
            return false;
        }
        if (handlerRoutes != null) {
            return handlerRoutes.contains(route.toString());
        }
        for (PathPattern pattern : paths) {
            if (pattern.mayMatchPathOf(route)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether every request of this method whose path belongs to the route template {@code route} is
     * matched; {@code false} when unsure. See {@link PathPattern#matchesEveryPathOf(PathPattern)}.
     */
    boolean coversRoute(String method, PathPattern route) {
        if (!methods.isEmpty() && !methods.contains(method)) {
            return false;
        }
        if (handlerRoutes != null) {
            return handlerRoutes.contains(route.toString());
        }
        for (PathPattern pattern : paths) {
            if (pattern.matchesEveryPathOf(route)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a request of this method and path is matched; a matcher of handler routes matches none, since it
     * needs the request's route ({@link #matches(String, GuardRequest)}).
     */
    boolean matches(String method, String path) {
        if (!methods.isEmpty() && !methods.contains(method)) {
            return false;
        }
        if (handlerRoutes != null) {
            return false;
        }
        for (PathPattern pattern : paths) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the request, taken as one of {@code method}, is matched: by its route for a matcher of handler routes. */
    boolean matches(String method, GuardRequest request) {
        if (handlerRoutes == null) {
            return matches(method, request.path());
        }
        if (!methods.isEmpty() && !methods.contains(method)) {
            return false;
        }
        String route = method.equals(request.method()) ? request.route() : request.routeFor(method);
        return route != null && handlerRoutes.contains(route);
    }
}
