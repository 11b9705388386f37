package io.github.abuseguard.internal;

import io.github.abuseguard.PathPattern;
import org.jspecify.annotations.Nullable;

/**
 * A route that {@code routes.exempt} or {@code routes.monitor} (or a handler's {@code @AbuseGuardExempt},
 * {@code @AbuseGuardMonitor}) names: a path pattern, for every method ({@code /actuator/health}) or for one
 * ({@code GET /api/accounts/{id}/cards}). A handler's marker names its own methods: the other handlers of the
 * same path, such as the {@code POST} that adds a card, stay guarded (probe45a F4: a marked {@code GET}
 * exempted the {@code POST} beside it from every guard). A {@code GET} marker covers {@code HEAD}, which the
 * framework answers with the {@code GET} handler.
 *
 * <p>A handler's marker names its route ({@link #ofHandler}): it covers the requests whose route is that
 * template, not every path the template matches, so that a more specific handler of the same shape
 * ({@code GET /api/profiles/me} beside an exempt {@code GET /api/profiles/{id}}) keeps its own rules (review45
 * F4).
 *
 * @param method the method, in upper case, or {@code null} for every method
 * @param pattern the path pattern
 * @param handlerRoute whether it names a handler's route, matched against the request's route, not its path
 */
public record RouteMarker(@Nullable String method, PathPattern pattern, boolean handlerRoute) {

    /**
     * Reads {@code /path} or {@code METHOD /path}.
     *
     * @throws IllegalArgumentException if the method is not a token or the path not a valid {@link PathPattern}
     */
    public static RouteMarker parse(String spec) {
        return parse(spec, false);
    }

    /**
     * Reads a handler's route, {@code /template} or {@code METHOD /template}, as the request's route names it.
     *
     * @throws IllegalArgumentException as {@link #parse(String)}
     */
    public static RouteMarker ofHandler(String spec) {
        return parse(spec, true);
    }

    private static RouteMarker parse(String spec, boolean handlerRoute) {
        String text = spec.strip();
        int space = firstSpace(text);
        String method = null;
        String path = text;
        if (space >= 0 && !text.startsWith("/")) {
            // a misspelt method would match no request and drop the exemption silently (review45 F8)
            method = HttpMethods.canonical(text.substring(0, space));
            path = text.substring(space + 1).strip();
        }
        if (firstSpace(path) >= 0) {
            throw new IllegalArgumentException("'" + spec + "' is neither a path pattern nor 'METHOD /path' (such as"
                    + " 'GET /api/cards'): a path holds no white space");
        }
        return new RouteMarker(method, PathPattern.parse(path), handlerRoute);
    }

    private static int firstSpace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The path pattern as written, without the method. */
    public static String pathOf(String spec) {
        String text = spec.strip();
        int space = firstSpace(text);
        return space < 0 || text.startsWith("/")
                ? text
                : text.substring(space + 1).strip();
    }

    /**
     * Whether it names the request's method: every method, the same one, or {@code GET} for {@code HEAD}. Methods
     * are case-sensitive, as Spring MVC reads them: {@code get} is no {@code GET} (review45 F3: a marked
     * {@code GET} exempted a {@code get} that Spring sent to a limited handler of every method).
     */
    public boolean takes(String requestMethod) {
        return method == null || method.equals(requestMethod) || (method.equals("GET") && requestMethod.equals("HEAD"));
    }

    /** Whether it names the request: its method, and its path, or for a handler's marker its route. */
    public boolean matches(String requestMethod, String path, @Nullable String route) {
        return takes(requestMethod) && (handlerRoute ? pattern.toString().equals(route) : pattern.matches(path));
    }

    @Override
    public String toString() {
        return method == null ? pattern.toString() : method + " " + pattern;
    }
}
