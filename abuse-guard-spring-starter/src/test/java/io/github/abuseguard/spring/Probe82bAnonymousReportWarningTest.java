package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * probe82b F2: the start-up WARN that a report endpoint is readable by anyone (user60 F5) is missed where the
 * exposure is written as a YAML list, the form Spring Boot's own documentation and most applications use
 * ({@code include: [health, abuseguard]}, bound as {@code include[0]}, {@code include[1]}): the starter reads the
 * property as one comma-separated string, finds none, and says nothing while the endpoint is served to anyone. The
 * read-only roll-out report ({@code abuseguardrollout}, README's step 1 of "Monitor first") is never warned about,
 * though it lists every guard's mode: which protections only watch ({@code "rate-limit":"monitor"}) is what an
 * attacker most wants to know.
 */
@ExtendWith(OutputCaptureExtension.class)
class Probe82bAnonymousReportWarningTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardControlAutoConfiguration.class,
                    AbuseGuardEndpointAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    @Test
    void anAnonymousReportExposedAsOneStringIsAWarning(CapturedOutput output) {
        runner.withPropertyValues("management.endpoints.web.exposure.include=health,abuseguard")
                .run(context -> assertThat(context).hasSingleBean(AbuseGuardEndpoint.class));
        assertThat(output.getAll()).contains("abuseguard endpoint is exposed over HTTP on the application's port");
    }

    @Test
    void anAnonymousReportExposedAsAYamlListIsAWarningToo(CapturedOutput output) {
        runner.withPropertyValues(
                        "management.endpoints.web.exposure.include[0]=health",
                        "management.endpoints.web.exposure.include[1]=abuseguard")
                .run(context -> assertThat(context).hasSingleBean(AbuseGuardEndpoint.class));
        assertThat(output.getAll())
                .as("the endpoint is served (its bean exists, exposed as a list); the WARN must say so")
                .contains("abuseguard endpoint is exposed over HTTP on the application's port");
    }

    @Test
    void anAnonymousRolloutReportIsAWarning(CapturedOutput output) {
        runner.withPropertyValues(
                        "management.endpoints.web.exposure.include=health,abuseguardrollout",
                        "abuse-guard.rate-limit.mode=monitor",
                        "abuse-guard.rate-limit.rules.api.paths=/api/**",
                        "abuse-guard.rate-limit.rules.api.limits[0].capacity=10",
                        "abuse-guard.rate-limit.rules.api.limits[0].period=1m")
                .run(context -> {
                    assertThat(context).hasSingleBean(AbuseGuardRolloutEndpoint.class);
                    assertThat(context.getBean(AbuseGuardRolloutEndpoint.class)
                                    .rollout()
                                    .get("modes")
                                    .toString())
                            .as("what an anonymous reader gets")
                            .contains("rate-limit=monitor");
                });
        assertThat(output.getAll())
                .as("abuseguardrollout tells anyone which guards only monitor; no start-up line says it is anonymous")
                .containsPattern("abuseguardrollout[^\\n]*(exposed|anyone|open)");
    }
}
