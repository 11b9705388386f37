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
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** What start-up says of an application whose users sign in with Spring Security's form login (user70). */
@ExtendWith(OutputCaptureExtension.class)
class FormLoginStartUpWarningsTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    WebMvcAutoConfiguration.class,
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardSwitchesAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(FormLoginShop.class);

    /**
     * user70 F2: a failure rule on Spring Security's form-login URL ({@code POST /login}, served by its filter, no
     * handler) was warned about as one that "never applies", while it refused the sixth guess; user71 F6: then as
     * one that may be misspelt.
     */
    @Test
    void aRuleOnTheFormLoginIsNotSaidToNeverApply(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.failure.rules.login.paths=/login",
                        "abuse-guard.failure.rules.login.methods=POST",
                        "abuse-guard.failure.rules.login.key=ip+body:/username")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    // nor, since user71 F6, asked whether it is misspelt: the sign-in filter's matcher serves it
                    assertThat(output.getAll()
                                    .lines()
                                    .filter(line -> line.contains("abuse-guard.failure.rules.login.paths[0]")))
                            .isEmpty();
                });
    }

    /**
     * user70 F3: the sequence session's default, the {@code Authorization} header, is the client's address for a
     * browser signed in with a session cookie, so one user's verification let another at the address add a card.
     */
    @Test
    void aRequiresRuleOnTheDefaultSessionBesideAFormLoginIsAWarning(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output.getAll())
                    .contains("abuse-guard.sequence.session=header:Authorization: the application signs users in")
                    .contains("Set abuse-guard.sequence.session=session");
        });
    }

    @Test
    void theContainersSessionIsNoWarning(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.sequence.session=session").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output.getAll())
                    .doesNotContain("the application signs users in")
                    .doesNotContain("also signs requests in by a header");
        });
    }

    /** probe71c F1: beside HTTP Basic, a request signed in by its header keeps no session: its address's trail. */
    @Test
    void theContainersSessionBesideHttpBasicIsAWarning(CapturedOutput output) {
        runner.withUserConfiguration(BasicToo.class)
                .withPropertyValues("abuse-guard.sequence.session=session")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll())
                            .contains("abuse-guard.sequence.session=session: the application also signs requests in"
                                    + " by a header");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class BasicToo {
        @Bean
        SecurityFilterChain basic() {
            return new DefaultSecurityFilterChain(
                    AnyRequestMatcher.INSTANCE,
                    new org.springframework.security.web.authentication.www.BasicAuthenticationFilter(
                            authentication -> {
                                throw new BadCredentialsException("wrong");
                            }));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FormLoginShop {

        /** What {@code http.formLogin()} puts in the chain: {@code POST /login} is served by this filter. */
        @Bean
        SecurityFilterChain formLogin() {
            return new DefaultSecurityFilterChain(
                    AnyRequestMatcher.INSTANCE, new UsernamePasswordAuthenticationFilter(authentication -> {
                        throw new BadCredentialsException("wrong");
                    }));
        }

        /** A member of the configuration, so registered with it. */
        @RestController
        static class Cards {
            @PostMapping("/verify")
            String verify() {
                return "verified";
            }

            @io.github.abuseguard.spring.annotation.RequiresPrior(value = "POST /verify", within = "30m")
            @PostMapping("/payment-methods")
            String add() {
                return "added";
            }
        }
    }
}
