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

/** review104: wrong start-up WARNs of user65 F2's property-rule check on ordinary applications. */
@ExtendWith(OutputCaptureExtension.class)
class Review104UnboundPropertyFieldTest {
    private static final String WARNING = "no handler the rule's paths reach can be given it";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    /** Spring Security's form login with its own page: GET /login is the application's, POST /login the filter's. */
    @RestController
    static class LoginPageController {
        @GetMapping("/login")
        String loginPage() {
            return "<form method=post action=/login>...";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LoginPage {
        @Bean
        LoginPageController loginPageController() {
            return new LoginPageController();
        }
    }

    @Test
    void aFailureRuleOnSpringSecuritysFormLoginWithItsOwnPageIsNotWarned(CapturedOutput output) {
        runner.withUserConfiguration(LoginPage.class)
                .withPropertyValues(
                        "abuse-guard.failure.rules.login.paths=/login",
                        "abuse-guard.failure.rules.login.key=body:/username")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .as("POST /login is served by Spring Security's filter, which reads the form's username;"
                                    + " the GET page was never a handler the rule's failures come from")
                            .isEmpty();
                });
    }

    /** A common form base, and a generic controller each form's controller extends. */
    public static class BaseForm {
        public String captcha;
    }

    public static class SignUpForm extends BaseForm {
        public String email;
    }

    abstract static class FormController<T extends BaseForm> {
        @PostMapping
        String submit(@RequestBody T form) {
            return form.captcha;
        }
    }

    @RestController
    @org.springframework.web.bind.annotation.RequestMapping("/api/signup")
    static class SignUpController extends FormController<SignUpForm> {}

    @Configuration(proxyBeanMethods = false)
    static class GenericBody {
        @Bean
        SignUpController signUpController() {
            return new SignUpController();
        }
    }

    @Test
    void aFieldOfTheGenericBodyTypeAControllerBindsIsNotWarned(CapturedOutput output) {
        runner.withUserConfiguration(GenericBody.class)
                .withPropertyValues(
                        "abuse-guard.email.rules.signup.paths=/api/signup",
                        "abuse-guard.email.rules.signup.field=/email")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .as("SignUpController binds SignUpForm, which has email; T's bound BaseForm has not")
                            .isEmpty();
                });
    }
}
