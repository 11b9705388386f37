package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Action;
import io.github.abuseguard.spring.annotation.FailureLimit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * user73 F2: README's login example puts {@code @FailureLimit(name = "login-per-username", key = "body:/username",
 * distinct = "ip", maxRetry = 5, findTime = "1h", banTime = "1h", action = Action.TARPIT)} on the sign-in handler.
 * Copied without the {@code abuse-guard.tarpit.then: pass} beside it, five wrong passwords from five addresses made
 * the owner's right password from a sixth wait and then be refused {@code 403} (measured on a JSON sign-in: 401 x 5,
 * then 403 and 403 for the owner), for the ban's hour: a lock-out anyone can pull on any user name. Start-up says
 * nothing; a rule keyed by what the client writes alone that tarpits under {@code then: reject} is worth a WARN
 * naming {@code abuse-guard.tarpit.then}.
 */
@ExtendWith(OutputCaptureExtension.class)
class User73TarpitLockoutWarningTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    WebMvcAutoConfiguration.class,
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardSwitchesAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(ReadmeSignIn.class);

    @Test
    void aPerUserNameTarpitThatRefusesTheOwnerIsAWarning(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output.getAll()
                            .lines()
                            .filter(line -> line.contains(" WARN ")
                                    && line.contains("login-per-username")
                                    && line.contains("abuse-guard.tarpit.then")))
                    .as("under then: reject the owner's right password is refused after the delay")
                    .isNotEmpty();
        });
    }

    /**
     * review134 F5: under {@code abuse-guard.failure.mode: monitor} (or the engine-wide {@code abuse-guard.mode:
     * monitor}) a ban is only reported, the owner's right password neither held nor refused: no WARN. review135 F4: a
     * live-control switch to enforce says nothing at run time, so what enforcing would do is an INFO line at start-up.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"abuse-guard.failure.mode=monitor", "abuse-guard.mode=monitor"})
    void aMonitoredPerUserNameTarpitIsNoWarning(String monitor, CapturedOutput output) {
        runner.withPropertyValues(monitor).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output.getAll()
                            .lines()
                            .filter(line -> line.contains(" WARN ")
                                    && line.contains("login-per-username")
                                    && line.contains("abuse-guard.tarpit.then")))
                    .as("monitored, the rule refuses no one: no owner's password is held or refused")
                    .isEmpty();
            // review135 F4: live control may switch the guard to enforce at run time, which logs nothing then
            assertThat(output.getAll()
                            .lines()
                            .filter(line -> line.contains(" INFO ")
                                    && line.contains("login-per-username")
                                    && line.contains("once enforced")
                                    && line.contains("abuse-guard.tarpit.then: pass")))
                    .as("what enforcing would do is told at start-up, before a switch at run time")
                    .hasSize(1);
        });
    }

    @Configuration(proxyBeanMethods = false)
    @Import(ReadmeSignIn.SignIn.class)
    static class ReadmeSignIn {

        record Credentials(String username, String password) {}

        @RestController
        static class SignIn {
            @FailureLimit(
                    name = "login-per-username",
                    statuses = "401",
                    key = "body:/username",
                    distinct = "ip",
                    maxRetry = 5,
                    findTime = "1h",
                    banTime = "1h",
                    action = Action.TARPIT)
            @PostMapping("/api/login")
            ResponseEntity<Map<String, String>> login(@RequestBody Credentials credentials) {
                return "right".equals(credentials.password())
                        ? ResponseEntity.ok(Map.of("status", "signed-in"))
                        : ResponseEntity.status(401).build();
            }
        }
    }
}
