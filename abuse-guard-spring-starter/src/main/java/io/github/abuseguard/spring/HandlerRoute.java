package io.github.abuseguard.spring;

import io.github.abuseguard.GuardRule;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One handler method as Spring MVC maps it: the route templates it serves (class-level prefixes and
 * configured path prefixes included) and its HTTP methods, empty when the mapping names none; {@code
 * conditional} when it also takes a request only under {@code params}, {@code headers}, {@code consumes} or
 * {@code produces} conditions, which a client chooses; {@code byParameters} when a {@code params} condition is one
 * of them, which a body's fields may meet.
 */
record HandlerRoute(
        Class<?> controller,
        Method method,
        List<String> routes,
        Set<String> httpMethods,
        boolean conditional,
        boolean byParameters) {

    HandlerRoute {
        routes = List.copyOf(routes);
        httpMethods = Collections.unmodifiableSet(new LinkedHashSet<>(httpMethods));
    }

    /** A handler whose condition, if it has one, may read the request's parameters. */
    HandlerRoute(
            Class<?> controller, Method method, List<String> routes, Set<String> httpMethods, boolean conditional) {
        this(controller, method, routes, httpMethods, conditional, conditional);
    }

    /** A handler Spring maps by method and path alone. */
    HandlerRoute(Class<?> controller, Method method, List<String> routes, Set<String> httpMethods) {
        this(controller, method, routes, httpMethods, false, false);
    }

    /** {@code Controller.method}, the place an error message names. */
    String where() {
        return controller.getSimpleName() + "." + method.getName();
    }

    /**
     * {@code builder} declared by {@code annotation} on this handler: its source
     * ({@code @Annotation on Controller.method}) and the handler's routes as its paths, matched against a
     * request's route ({@link GuardRule.Builder#byHandlerRoute()}): the rule holds the requests Spring MVC sends
     * this handler, not those of a more specific handler its templates also match (probe46b F1).
     */
    <B extends GuardRule.Builder<B>> B scope(B builder, String annotation) {
        builder.source("@" + annotation + " on " + where());
        routes.forEach(builder::path);
        return builder.byHandlerRoute();
    }

    /**
     * As {@link #scope}, and the handler's HTTP methods and {@code key}: the scope of a keyed rule
     * ({@code @FailureLimit}, {@code @VolumeLimit}).
     *
     * @throws IllegalArgumentException if {@code key} is malformed, naming the attribute {@code key}
     */
    <B extends GuardRule.KeyedBuilder<B>> B keyedScope(B builder, String annotation, String key) {
        B scoped = scope(builder, annotation).methods(methodNames());
        return AnnotationReader.attribute("key", key, () -> scoped.key(key));
    }

    /** The handler's HTTP methods, none when the mapping names none. */
    String[] methodNames() {
        return httpMethods.toArray(String[]::new);
    }

    /** {@code kebab-controller.method}, the name of a rule the annotation leaves unnamed. */
    String baseName() {
        return ruleName(kebab(controller.getSimpleName()) + "." + method.getName());
    }

    /** The longest name {@link #ruleName} gives: room for a {@code -NN} suffix within a rule name's 64. */
    static final int MAX_BASE_NAME = 56;

    /**
     * {@code raw} as a valid rule name: characters other than ASCII letters, digits, {@code . _ -} (a
     * Kotlin {@code $}, a non-ASCII letter) become {@code -}, a name not starting with a letter or digit
     * gets an {@code r} in front, and a name longer than {@value #MAX_BASE_NAME} is cut and ends with a
     * hash of the whole, so two long handler names stay apart. A derived name never fails start-up.
     */
    static String ruleName(String raw) {
        StringBuilder out = new StringBuilder(raw.length() + 1);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            out.append(isAsciiAlphanumeric(c) || c == '.' || c == '_' || c == '-' ? c : '-');
        }
        if (out.isEmpty() || !isAsciiAlphanumeric(out.charAt(0))) {
            out.insert(0, 'r');
        }
        if (out.length() > MAX_BASE_NAME) {
            String hash = String.format(Locale.ROOT, "%08x", raw.hashCode());
            out.setLength(MAX_BASE_NAME - hash.length() - 1);
            out.append('-').append(hash);
        }
        return out.toString();
    }

    private static boolean isAsciiAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    static String kebab(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                out.append('-');
            }
            out.append(Character.toLowerCase(c));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
