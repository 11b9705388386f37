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
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;

/**
 * user73 F1: a sign-in form whose fields are not Spring Security's defaults ({@code usernameParameter("email")},
 * {@code passwordParameter("pass")}), guarded by the failure rules README gives for form login ({@code key:
 * ip+body:/username}, {@code credential: body:/password}; {@code distinct: body:/username}): no request carries
 * the credential the rule waits for, so no failure is counted (30 of 30 guesses at one account from one address
 * reached the check), and no user name is ever distinct. The starter reads the sign-in filter's matcher at start-up
 * and could read its parameter names as well; it says nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class User73SignInFieldsWarningTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    WebMvcAutoConfiguration.class,
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardSwitchesAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(RenamedFieldsSignIn.class)
            .withPropertyValues("abuse-guard.sequence.session=session");

    @Test
    void aCredentialTheSignInFormDoesNotSendIsAWarning(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.failure.rules.login.paths=/login",
                        "abuse-guard.failure.rules.login.methods=POST",
                        "abuse-guard.failure.rules.login.statuses=401",
                        "abuse-guard.failure.rules.login.key=ip+body:/username",
                        "abuse-guard.failure.rules.login.credential=body:/password")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll()
                                    .lines()
                                    .filter(line -> line.contains(" WARN ")
                                            && line.contains("abuse-guard.failure.rules.login.credential")))
                            .as("the form's password field is 'pass': the rule counts no failure")
                            .isNotEmpty();
                });
    }

    @Test
    void aDistinctUserNameTheSignInFormDoesNotSendIsAWarning(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.failure.rules.login-per-address.paths=/login",
                        "abuse-guard.failure.rules.login-per-address.methods=POST",
                        "abuse-guard.failure.rules.login-per-address.statuses=401",
                        "abuse-guard.failure.rules.login-per-address.key=ip",
                        "abuse-guard.failure.rules.login-per-address.distinct=body:/username",
                        "abuse-guard.failure.rules.login-per-address.max-retry=20")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll()
                                    .lines()
                                    .filter(line -> line.contains(" WARN ")
                                            && line.contains("abuse-guard.failure.rules.login-per-address.distinct")))
                            .as("the form's user-name field is 'email': every failure has the same, absent, name")
                            .isNotEmpty();
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class RenamedFieldsSignIn {

        /** What {@code http.formLogin(f -> f.usernameParameter("email").passwordParameter("pass"))} puts in the chain. */
        @Bean
        SecurityFilterChain formLogin() {
            UsernamePasswordAuthenticationFilter signIn = new UsernamePasswordAuthenticationFilter(authentication -> {
                throw new BadCredentialsException("wrong");
            });
            signIn.setUsernameParameter("email");
            signIn.setPasswordParameter("pass");
            return new DefaultSecurityFilterChain(AnyRequestMatcher.INSTANCE, signIn);
        }
    }
}
