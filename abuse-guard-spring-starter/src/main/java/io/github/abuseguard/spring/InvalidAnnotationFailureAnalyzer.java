package io.github.abuseguard.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an abuse-guard annotation that cannot work into a start-up report that names the controller
 * method and the attribute to correct, instead of a bean-creation stack trace.
 */
final class InvalidAnnotationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidAnnotationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidAnnotationException cause) {
        String annotation = "@" + cause.annotation() + " on " + cause.where();
        String action = cause.attribute() == null
                ? "Correct the " + annotation + "."
                : "Correct the attribute '" + cause.attribute() + "' of " + annotation + ".";
        return new FailureAnalysis(cause.getMessage(), action, cause);
    }
}
