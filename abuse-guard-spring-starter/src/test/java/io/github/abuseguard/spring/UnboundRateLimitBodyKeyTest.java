package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.VolumeLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * user65 F2: user59 F4's start-up check warns of a misspelt body pointer in {@code @FailureLimit} and
 * {@code @RejectDisposableEmail} only. The README's own login example, {@code @RateLimit(key = "ip+body:/username")},
 * misspelt as {@code body:/usrname}, starts silently and keys every guess by the address alone (a request without
 * the key's field counts against its address): a per-account limit became a per-address one, and guesses at one
 * account from many addresses are never held. {@code @VolumeLimit(resource = "body-exact:/cod")} likewise counts the
 * route as one resource. Both should be the same WARN.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnboundRateLimitBodyKeyTest {
    private static final String WARNING = "the rule will find no such field and check nothing";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(Controllers.class);

    record Credentials(String username, String password) {}

    record Redeem(String code) {}

    @RestController
    static class LoginController {
        @RateLimit(name = "login", capacity = 5, period = "1m", key = "ip+body:/usrname")
        @PostMapping("/api/login")
        String login(@RequestBody Credentials credentials) {
            return credentials.username();
        }

        @VolumeLimit(name = "redeem-codes", maxDistinct = 10, window = "1h", resource = "body-exact:/cod")
        @PostMapping("/api/cards/redeem")
        String redeem(@RequestBody Redeem redeem) {
            return redeem.code();
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
    void aMisspeltBodyKeyOfARateLimitIsWarnedAsAFailureLimitsIs(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                    .anySatisfy(line -> assertThat(line)
                            .contains("@RateLimit(key = \"ip+body:/usrname\") on LoginController.login")
                            .contains("has no property 'usrname'"))
                    .anySatisfy(line -> assertThat(line)
                            .contains("@VolumeLimit(resource = \"body-exact:/cod\") on LoginController.redeem")
                            .contains("has no property 'cod'"));
        });
    }
}
