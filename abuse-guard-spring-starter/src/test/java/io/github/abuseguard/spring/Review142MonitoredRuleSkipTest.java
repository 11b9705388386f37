package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.Mode;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.spring.validation.NotDisposableEmail;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * review142: the constraint refuses nothing on a request any monitored e-mail rule would have refused
 * ({@code RequestSite.judgedByMonitoredRule}), whatever field that rule read. A rule on trial for another field of the
 * route (here {@code /referrerEmail}, switched live to monitor) becomes a switch any client flips: put a throw-away
 * address in the field the trial rule reads, and the {@code @NotDisposableEmail} field, which no monitored rule read,
 * is let through too. The filter's evaluation is made here by the engine itself and set where the filter sets it.
 */
class Review142MonitoredRuleSkipTest {

    record SignUp(@NotDisposableEmail String email) {}

    @Test
    void aTrialRuleOnAnotherFieldDoesNotSwitchTheConstraintOff() {
        new WebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(ValidationAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
                .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
                .withPropertyValues(
                        "abuse-guard.email.rules.referral.paths=/api/accounts",
                        "abuse-guard.email.rules.referral.field=/referrerEmail")
                .run(context -> {
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    engine.switchMode(DisposableEmailGuard.NAME, "referral", Mode.MONITOR);
                    Validator validator = context.getBean(Validator.class);

                    assertThat(violations(validator, engine, "198.51.100.120", "ann@gmail.com"))
                            .as("control: an honest referrer, the constraint refuses the throw-away sign-up address")
                            .isEqualTo(1);
                    assertThat(violations(validator, engine, "198.51.100.121", "x@yopmail.com"))
                            .as(
                                    "a throw-away referrer (judged by the trial rule) must not let the e-mail field through")
                            .isEqualTo(1);
                });
    }

    /** The constraint's violations on the handler's {@code SignUp("bot@yopmail.com")}, the filter having judged it. */
    private static int violations(Validator validator, AbuseGuard engine, String client, String referrer) {
        Evaluation evaluation = engine.evaluate(GuardRequest.builder("POST", "/api/accounts")
                .client(client)
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
                .body("application/json", "{\"email\":\"bot@yopmail.com\",\"referrerEmail\":\"" + referrer + "\"}")
                .build());
        assertThat(evaluation.decision().isDeny())
                .as("the filter lets it through: " + evaluation)
                .isFalse();
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/accounts");
        request.setRemoteAddr(client);
        request.setAttribute(AbuseGuardFilter.EVALUATION_ATTRIBUTE, evaluation);
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
        try {
            return validator.validate(new SignUp("bot@yopmail.com")).size();
        } finally {
            RequestContextHolder.resetRequestAttributes();
        }
    }
}
