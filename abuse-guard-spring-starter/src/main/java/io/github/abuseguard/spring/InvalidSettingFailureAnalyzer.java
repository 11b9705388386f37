package io.github.abuseguard.spring;

import io.github.abuseguard.config.InvalidSettingException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad {@code abuse-guard.*} value into a start-up report that names the property. */
final class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingException cause) {
        return new FailureAnalysis(
                "Invalid abuse-guard configuration: " + cause.getMessage(),
                "Correct the property '" + cause.property() + "' in your application configuration.",
                cause);
    }
}
