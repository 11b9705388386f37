package io.github.abuseguard.internal;

import io.github.abuseguard.RouteTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The operations ({@code METHOD /template}) an application's routes serve, as its framework lists them at
 * start-up (the Spring Boot starter: Spring MVC's request mappings), put in a {@link
 * io.github.abuseguard.config.GuardContext} as a component. A rule that names an operation no route serves is
 * never matched as written: a request to one of the route's paths is recorded under the route's own template,
 * so a misspelt step ({@code /api/acounts/{id}/verify}), another spelling of a variable
 * ({@code {accountId}} where the route says {@code {id}}), a concrete path under a route's variable
 * ({@code /api/scores/chess} under {@code /api/scores/{game}}) or a method the route does not take makes a
 * {@code requires} rule refuse every session and a {@code forbids} rule never refuse one (cfg36).
 * A host that cannot list every route (functional routes, say) puts none, and nothing is checked.
 */
public final class ServedOperations {

    /** A route's methods when its mapping names none: it takes every method. */
    private static final String ANY = "*";

    /** The methods of each route template, {@link #ANY} alone for every method; in the order given. */
    private final Map<String, Set<String>> methods;

    private final RouteTable routes;

    private ServedOperations(Map<String, Set<String>> methods) {
        this.methods = methods;
        this.routes = RouteTable.of(List.copyOf(methods.keySet()));
    }

    /**
     * @param methods the HTTP methods of each route template; an empty collection for a route that takes every
     *     method
     */
    public static ServedOperations of(Map<String, ? extends Collection<String>> methods) {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        methods.forEach((template, named) -> {
            Set<String> own = copy.computeIfAbsent(template, t -> new LinkedHashSet<>());
            if (named.isEmpty()) {
                own.add(ANY);
            }
            for (String method : named) {
                own.add(HttpMethods.canonical(method));
            }
        });
        return new ServedOperations(copy);
    }

    /** Whether no route is known: then nothing can be checked. */
    public boolean isEmpty() {
        return methods.isEmpty();
    }

    /**
     * Whether a route serves {@code operation} ({@code METHOD /template}, the method in canonical case): its
     * template is a route's and the route takes the method. {@code HEAD} is served where {@code GET} is and
     * {@code OPTIONS} on every route, as the servlet and Spring MVC answer them.
     */
    public boolean serves(String operation) {
        int space = operation.indexOf(' ');
        String method = operation.substring(0, space);
        Set<String> taken = methods.get(operation.substring(space + 1));
        return taken != null
                && (taken.contains(ANY)
                        || taken.contains(method)
                        || method.equals("OPTIONS")
                        || (method.equals("HEAD") && taken.contains("GET")));
    }

    /** The operations served, sorted; {@code * /template} for a route that takes every method. */
    public List<String> operations() {
        Set<String> all = new TreeSet<>(this::compareOperations);
        methods.forEach((template, taken) -> taken.forEach(method -> all.add(method + " " + template)));
        return List.copyOf(all);
    }

    private int compareOperations(String a, String b) {
        int byTemplate = a.substring(a.indexOf(' ') + 1).compareTo(b.substring(b.indexOf(' ') + 1));
        return byTemplate != 0 ? byTemplate : a.compareTo(b);
    }

    /**
     * The served operation {@code operation} most likely means, or {@code null} when none is close: the route a
     * path of its template falls under (another spelling of a variable, a concrete path under a variable), else
     * the route nearest by edit distance with variable names set aside; with the same method when the route
     * takes it, else one it takes.
     */
    public @Nullable String closest(String operation) {
        int space = operation.indexOf(' ');
        String method = operation.substring(0, space);
        String template = operation.substring(space + 1);
        String route = methods.containsKey(template) ? template : routes.resolve(template);
        if (route == null) {
            String shape = shape(template);
            int best = Math.max(2, shape.length() / 4) + 1;
            for (String candidate : methods.keySet()) {
                int distance = Spelling.distance(shape, shape(candidate), best);
                if (distance < best) {
                    best = distance;
                    route = candidate;
                }
            }
        }
        if (route == null) {
            return null;
        }
        Set<String> taken = methods.get(route);
        if (taken.contains(ANY) || taken.contains(method)) {
            return method + " " + route;
        }
        return taken.iterator().next() + " " + route;
    }

    /**
     * Why a rule may not name {@code operation}, or {@code null} when a route serves it or {@code external}
     * lists it: the operation, what follows from it, the closest served operation and every served one.
     *
     * @param consequence what the rule then does, such as {@code the rule would refuse every session}
     * @param external the operations the application declares recorded elsewhere, canonical
     * @param optOut the property that declares them, named in the refusal
     */
    public @Nullable String refusal(String operation, String consequence, Collection<String> external, String optOut) {
        if (serves(operation) || external.contains(operation)) {
            return null;
        }
        String closest = closest(operation);
        List<String> known = operations();
        String listing = known.size() <= MAX_LISTED
                ? String.join(", ", known)
                : String.join(", ", known.subList(0, MAX_LISTED)) + " and " + (known.size() - MAX_LISTED) + " more";
        return "names '" + operation + "', which no route of the application serves (a request is recorded under its"
                + " route's own method and template), so " + consequence + "."
                + (closest == null ? "" : " Did you mean '" + closest + "'?") + " Served: " + listing
                + ". If another service sharing the state store, or a servlet outside these routes, performs it, list"
                + " it in " + optOut;
    }

    /** The most operations a refusal lists. */
    static final int MAX_LISTED = 40;

    /** The template with each variable's name set aside: {@code /a/{}/b}. */
    private static String shape(String template) {
        return template.replaceAll("\\{[^}/]*}", "{}").toLowerCase(Locale.ROOT);
    }

    /** Canonical operations: the method as {@link HttpMethods#canonical} writes it, the template as given. */
    public static List<String> canonical(Collection<String> operations) {
        List<String> canonical = new ArrayList<>(operations.size());
        for (String operation : operations) {
            String trimmed = operation.trim();
            int space = trimmed.indexOf(' ');
            canonical.add(
                    space <= 0
                            ? trimmed
                            : HttpMethods.canonical(trimmed.substring(0, space)) + " "
                                    + trimmed.substring(space + 1).trim());
        }
        return canonical;
    }
}
