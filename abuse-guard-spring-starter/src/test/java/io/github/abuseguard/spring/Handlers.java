package io.github.abuseguard.spring;

import java.util.List;
import java.util.function.UnaryOperator;

/** The handlers of one test controller, as the readers see them. */
final class Handlers {
    private Handlers() {}

    static ControllerHandlers of(Class<?> controller) {
        return HandlerRoutes.fromClasses(List.of(controller), UnaryOperator.identity())
                .get(0);
    }
}
