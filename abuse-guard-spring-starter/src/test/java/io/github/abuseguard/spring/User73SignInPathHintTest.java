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
 * user73 F4: the application's form login answers {@code POST /api/login} ({@code loginProcessingUrl}); README's
 * form-login rule, copied, says {@code paths: ["/login"]}. The start-up WARN for that path reads "it applies only
 * where a filter (Spring Security's form login, POST /login) or another servlet serves it; is it misspelt?", which
 * tells the reader that {@code /login} is the form login's and the rule is fine. The starter knows the sign-in
 * filter's path (it stays silent for a rule on {@code /api/login}); the WARN should name it.
 */
@ExtendWith(OutputCaptureExtension.class)
class User73SignInPathHintTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    WebMvcAutoConfiguration.class,
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardSwitchesAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(ApiSignIn.class)
            .withPropertyValues("abuse-guard.sequence.session=session");

    @Test
    void theWarningForAMissedSignInPathNamesTheApplicationsSignInPath(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.failure.rules.login.paths=/login",
                        "abuse-guard.failure.rules.login.methods=POST",
                        "abuse-guard.failure.rules.login.key=ip+body:/username")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll()
                                    .lines()
                                    .filter(line -> line.contains("abuse-guard.failure.rules.login.paths[0]")))
                            .singleElement()
                            .asString()
                            .contains("/api/login")
                            .doesNotContain("form login, POST /login)");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class ApiSignIn {

        /** What {@code http.formLogin(f -> f.loginProcessingUrl("/api/login"))} puts in the chain. */
        @Bean
        SecurityFilterChain formLogin() {
            UsernamePasswordAuthenticationFilter signIn = new UsernamePasswordAuthenticationFilter(authentication -> {
                throw new BadCredentialsException("wrong");
            });
            signIn.setFilterProcessesUrl("/api/login");
            return new DefaultSecurityFilterChain(AnyRequestMatcher.INSTANCE, signIn);
        }
    }
}
