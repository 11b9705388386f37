package io.github.abuseguard.spring;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One handler method as Spring MVC maps it: the route templates it serves (class-level prefixes and
 * configured path prefixes included) and its HTTP methods, empty when the mapping names none.
 */
record HandlerRoute(Class<?> controller, Method method, List<String> routes, Set<String> httpMethods) {

    HandlerRoute {
        routes = List.copyOf(routes);
        httpMethods = Collections.unmodifiableSet(new LinkedHashSet<>(httpMethods));
    }

    /** {@code Controller.method}, the place an error message names. */
    String where() {
        return controller.getSimpleName() + "." + method.getName();
    }

    /** {@code kebab-controller.method}, the name of a rule the annotation leaves unnamed. */
    String baseName() {
        return kebab(controller.getSimpleName()) + "." + method.getName();
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
