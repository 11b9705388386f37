package io.github.abuseguard.spring;

import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.internal.SettingsBinder;
import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.springframework.core.annotation.AnnotatedElementUtils;

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
     * @throws InvalidAnnotationException naming the annotation and the handler when it cannot work
     */
    List<T> read(ControllerHandlers controller);

    /**
     * What {@code declare} makes of each handler's {@code type} annotation, or of the controller's for a
     * handler without one; handlers with neither declare nothing.
     */
    static <A extends Annotation, R> List<R> perHandler(
            ControllerHandlers controller, Class<A> type, BiFunction<A, HandlerRoute, R> declare) {
        A onClass = AnnotatedElementUtils.findMergedAnnotation(controller.type(), type);
        List<R> declared = new ArrayList<>();
        for (HandlerRoute handler : controller.handlers()) {
            A annotation = AnnotatedElementUtils.findMergedAnnotation(handler.method(), type);
            if (annotation == null) {
                annotation = onClass;
            }
            if (annotation != null) {
                declared.add(declare.apply(annotation, handler));
            }
        }
        return declared;
    }

    /**
     * Builds what one annotation declares, turning a refusal of a builder into a start-up error that
     * names the annotation, where it sits and, for a refusal {@link #attribute} marked, the attribute.
     *
     * @throws InvalidAnnotationException if {@code build} refuses a value
     */
    static <R> R building(String annotation, String where, Supplier<R> build) {
        try {
            return build.get();
        } catch (InvalidAnnotationException.RefusedAttribute e) {
            throw new InvalidAnnotationException(annotation, where, e.attribute(), e.getMessage(), e.getCause());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidAnnotationException(annotation, where, null, e.getMessage(), e);
        }
    }

    /**
     * The duration of an annotation's attribute, such as {@code @RateLimit(period = "1m")}. A bare number
     * other than 0 is refused (cfgrest 2): by the convention of the properties it is milliseconds, and nobody
     * means {@code period = "60"} as 60 ms; unlike a property, a constant in code costs nothing to write with
     * its unit. Within {@link #attribute}, the refusal names the annotation, the method and the attribute.
     *
     * @throws io.github.abuseguard.config.InvalidSettingException naming {@code attribute}
     */
    static Duration duration(String attribute, String value) {
        if (SettingsBinder.isUnitless(value)) {
            String number = value.strip();
            throw new InvalidSettingException(
                    attribute,
                    "'" + number + "' has no unit; write the unit you mean ('" + number + "s', '" + number + "m'), or '"
                            + number + "ms' if milliseconds are meant");
        }
        return SettingsBinder.duration(attribute, value);
    }

    /**
     * What {@code read} makes of the value of one attribute, within {@link #building}: a refusal names
     * that attribute as the one to correct.
     */
    static <V> V attribute(String attribute, Supplier<V> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidAnnotationException.RefusedAttribute(attribute, e);
        }
    }

    /** As {@link #attribute(String, Supplier)}, quoting {@code value} when the refusal does not. */
    static <V> V attribute(String attribute, String value, Supplier<V> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidAnnotationException.RefusedAttribute(attribute, value, e);
        }
    }
}
