package io.github.abuseguard.spring;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A controller class and its mapped handlers: what a class-level annotation applies to. */
record ControllerHandlers(Class<?> type, List<HandlerRoute> handlers) {

    ControllerHandlers {
        handlers = List.copyOf(handlers);
    }

    /** Every route of every handler, in handler order, without repeats. */
    List<String> routes() {
        Set<String> routes = new LinkedHashSet<>();
        handlers.forEach(handler -> routes.addAll(handler.routes()));
        return new ArrayList<>(routes);
    }

    /**
     * The HTTP methods of the controller's handlers, or none (meaning any) when one handler is mapped
     * without a method: a class-level rule must not leave that handler's other methods unguarded.
     */
    Set<String> sharedMethods() {
        Set<String> methods = new LinkedHashSet<>();
        for (HandlerRoute handler : handlers) {
            if (handler.httpMethods().isEmpty()) {
                return Set.of();
            }
            methods.addAll(handler.httpMethods());
        }
        return methods;
    }

    String where() {
        return type.getSimpleName();
    }

    String baseName() {
        return HandlerRoute.ruleName(HandlerRoute.kebab(type.getSimpleName()));
    }
}
