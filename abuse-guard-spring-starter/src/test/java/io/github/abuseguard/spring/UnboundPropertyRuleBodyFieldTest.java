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
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * user65 F2, its second half: a misspelt body field in an annotation is a start-up WARN, but the same rule written
 * in properties ({@code key: ip+body:/usrname} beside a body record holding {@code username}, an e-mail rule's
 * {@code field: /mail} beside one holding {@code email}) started silently: the login limit keyed every guess by the
 * address alone, and the sign-up took throw-away addresses. The handlers the rule's paths and methods reach are
 * checked as an annotation's handler is.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnboundPropertyRuleBodyFieldTest {
    private static final String WARNING = "no handler the rule's paths reach can be given it";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(Controllers.class);

    record Credentials(String username, String password) {}

    record SignUp(String email, String name) {}

    @RestController
    static class AccountController {
        @GetMapping("/api/login")
        String loginPage() {
            return "sign in";
        }

        @PostMapping("/api/login")
        String login(@RequestBody Credentials credentials) {
            return credentials.username();
        }

        @PostMapping("/api/signup")
        String signUp(@RequestBody SignUp signUp) {
            return signUp.email();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Controllers {
        @Bean
        AccountController accountController() {
            return new AccountController();
        }
    }

    private static String[] loginRule(String key) {
        return new String[] {
            "abuse-guard.rate-limit.rules.login.paths=/api/login",
            "abuse-guard.rate-limit.rules.login.methods=POST",
            "abuse-guard.rate-limit.rules.login.key=" + key,
            "abuse-guard.rate-limit.rules.login.limits[0].capacity=5",
            "abuse-guard.rate-limit.rules.login.limits[0].period=1m"
        };
    }

    @Test
    void aMisspeltBodyKeyOrFieldOfAPropertyRuleIsWarnedNamingTheProperty(CapturedOutput output) {
        runner.withPropertyValues(loginRule("ip+body:/usrname"))
                .withPropertyValues(
                        "abuse-guard.email.rules.signup.paths=/api/signup",
                        "abuse-guard.email.rules.signup.field=/mail",
                        "abuse-guard.failure.rules.guesses.paths=/api/**",
                        "abuse-guard.failure.rules.guesses.key=body:/username")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .hasSize(2)
                            .anySatisfy(line -> assertThat(line)
                                    .contains("abuse-guard.rate-limit.rules.login.key = 'ip+body:/usrname'")
                                    .contains("AccountController.login: Credentials, its @RequestBody type, has no"
                                            + " property 'usrname'"))
                            .anySatisfy(line -> assertThat(line)
                                    .contains("abuse-guard.email.rules.signup.field = '/mail'")
                                    .contains("has no property 'mail'"));
                });
    }

    @Test
    void aFieldOneReachedHandlerBindsIsNotWarned(CapturedOutput output) {
        // the rule's paths also reach the GET page, which takes no body: the POST handler binds the field
        runner.withPropertyValues(loginRule("ip+body:/username"))
                .withPropertyValues("abuse-guard.rate-limit.rules.login.methods=")
                .withPropertyValues(
                        "abuse-guard.email.rules.signup.paths=/api/**", "abuse-guard.email.rules.signup.field=/email")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll()).doesNotContain(WARNING);
                });
    }
}
