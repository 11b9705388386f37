package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;

/**
 * user59 F8: a misspelt {@code abuse-guard.*} property failed start-up with Spring Boot's "were left unbound" and no
 * hint; the report now names the property it most likely means and those known where it stands.
 */
class UnknownSettingFailureAnalyzerTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    private FailureAnalysis[] analysisOf(String... properties) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = new UnknownSettingFailureAnalyzer().analyze(context.getStartupFailure());
        });
        return analysis;
    }

    @Test
    void aMisspeltSectionIsAnsweredWithTheSectionItMeans() {
        FailureAnalysis analysis = analysisOf("abuse-guard.client-signal.enabled=false")[0];

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
                .contains("abuse-guard.client-signal: unknown property 'client-signal'; did you mean 'client-signals'?")
                .contains("known here: [")
                .contains("filter");
        assertThat(analysis.getAction()).contains("abuse-guard.client-signal.enabled");
    }

    @Test
    void aMisspeltRulePropertyIsAnsweredWithThePropertyItMeans() {
        FailureAnalysis analysis = analysisOf(
                "abuse-guard.rate-limit.rules.api.paths=/api/**",
                "abuse-guard.rate-limit.rules.api.limits[0].capacity=10",
                "abuse-guard.rate-limit.rules.api.limits[0].period=1m",
                "abuse-guard.rate-limit.rules.api.mehtods=GET")[0];

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("unknown property 'mehtods'; did you mean 'methods'?");
    }

    @Test
    void aMisspeltPropertyOfASectionOnlyTheStarterHasIsAnsweredToo() {
        FailureAnalysis analysis = analysisOf("abuse-guard.report.top-client=5")[0];

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
                .contains("abuse-guard.report.top-client: unknown property 'top-client'; did you mean 'top-clients'?");
    }

    @Test
    void aStarterSectionWithoutAPropertyIsLeftToSpringBootsReport() {
        assertThat(UnknownSettingFailureAnalyzer.problem("abuse-guard.filter", ""))
                .isNull();
    }
}
