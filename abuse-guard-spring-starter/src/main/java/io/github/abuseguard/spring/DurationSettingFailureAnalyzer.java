package io.github.abuseguard.spring;

import io.github.abuseguard.config.AbuseGuardSettings;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Turns an {@code abuse-guard.*} duration that does not convert ({@code period: 5 minutes}) into a start-up report
 * that says how to write one, as an annotation's already did (user67 F8: Spring Boot's report said only "failed to
 * convert"). Asked before Spring Boot's own analyzer of bind failures, which answers for any other property.
 */
final class DurationSettingFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
        if (!cause.getName().toString().startsWith(AbuseGuardSettings.PREFIX + ".")
                || cause.getTarget().getType().resolve() != Duration.class) {
            return null;
        }
        ConfigurationProperty property = cause.getProperty();
        String value = property == null ? "" : String.valueOf(property.getValue());
        String origin = property == null || property.getOrigin() == null ? "" : " (" + property.getOrigin() + ")";
        return new FailureAnalysis(
                cause.getName() + ": '" + value + "' is not a duration" + origin
                        + "; write it as 500ms, 30s, 5m, 1h, 1d or PT5M",
                "Correct " + cause.getName() + " in your application configuration.",
                cause);
    }
}
