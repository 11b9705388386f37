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

    /** user67 F9: the e-mail guard answers and counts as {@code disposable-email}; its section is {@code email}. */
    @Test
    void theEmailGuardsNameIsAnsweredWithItsSection() {
        FailureAnalysis analysis = analysisOf("abuse-guard.disposable-email.enabled=false")[0];

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("unknown property 'disposable-email'; did you mean 'email'?");
    }

    /** user67 F8: a duration that does not convert got Spring Boot's "failed to convert" and no hint. */
    @Test
    void aDurationThatDoesNotConvertIsAnsweredWithHowToWriteOne() {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner.withPropertyValues(
                        "abuse-guard.rate-limit.rules.api.paths=/api/**",
                        "abuse-guard.rate-limit.rules.api.limits[0].capacity=10",
                        "abuse-guard.rate-limit.rules.api.limits[0].period=5 minutes")
                .run(context -> {
                    assertThat(context).hasFailed();
                    analysis[0] = new DurationSettingFailureAnalyzer().analyze(context.getStartupFailure());
                });

        assertThat(analysis[0]).isNotNull();
        assertThat(analysis[0].getDescription())
                .startsWith("abuse-guard.rate-limit.rules.api.limits[0].period: '5 minutes' is not a duration")
                .endsWith("write it as 500ms, 30s, 5m, 1h, 1d or PT5M");
        assertThat(analysis[0].getAction()).contains("abuse-guard.rate-limit.rules.api.limits[0].period");
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
    void anEmptySectionIsReportedAsOneAndAValueInPlaceOfASectionIsLeftToSpringBootsReport() {
        // user68 F2: YAML's `filter:` with nothing under it, a starter section and a core one alike
        assertThat(UnknownSettingFailureAnalyzer.problem("abuse-guard.filter", ""))
                .startsWith("abuse-guard.filter: an empty section");
        assertThat(UnknownSettingFailureAnalyzer.problem("abuse-guard.email", " "))
                .startsWith("abuse-guard.email: an empty section");
        assertThat(UnknownSettingFailureAnalyzer.problem("abuse-guard.filter", "on"))
                .isNull();
    }
}
