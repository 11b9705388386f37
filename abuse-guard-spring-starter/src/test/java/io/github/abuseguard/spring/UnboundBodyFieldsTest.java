package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.FailureLimit;
import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import java.util.Map;
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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * user59 F4: an annotation that reads a body field its handler can never be given starts, and its rule checks
 * nothing; start-up says so once per annotation, naming the handler, and stays quiet where the field may be bound.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnboundBodyFieldsTest {
    private static final String WARNING = "the rule will find no such field and check nothing";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(Controllers.class);

    record SignUp(String email, String name) {}

    @RestController
    static class AccountsController {
        /** A pointer the body record does not hold: {@code mail}, where the record holds {@code email}. */
        @RejectDisposableEmail(field = "/mail")
        @PostMapping("/api/accounts")
        String create(@RequestBody SignUp signUp) {
            return signUp.email();
        }

        /** A body field on a handler that takes no body, form or parameter. */
        @FailureLimit(name = "code-guesses", statuses = "404", key = "body:/code")
        @GetMapping("/api/cards/{id}")
        String card(@PathVariable("id") String id) {
            return id;
        }

        /** Bound: the record's own component. */
        @RejectDisposableEmail(field = "/email")
        @PostMapping("/api/invites")
        String invite(@RequestBody SignUp signUp) {
            return signUp.email();
        }

        /** Bound: any name may be in a map. */
        @RejectDisposableEmail(field = "/contact/email")
        @PostMapping("/api/leads")
        String lead(@RequestBody Map<String, Object> lead) {
            return "";
        }

        /** Bound: a form's fields, taken as parameters. */
        @FailureLimit(name = "login-per-user", statuses = "401", key = "body:/username")
        @PostMapping("/api/login")
        String login(@RequestParam("username") String username) {
            return username;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Controllers {
        @Bean
        AccountsController accountsController() {
            return new AccountsController();
        }
    }

    @Test
    void aFieldNoHandlerCanBeGivenIsOneWarningPerAnnotation(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                    .hasSize(2)
                    .anySatisfy(line -> assertThat(line)
                            .contains("@RejectDisposableEmail(field = \"/mail\") on AccountsController.create")
                            .contains("SignUp, its @RequestBody type, has no property 'mail'"))
                    .anySatisfy(line -> assertThat(line)
                            .contains("@FailureLimit(key = \"body:/code\") on AccountsController.card")
                            .contains("takes no request body, form or parameter"));
        });
    }
}
