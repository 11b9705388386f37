package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;

/** A rule path that no route of a real Spring MVC application serves is one start-up warning, naming it. */
@ExtendWith(OutputCaptureExtension.class)
class UnservedRulePathsTest {

    private static final String WARNING = "matches no route of the application";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(Controllers.class);

    @RestController
    static class LoginController {
        @PostMapping("/api/login")
        String login() {
            return "";
        }

        @GetMapping("/api/items/{id}")
        String item(@PathVariable("id") String id) {
            return id;
        }

        /** A capture-all, as the Actuator's health endpoint maps {@code /actuator/health/{*path}}. */
        @GetMapping("/status/{*path}")
        String status(@PathVariable("path") String path) {
            return path;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Controllers {
        @Bean
        LoginController loginController() {
            return new LoginController();
        }
    }

    @Test
    void aMisspeltRulePathIsOneWarningNamingItsProperty(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.rate-limit.rules.login.paths=/api/login,/api/logn",
                        "abuse-guard.rate-limit.rules.login.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.login.limits[0].period=1m",
                        "abuse-guard.failure.rules.items.paths=/api/items/*,/api/item/{id}")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .hasSize(2)
                            .anySatisfy(line -> assertThat(line)
                                    .contains("abuse-guard.rate-limit.rules.login.paths[1]: '/api/logn' " + WARNING))
                            .anySatisfy(line -> assertThat(line)
                                    .contains("abuse-guard.failure.rules.items.paths[1]: '/api/item/{id}' " + WARNING));
                });
    }

    /**
     * review38 F2: the annotations' rules are built under one DispatcherServlet's prefix (the primary one's); the
     * handlers reached through another mapping are not guarded by them, which start-up says.
     */
    @Test
    void aSecondDispatcherServletIsWarnedAbout(CapturedOutput output) {
        runner.withBean(
                        "primaryPath",
                        org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath.class,
                        () -> () -> "/v2",
                        definition -> definition.setPrimary(true))
                .withBean(
                        "rootPath",
                        org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath.class,
                        () -> () -> "/")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll())
                            .contains("2 DispatcherServlets are mapped")
                            .contains("are built under '/v2' only");
                });
    }

    /** probe38a F2: the proof's required paths and an expected client's paths fail open as silently as rules. */
    @Test
    void theProofsRequiredPathsAndExpectedClientsPathsAreCheckedToo(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.proof.enabled=true",
                        "abuse-guard.proof.required-paths=/api/items/*,/api/itemz/**",
                        "abuse-guard.client-signals.expected-clients.app.paths=/api/login,/api/logn",
                        "abuse-guard.client-signals.expected-clients.app.pattern=^App/",
                        "abuse-guard.client-signals.expected-clients.app.score=100")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .hasSize(2)
                            .anySatisfy(line -> assertThat(line)
                                    .contains("abuse-guard.proof.required-paths[1]: '/api/itemz/**' " + WARNING))
                            .anySatisfy(line -> assertThat(line)
                                    .contains("abuse-guard.client-signals.expected-clients.app.paths[1]: '/api/logn' "
                                            + WARNING));
                });
    }

    /**
     * review17 F5: under {@code spring.mvc.servlet.path=/v1} the guard sees {@code /v1/api/login}; a rule path naming
     * it is served, one written as the mapping is ({@code /api/login}) never matches and says what to write.
     */
    @Test
    void underAServletPathRulePathsAreThePrefixedPaths(CapturedOutput output) {
        runner.withPropertyValues(
                        "spring.mvc.servlet.path=/v1",
                        "abuse-guard.rate-limit.rules.login.paths=/v1/api/login,/api/items/{id}",
                        "abuse-guard.rate-limit.rules.login.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.login.limits[0].period=1m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .singleElement()
                            .satisfies(line -> assertThat(line)
                                    .contains("paths[1]: '/api/items/{id}' " + WARNING)
                                    .contains("write '/v1/api/items/{id}'"));
                });
    }

    @Test
    void aCaptureAllMappingServesOnlyThePathsUnderItsPrefix(CapturedOutput output) {
        // probe4: read as "/**", the health endpoint's capture-all made every misspelt path look served
        runner.withPropertyValues(
                        "abuse-guard.rate-limit.rules.login.paths=/api/logn,/status/deep/**",
                        "abuse-guard.rate-limit.rules.login.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.login.limits[0].period=1m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .singleElement()
                            .satisfies(line -> assertThat(line).contains("'/api/logn' " + WARNING));
                });
    }

    @Test
    void rulePathsThatRoutesServeAreNotWarnedAbout(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.rate-limit.rules.all.paths=/api/**,/api/items/{id},/**",
                        "abuse-guard.rate-limit.rules.all.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.all.limits[0].period=1m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll()).doesNotContain(WARNING);
                });
    }

    @Test
    void aMisspeltPathWithAnyDepthIsWarnedAboutBesideSpringBootsResourceMappings(CapturedOutput output) {
        // cfg24 F1: the default /webjars/** mapping "may match" every pattern with **, so /apii/** went unwarned
        runner.withPropertyValues(
                        "spring.web.resources.static-locations=classpath:/unserved-rule-paths/",
                        "abuse-guard.rate-limit.rules.all.paths=/apii/**,/webjars/x/**,/webjars,/**,/api/**,"
                                + "/css/**,/css/site.css,/csss/**,/css/absent.css",
                        "abuse-guard.rate-limit.rules.all.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.all.limits[0].period=1m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(((AbstractUrlHandlerMapping) context.getBean("resourceHandlerMapping")).getHandlerMap())
                            .as("Spring Boot's default resource mappings")
                            .containsKeys("/webjars/**", "/**");
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .hasSize(3)
                            .anySatisfy(line -> assertThat(line)
                                    .contains("abuse-guard.rate-limit.rules.all.paths[0]: '/apii/**' " + WARNING))
                            .anySatisfy(line -> assertThat(line).contains("paths[7]: '/csss/**' " + WARNING))
                            .anySatisfy(line -> assertThat(line).contains("paths[8]: '/css/absent.css' " + WARNING));
                });
    }

    @Test
    void aRulePathThatRepeatsTheContextPathIsAWarningSayingPathsAreRelativeToIt(CapturedOutput output) {
        // cfg24 F16: the URL as the browser shows it, /app/api/**, never matches under context path /app
        runner.withPropertyValues(
                        "server.servlet.context-path=/app/",
                        "abuse-guard.rate-limit.rules.all.paths=/app/api/**,/api/**,/apps/x",
                        "abuse-guard.rate-limit.rules.all.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.all.limits[0].period=1m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .hasSize(2)
                            .anySatisfy(line -> assertThat(line)
                                    .contains("paths[0]: '/app/api/**' " + WARNING)
                                    .endsWith("is it misspelt? Rule paths are relative to server.servlet.context-path"
                                            + " '/app': write '/api/**'."))
                            .anySatisfy(line -> assertThat(line)
                                    .contains("paths[2]: '/apps/x' " + WARNING)
                                    .endsWith("is it misspelt?"));
                });
    }

    @Test
    void actuatorPathsAreLeftToAManagementServerOfItsOwn(CapturedOutput output) {
        // the Actuator's routes are in the management server's child context, which does not exist yet
        runner.withPropertyValues(
                        "management.server.port=0",
                        "abuse-guard.failure.rules.ops-login.paths=/actuator,/actuator/**,/actuator/health,/api/logn",
                        "abuse-guard.failure.rules.ops-login.statuses=401")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .singleElement()
                            .satisfies(line -> assertThat(line).contains("'/api/logn' " + WARNING));
                });
    }

    @Test
    void actuatorPathsAreWarnedAboutWhenTheFilterLeavesTheManagementServerUnguarded(CapturedOutput output) {
        // review7: with management-port=false no rule on the Actuator's own server can ever apply
        runner.withPropertyValues(
                        "management.server.port=0",
                        "abuse-guard.filter.management-port=false",
                        "abuse-guard.failure.rules.ops-login.paths=/actuator/health",
                        "abuse-guard.failure.rules.ops-login.statuses=401")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .singleElement()
                            .satisfies(line -> assertThat(line).contains("'/actuator/health' " + WARNING));
                });
    }

    @Test
    void actuatorPathsAreCheckedWhenTheApplicationsServerServesTheActuator(CapturedOutput output) {
        runner.withPropertyValues(
                        "server.port=8081",
                        "management.server.port=8081",
                        "management.endpoints.web.base-path=/manage",
                        "abuse-guard.failure.rules.ops-login.paths=/manage/health",
                        "abuse-guard.failure.rules.ops-login.statuses=401")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll()).contains("'/manage/health' " + WARNING);
                });
    }

    @Test
    void theManagementServersBasePathIsTheOneLeftToIt(CapturedOutput output) {
        runner.withPropertyValues(
                        "management.server.port=9001",
                        "management.endpoints.web.base-path=/manage",
                        "abuse-guard.failure.rules.ops-login.paths=/manage,/manage/health,/actuator/health",
                        "abuse-guard.failure.rules.ops-login.statuses=401")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .singleElement()
                            .satisfies(line -> assertThat(line).contains("'/actuator/health' " + WARNING));
                });
    }
}
