package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.IncludeExcludeEndpointFilter;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

/**
 * The start-up WARN that a report endpoint ({@code abuseguard}, {@code abuseguardrollout}) is readable by anyone (user60
 * F5) reads the exposure and the management port as Spring Boot does. probe82b F2: an exposure written as a YAML list
 * ({@code include: [health, abuseguard]}) was not read, and the roll-out report, which tells which guards only
 * monitor, was never warned of. review147 F3: a dashed name ({@code abuse-guard}) is the endpoint, as Spring Boot's
 * {@code EndpointId.fromPropertyValue} reads it, and a management port equal to the server's is the application's.
 * review149 F3: a management port of 0 beside a server port of 0 is a random port of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class AnonymousReportWarningTest {
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

    @Test
    void aRandomManagementPortBesideARandomServerPortIsAnotherPort() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("server.port", "0")
                .withProperty("management.server.port", "0")
                .withProperty("management.endpoints.web.exposure.include", "abuseguard");
        assertThat(AbuseGuardEndpointAutoConfiguration.readableByAnyone(
                        environment, new DefaultListableBeanFactory(), "abuseguard"))
                .as("management on its own random port")
                .isFalse();
    }

    @Test
    void theSamePortIsStillWarnedOf() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("server.port", "9090")
                .withProperty("management.server.port", "9090")
                .withProperty("management.endpoints.web.exposure.include", "abuseguard");
        assertThat(AbuseGuardEndpointAutoConfiguration.readableByAnyone(
                        environment, new DefaultListableBeanFactory(), "abuseguard"))
                .isTrue();
    }
}
