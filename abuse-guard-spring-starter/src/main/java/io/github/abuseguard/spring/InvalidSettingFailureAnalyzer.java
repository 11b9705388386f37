package io.github.abuseguard.spring;

import io.github.abuseguard.config.InvalidSettingException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad {@code abuse-guard.*} value into a start-up report that names the property. */
final class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingException> {

    @Override
    protected @Nullable FailureAnalysis analyze(Throwable rootFailure, InvalidSettingException cause) {
        if (findCause(rootFailure, InvalidAnnotationException.class) != null) {
            // a duration in an annotation: the annotation's analyzer names the attribute, not a property
            return null;
        }
        return new FailureAnalysis(
                "Invalid abuse-guard configuration: " + cause.getMessage(),
                "Correct the property '" + cause.property() + "' in your application configuration.",
                cause);
    }
}
