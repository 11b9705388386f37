package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;

/**
 * review103: user65 F3's gathering names every unknown key of a start only while nothing else is wrong. A misspelt
 * key beside a value that does not convert (here in a later section) is dropped: the start names the value alone,
 * and the misspelt key takes a second start, which is what user65 F3 was about.
 */
class Review103EveryProblemAtOnceTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    @Test
    void aMisspeltKeyIsNamedBesideAValueThatDoesNotConvert() {
        List<String> described = new ArrayList<>();
        runner.withPropertyValues(
                        "abuse-guard.email.block-disposable=true", // misspelt key
                        "abuse-guard.rate-limit.rules.per-ip.paths=/api/**",
                        "abuse-guard.rate-limit.rules.per-ip.limits[0].capacity=lots", // a value that does not convert
                        "abuse-guard.rate-limit.rules.per-ip.limits[0].period=1m")
                .run(context -> {
                    assertThat(context).hasFailed();
                    for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
                        described.add(cause.toString());
                        for (Throwable suppressed : cause.getSuppressed()) {
                            described.add(suppressed.toString());
                        }
                    }
                    FailureAnalysis unknown = new UnknownSettingFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(unknown).isNotNull();
                    assertThat(unknown.getDescription())
                            .as("one report names both")
                            .contains("abuse-guard.email.block-disposable")
                            .contains("abuse-guard.rate-limit.rules.per-ip.limits[0].capacity");
                    described.add(unknown.getDescription());
                });

        assertThat(String.join("\n", described)).contains("capacity");
        assertThat(String.join("\n", described))
                .as("the misspelt key of the same start is named too (user65 F3)")
                .contains("block-disposable");
    }
}
