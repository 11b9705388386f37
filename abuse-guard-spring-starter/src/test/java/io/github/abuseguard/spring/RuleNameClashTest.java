package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.spring.annotation.FailureLimit;
import io.github.abuseguard.spring.annotation.RateLimit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * cfgrest 3: an annotated rule whose name a rule of the properties has too fails start-up naming both places,
 * the property and the annotated method; the error used to blame the property alone, so the reader looked for
 * a second rule in the YAML that was not there.
 */
class RuleNameClashTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withBean(Login.class);

    @RestController
    static class Login {
        @RateLimit(name = "login", capacity = 5, period = "1m")
        @FailureLimit(name = "login-failures")
        @PostMapping("/api/login")
        String login() {
            return "";
        }
    }

    @Test
    void aRateLimitNameClashNamesTheAnnotatedMethodAndTheProperty() {
        runner.withPropertyValues(
                        "abuse-guard.rate-limit.rules.login.paths=/api/login",
                        "abuse-guard.rate-limit.rules.login.limits[0].capacity=10",
                        "abuse-guard.rate-limit.rules.login.limits[0].period=1m")
                .run(context -> assertThat(context.getStartupFailure())
                        .isNotNull()
                        .rootCause()
                        .isInstanceOf(InvalidSettingException.class)
                        .hasMessage("abuse-guard.rate-limit.rules.login: the rule name 'login' is declared twice, by"
                                + " abuse-guard.rate-limit.rules.login and by @RateLimit on Login.login; rename one"
                                + " of them (an annotation's name attribute, or the key under"
                                + " abuse-guard.rate-limit.rules)"));
    }

    @Test
    void aFailureLimitNameClashNamesBoth() {
        runner.withPropertyValues("abuse-guard.failure.rules.login-failures.paths=/api/login")
                .run(context -> assertThat(context.getStartupFailure())
                        .isNotNull()
                        .rootCause()
                        .hasMessageContaining("the rule name 'login-failures' is declared twice, by"
                                + " abuse-guard.failure.rules.login-failures and by @FailureLimit on Login.login"));
    }
}
