package io.github.abuseguard.spring;

import io.github.abuseguard.spring.annotation.AbuseGuardExempt;
import io.github.abuseguard.spring.annotation.AbuseGuardMonitor;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Reads a marker annotation that applies to whole routes ({@link AbuseGuardExempt},
 * {@link AbuseGuardMonitor}): on a handler method it marks that handler's routes and methods, on a controller
 * class those of every handler of the controller.
 */
final class RouteMarkerReader implements AnnotationReader<String> {
    private final Class<? extends Annotation> marker;

    RouteMarkerReader(Class<? extends Annotation> marker) {
        this.marker = marker;
    }

    static RouteMarkerReader exempt() {
        return new RouteMarkerReader(AbuseGuardExempt.class);
    }

    static RouteMarkerReader monitor() {
        return new RouteMarkerReader(AbuseGuardMonitor.class);
    }

    /** Whether the marker is on the handler or on its controller. */
    boolean marks(ControllerHandlers controller, HandlerRoute handler) {
        return AnnotatedElementUtils.hasAnnotation(controller.type(), marker)
                || AnnotatedElementUtils.hasAnnotation(handler.method(), marker);
    }

    /** The marker's name as written, {@code @AbuseGuardExempt}. */
    String name() {
        return "@" + marker.getSimpleName();
    }

    /**
     * Each marked handler's routes with its methods ({@code GET /api/cards/{id}}), or the bare route for a handler
     * mapped without a method: another handler of the same path (the {@code POST} beside a marked {@code GET})
     * stays guarded (probe45a F4).
     */
    @Override
    public List<String> read(ControllerHandlers controller) {
        List<String> routes = new ArrayList<>();
        for (HandlerRoute handler : controller.handlers()) {
            if (marks(controller, handler)) {
                for (String route : handler.routes()) {
                    if (handler.httpMethods().isEmpty()) {
                        routes.add(route);
                    }
                    for (String method : handler.httpMethods()) {
                        routes.add(method + " " + route);
                    }
                }
            }
        }
        return routes;
    }
}
