package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.internal.DeniedClients;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.spring.annotation.FailureLimit;
import io.github.abuseguard.volume.VolumeGuard;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

class FailureGuardAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withPropertyValues(
                    "abuse-guard.failure.rules.login.paths=/api/login",
                    "abuse-guard.failure.rules.login.methods=POST",
                    "abuse-guard.failure.rules.login.max-retry=2",
                    "abuse-guard.failure.rules.login.ban-time=10m");

    @SuppressWarnings("unchecked")
    private static MockHttpServletResponse login(AssertableWebApplicationContext context, int applicationStatus)
            throws Exception {
        AbuseGuardFilter filter = ((FilterRegistrationBean<AbuseGuardFilter>)
                        context.getBean("abuseGuardFilterRegistration"))
                .getFilter();
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/login");
        request.setServletPath("/api/login");
        request.setRemoteAddr("203.0.113.7");
        MockHttpServletResponse response = new MockHttpServletResponse();
        HttpServlet application = new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) {
                resp.setStatus(applicationStatus);
            }
        };
        filter.doFilter(request, response, new MockFilterChain(application));
        return response;
    }

    @Test
    void failuresTheApplicationAnsweredBanTheAddresssNextLoginThroughTheFilter() {
        runner.run(context -> {
            assertThat(login(context, 401).getStatus()).isEqualTo(401);
            assertThat(login(context, 401).getStatus()).isEqualTo(401);
            MockHttpServletResponse banned = login(context, 200);
            assertThat(banned.getStatus()).isEqualTo(429);
            assertThat(banned.getContentType()).isEqualTo("application/problem+json");
            assertThat(banned.getHeader("Retry-After")).isEqualTo("600");
        });
    }

    @Test
    void failureModeMonitorOnlyReportsTheBan() {
        runner.withPropertyValues("abuse-guard.failure.mode=monitor").run(context -> {
            login(context, 401);
            login(context, 401);
            assertThat(login(context, 200).getStatus()).isEqualTo(200);
        });
    }

    @Test
    void failureEnabledFalseLeavesTheGuardOut() {
        runner.withPropertyValues("abuse-guard.failure.enabled=false")
                .run(context -> assertThat(context.getBean(AbuseGuard.class).guards())
                        .noneMatch(FailureGuard.class::isInstance));
    }

    @Test
    void aValueThatCannotWorkFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("abuse-guard.failure.rules.login.statuses=forty-one")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("abuse-guard.failure.rules.login.statuses"));
    }

    @Test
    void theEndpointReportsFailureRulesAndTheUnderAttackMode() {
        runner.withPropertyValues("abuse-guard.failure.rules.login.under-attack.enabled=true")
                .run(context -> {
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    Map<String, Object> report =
                            new AbuseGuardEndpoint(engine, context.getBean(DeniedClients.class), 5).report();
                    assertThat(report.get("underAttack")).isEqualTo(List.of());
                    assertThat(report).containsKey("failureBaselines");
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> rules = (List<Map<String, Object>>) report.get("rules");
                    assertThat(rules).anySatisfy(rule -> {
                        assertThat(rule).containsEntry("guard", "failure").containsEntry("name", "login");
                        assertThat(rule).containsEntry("maxRetry", 2).containsEntry("underAttack", true);
                    });
                });
    }

    @Test
    void volumeRulesAreBoundEnforcedAndReported() {
        runner.withPropertyValues(
                        "abuse-guard.volume.rules.cards.paths=/api/giftcards/{code}",
                        "abuse-guard.volume.rules.cards.max-distinct=2")
                .run(context -> {
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    assertThat(engine.guards()).anyMatch(VolumeGuard.class::isInstance);
                    Map<String, Object> report =
                            new AbuseGuardEndpoint(engine, context.getBean(DeniedClients.class), 5).report();
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> rules = (List<Map<String, Object>>) report.get("rules");
                    assertThat(rules)
                            .anySatisfy(rule -> assertThat(rule)
                                    .containsEntry("guard", "volume")
                                    .containsEntry("maxDistinct", 2)
                                    .containsEntry("action", "throttle"));
                });
    }

    @RestController
    static class LoginController {
        @FailureLimit(statuses = "401", maxRetry = 3, findTime = "5m", banTime = "1m", underAttack = true)
        @FailureLimit(key = "body:/username", distinct = "ip", maxRetry = 10, action = Action.REJECT)
        @PostMapping("/api/login")
        void login() {}
    }

    @RestController
    static class BrokenController {
        @FailureLimit(findTime = "soon")
        @PostMapping("/api/login")
        void login() {}
    }

    @Test
    void failureLimitAnnotationsBecomeRulesOfTheHandlersRoutes() {
        List<FailureRule> rules = ControllerAnnotations.of(List.of(LoginController.class), s -> s, true)
                .failureRules();
        assertThat(rules).hasSize(2);
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule.paths()).containsExactly("/api/login");
            assertThat(rule.methods()).containsExactly("POST");
            assertThat(rule.source()).isEqualTo("@FailureLimit on LoginController.login");
        });
        FailureRule perAddress = rules.stream()
                .filter(rule -> rule.distinct() == null)
                .findFirst()
                .orElseThrow();
        assertThat(perAddress.maxRetry()).isEqualTo(3);
        assertThat(perAddress.findTime()).isEqualTo(Duration.ofMinutes(5));
        assertThat(perAddress.banTime()).isEqualTo(Duration.ofMinutes(1));
        assertThat(perAddress.underAttack()).isNotNull();
        FailureRule perUsername = rules.stream()
                .filter(rule -> rule.distinct() != null)
                .findFirst()
                .orElseThrow();
        assertThat(perUsername.keySpec()).isEqualTo("body:/username");
        assertThat(perUsername.action()).isEqualTo(Action.REJECT);
        assertThat(rules).extracting(FailureRule::name).doesNotHaveDuplicates();
    }

    @Test
    void aFailureLimitThatCannotWorkNamesTheHandler() {
        assertThatThrownBy(() -> ControllerAnnotations.of(List.of(BrokenController.class), s -> s, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@FailureLimit on BrokenController.login");
    }
}
