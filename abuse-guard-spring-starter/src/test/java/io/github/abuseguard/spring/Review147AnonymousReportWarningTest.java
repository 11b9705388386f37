package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.IncludeExcludeEndpointFilter;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * review147 F3: the start-up WARN that a report endpoint is readable by anyone compares the exposure's names with
 * {@code equalsIgnoreCase}, where Spring Boot reads each name as an endpoint id ({@code EndpointId.fromPropertyValue}
 * drops the dashes): {@code include: health,abuse-guard} serves {@code /actuator/abuseguard} to anyone and no WARN
 * says so; {@code abuse-guard-rollout} likewise. And {@code management.server.port} equal to {@code server.port} is
 * the application's port (Spring Boot's {@code ManagementPortType.SAME}), yet any value silences the WARN.
 */
@ExtendWith(OutputCaptureExtension.class)
class Review147AnonymousReportWarningTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardControlAutoConfiguration.class,
                    AbuseGuardEndpointAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    @Test
    void aDashedExposureNameIsTheEndpointAndAWarning(CapturedOutput output) {
        runner.withPropertyValues("management.endpoints.web.exposure.include=health,abuse-guard")
                .run(context -> {
                    assertThat(context).hasSingleBean(AbuseGuardEndpoint.class);
                    // what the Actuator itself decides for this very environment: the endpoint is exposed over HTTP
                    IncludeExcludeEndpointFilter<ExposableWebEndpoint> actuator = new IncludeExcludeEndpointFilter<>(
                            ExposableWebEndpoint.class,
                            context.getEnvironment(),
                            "management.endpoints.web.exposure",
                            "health");
                    assertThat(actuator.match(EndpointId.of("abuseguard")))
                            .as("Spring Boot exposes abuseguard for include=abuse-guard")
                            .isTrue();
                });
        assertThat(output.getAll())
                .as("served to anyone, and no start-up line says so")
                .contains("abuseguard endpoint is exposed over HTTP on the application's port");
    }

    @Test
    void aDashedRolloutExposureIsAWarning(CapturedOutput output) {
        runner.withPropertyValues("management.endpoints.web.exposure.include=health,abuse-guard-rollout")
                .run(context -> {
                    assertThat(context).hasSingleBean(AbuseGuardRolloutEndpoint.class);
                    IncludeExcludeEndpointFilter<ExposableWebEndpoint> actuator = new IncludeExcludeEndpointFilter<>(
                            ExposableWebEndpoint.class,
                            context.getEnvironment(),
                            "management.endpoints.web.exposure",
                            "health");
                    assertThat(actuator.match(EndpointId.of("abuseguardrollout")))
                            .isTrue();
                });
        assertThat(output.getAll()).containsPattern("abuseguardrollout[^\\n]*(exposed|anyone|open)");
    }

    @Test
    void aManagementPortThatIsTheServerPortIsTheApplicationsPort(CapturedOutput output) {
        runner.withPropertyValues(
                        "management.endpoints.web.exposure.include=health,abuseguard",
                        "server.port=8080",
                        "management.server.port=8080")
                .run(context -> assertThat(context).hasSingleBean(AbuseGuardEndpoint.class));
        assertThat(output.getAll())
                .as("management.server.port = server.port serves management on the application's port")
                .contains("abuseguard endpoint is exposed over HTTP on the application's port");
    }
}
