package io.github.abuseguard.spring;

import org.jspecify.annotations.Nullable;

/**
 * An abuse-guard annotation on a controller that cannot work, thrown at start-up: names the annotation,
 * the controller method or class it sits on and, when one value is at fault, the attribute to correct.
 * {@link InvalidAnnotationFailureAnalyzer} turns it into Spring Boot's start-up report.
 */
final class InvalidAnnotationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String annotation;
    private final String where;
    private final @Nullable String attribute;

    /**
     * @param annotation the annotation's simple name, such as {@code RateLimit}
     * @param where {@code Controller.method}, or {@code Controller} for an annotation on the class
     * @param attribute the attribute whose value cannot work, or null when no single one is at fault
     */
    InvalidAnnotationException(
            String annotation,
            String where,
            @Nullable String attribute,
            @Nullable String problem,
            @Nullable Throwable cause) {
        super("@" + annotation + " on " + where + " cannot work: " + named(attribute, problem), cause);
        this.annotation = annotation;
        this.where = where;
        this.attribute = attribute;
    }

    // "capacity must be positive" names its attribute already; "'abc' is neither a status code ..." does not
    private static String named(@Nullable String attribute, @Nullable String problem) {
        if (problem == null) {
            return attribute == null ? "refused" : attribute + " refused";
        }
        return attribute == null || problem.startsWith(attribute) ? problem : attribute + ": " + problem;
    }

    /** The annotation's simple name, such as {@code RateLimit}. */
    String annotation() {
        return annotation;
    }

    /** {@code Controller.method}, or {@code Controller} for an annotation on the class. */
    String where() {
        return where;
    }

    /** The attribute whose value cannot work, or null when no single one is at fault. */
    @Nullable
    String attribute() {
        return attribute;
    }

    /**
     * A value of one attribute refused while an annotation is read; {@link AnnotationReader#building}
     * adds the annotation and where it sits.
     */
    static final class RefusedAttribute extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final String attribute;

        RefusedAttribute(String attribute, RuntimeException refusal) {
            super(refusal.getMessage(), refusal);
            this.attribute = attribute;
        }

        /** A refusal of {@code value} whose message may not quote it (Jackson's of a JSON pointer). */
        RefusedAttribute(String attribute, String value, RuntimeException refusal) {
            super(
                    refusal.getMessage() == null || refusal.getMessage().contains(value)
                            ? refusal.getMessage()
                            : "'" + value + "': " + refusal.getMessage(),
                    refusal);
            this.attribute = attribute;
        }

        String attribute() {
            return attribute;
        }
    }
}
