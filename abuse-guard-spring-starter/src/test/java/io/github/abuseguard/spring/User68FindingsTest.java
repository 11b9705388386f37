package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;

/** user68: findings of a Spring Boot adopter who followed README only. */
class User68FindingsTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    WebMvcAutoConfiguration.class,
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardControlAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withPropertyValues(
                    "management.endpoints.web.exposure.include=abuseguardcontrol,abuseguardrollout",
                    "management.endpoint.abuseguardcontrol.access=UNRESTRICTED",
                    "abuse-guard.rate-limit.rules.search.paths=/api/search",
                    "abuse-guard.rate-limit.rules.search.limits[0].capacity=100",
                    "abuse-guard.rate-limit.rules.search.limits[0].period=1m");

    /**
     * F2: deleting the only line under a section ({@code email:} left empty in application.yml) failed start-up with
     * Spring's raw "Binding to target [Bindable@...] ... were left unbound", not abuse-guard's own report.
     */
    @Test
    void anEmptySectionIsReportedInTheLibrarysOwnWords() {
        runner.withPropertyValues("abuse-guard.email=").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new UnknownSettingFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("abuse-guard.email").doesNotContain("Bindable@");
        });
    }

    /** F3: the control endpoint refused guard "email" (the property section) without naming the guards it knows. */
    @Test
    void anUnknownGuardNameInAModeSwitchNamesTheKnownGuards() {
        runner.withPropertyValues("abuse-guard.email.rules.signup.paths=/api/signup")
                .run(context -> {
                    AbuseGuardControlEndpoint control = context.getBean(AbuseGuardControlEndpoint.class);
                    assertThatThrownBy(() ->
                                    control.change(SecurityContext.NONE, "mode", "email", null, "enforce", null, null))
                            .isInstanceOf(InvalidEndpointRequestException.class)
                            .hasMessageContaining("disposable-email");
                });
    }

    /**
     * F1: during a per-guard monitor phase the cross-site check goes on refusing (it has a mode of its own), yet the
     * roll-out report's {@code modes} does not list it, so the operator reading the report cannot see it.
     */
    @SuppressWarnings("unchecked")
    @Test
    void theRolloutReportListsTheCrossSiteChecksMode() {
        runner.withPropertyValues("abuse-guard.rate-limit.mode=monitor").run(context -> {
            Map<String, Object> view =
                    context.getBean(AbuseGuardRolloutEndpoint.class).rollout();
            assertThat((Map<String, String>) view.get("modes")).containsKey("cross-site");
        });
    }

    /** F1: the cross-site check cannot be switched live, as the guards can. */
    @SuppressWarnings("unchecked")
    @Test
    void theCrossSiteCheckCanBeSwitchedLive() {
        runner.run(context -> {
            AbuseGuardControlEndpoint control = context.getBean(AbuseGuardControlEndpoint.class);
            AbuseGuard engine = context.getBean(AbuseGuard.class);
            AbuseGuardRolloutEndpoint rollout = context.getBean(AbuseGuardRolloutEndpoint.class);
            GuardRequest foreignImage = GuardRequest.builder("GET", "/api/search")
                    .client("203.0.113.7")
                    .header("Sec-Fetch-Site", "cross-site")
                    .header("Sec-Fetch-Mode", "no-cors")
                    .header("Sec-Fetch-Dest", "image")
                    .build();
            assertThat(engine.evaluate(foreignImage).decision().reason()).isEqualTo("cross-site-request");

            control.change(SecurityContext.NONE, "mode", "cross-site", null, "monitor", null, null);

            assertThat(engine.evaluate(foreignImage).decision().isDeny())
                    .as("reported, not refused")
                    .isFalse();
            assertThat((Map<String, String>) rollout.rollout().get("modes")).containsEntry("cross-site", "monitor");
            assertThat((Map<String, String>) rollout.rollout().get("switchedModes"))
                    .containsKey("cross-site");
            assertThatThrownBy(() ->
                            control.change(SecurityContext.NONE, "mode", "cross-site", "x", "enforce", null, null))
                    .isInstanceOf(InvalidEndpointRequestException.class)
                    .hasMessageContaining("no rules");

            control.change(SecurityContext.NONE, "mode", "cross-site", null, "configured", null, null);

            assertThat(engine.evaluate(foreignImage).decision().reason()).isEqualTo("cross-site-request");
        });
    }
}
