package io.github.abuseguard.spring;

import io.github.abuseguard.spring.annotation.AbuseGuardExempt;
import io.github.abuseguard.spring.annotation.AbuseGuardMonitor;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Reads a marker annotation that applies to whole routes ({@link AbuseGuardExempt},
 * {@link AbuseGuardMonitor}): on a handler method it marks that handler's routes, on a controller class
 * every route of the controller.
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

    @Override
    public List<String> read(ControllerHandlers controller) {
        if (AnnotatedElementUtils.hasAnnotation(controller.type(), marker)) {
            return controller.routes();
        }
        List<String> routes = new ArrayList<>();
        for (HandlerRoute handler : controller.handlers()) {
            if (AnnotatedElementUtils.hasAnnotation(handler.method(), marker)) {
                routes.addAll(handler.routes());
            }
        }
        return routes;
    }
}
