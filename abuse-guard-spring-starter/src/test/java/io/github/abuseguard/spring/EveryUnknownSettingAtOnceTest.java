package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;

/**
 * user65 F3: four misspelt properties in four sections fail start-up naming one section's only: the e-mail one
 * first, then, once that is fixed, the failure one, and so on: a restart per section to learn what else is wrong
 * (Spring Boot binds each section apart and the first unbound one stops the context). The README promises that a
 * misspelt property is "never ignored"; it is, until the next start.
 */
class EveryUnknownSettingAtOnceTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    @Test
    void oneStartNamesEveryMisspeltPropertyOfEverySection() {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner.withPropertyValues(
                        "abuse-guard.email.block-disposable=true",
                        "abuse-guard.failure.rules.y.paths=/api/login",
                        "abuse-guard.failure.rules.y.ban-duration=1h",
                        "abuse-guard.volume.rules.c.paths=/api/products/{id}",
                        "abuse-guard.volume.rules.c.max-distinct-resources=5")
                .run(context -> {
                    assertThat(context).hasFailed();
                    analysis[0] = new UnknownSettingFailureAnalyzer().analyze(context.getStartupFailure());
                });

        assertThat(analysis[0]).isNotNull();
        assertThat(analysis[0].getDescription())
                .contains("block-disposable")
                .contains("ban-duration")
                .contains("max-distinct-resources");
    }
}
