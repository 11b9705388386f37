package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RateLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * review103: a class-level {@code @RateLimit(key = "ip+body:/username")} over handlers that all read the field, where
 * one more handler of the class takes only a path variable, is warned as if the key were misspelt ("the rule will find
 * no such field and check nothing"), naming the bodiless handler as the annotation's place; the rule does find the
 * field on the handlers that bind it, and counts the other by its address, as README says of a request without the
 * key's field.
 */
@ExtendWith(OutputCaptureExtension.class)
class Review103ClassLevelBodyKeyTest {
    private static final String WARNING = "the rule will find no such field and check nothing";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(Controllers.class);

    record Credentials(String username, String password) {}

    @RateLimit(name = "accounts", capacity = 5, period = "1m", key = "ip+body:/username")
    @RestController
    static class AccountsController {
        @PostMapping("/api/login")
        String login(@RequestBody Credentials credentials) {
            return credentials.username();
        }

        @PostMapping("/api/accounts/{id}/unlock")
        String unlock(@PathVariable("id") String id) {
            return id;
        }
    }

    @RateLimit(name = "misspelt", capacity = 5, period = "1m", key = "ip+body:/usrname")
    @RestController
    static class MisspeltController {
        @PostMapping("/api/sessions")
        String signIn(@RequestBody Credentials credentials) {
            return credentials.username();
        }

        @PostMapping("/api/sessions/{id}/end")
        String end(@PathVariable("id") String id) {
            return id;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Controllers {
        @Bean
        MisspeltController misspeltController() {
            return new MisspeltController();
        }

        @Bean
        AccountsController accountsController() {
            return new AccountsController();
        }
    }

    @Test
    void aClassLevelBodyKeyThatItsHandlersReadIsNotWarnedAsMisspelt(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                    .as("the key names a field the class's body handler binds")
                    .noneMatch(line -> line.contains("AccountsController"))
                    // a field none of the class's handlers binds is still one WARN, naming the class and each reason
                    .singleElement()
                    .satisfies(line -> assertThat(line)
                            .contains("@RateLimit(key = \"ip+body:/usrname\") on MisspeltController")
                            .contains("MisspeltController.signIn: Credentials, its @RequestBody type, has no property"
                                    + " 'usrname'")
                            .contains("MisspeltController.end: the handler takes no request body"));
        });
    }
}
