package io.github.abuseguard.spring;

import java.util.List;
import java.util.function.Supplier;

/**
 * Reads one abuse-guard annotation from a controller and its handlers, at start-up. A reader may keep
 * state across controllers (rule names already taken), so one instance reads one application.
 *
 * @param <T> what the annotation declares: rules, or routes
 */
interface AnnotationReader<T> {

    /**
     * What the annotation declares on this controller's class and handler methods.
     *
     * @throws IllegalStateException naming the annotation and the handler when it cannot work
     */
    List<T> read(ControllerHandlers controller);

    /**
     * Builds what one annotation declares, turning a refusal of a builder into a start-up error that
     * names the annotation and where it sits.
     */
    static <R> R building(String annotation, String where, Supplier<R> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException("@" + annotation + " on " + where + " cannot work: " + e.getMessage(), e);
        }
    }
}
