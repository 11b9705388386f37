package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe71b: a form login's failed sign-in is counted only when Spring Security's failure event reaches the starter's
 * listener on the request's thread. Where it does not, each of 30 wrong passwords at one account from one address
 * reached the password check (README promises the sixth is refused), each answered {@code 302 /login?error} and
 * heard as a success, earning the address the history the under-attack mode lets through (300 of 300 guesses of a
 * crowd of 100 addresses reached the check, the mode never started).
 *
 * <ul>
 *   <li>F1: the login's {@code AuthenticationManager} is one the application built, {@code
 *       http.authenticationManager(new ProviderManager(provider))}, as Spring Security's reference shows: it has no
 *       event publisher, so it publishes nothing;
 *   <li>F2: the application multicasts its events asynchronously (an {@code applicationEventMulticaster} with a
 *       task executor): the listener runs on another thread, where no request is bound;
 *   <li>F3: the wrong password is told by an exception Spring Security's {@code DefaultAuthenticationEventPublisher}
 *       maps to no event: a subclass of {@code BadCredentialsException} of the application's own provider (the
 *       publisher looks exception classes up by exact name), or the {@code InternalAuthenticationServiceException} of
 *       a {@code UserDetailsService} that throws anything but {@code UsernameNotFoundException} for an unknown name.
 * </ul>
 */
class Probe71bTest {

    private final HttpClient client = HttpClient.newHttpClient(); // follows no redirect

    @Test
    void f1FormLoginWithTheApplicationsOwnProviderManagerCountsWrongPasswords() throws Exception {
        assertSixthGuessRefused(OwnManager.class);
    }

    @Test
    void f2FormLoginWithAsynchronousEventsCountsWrongPasswords() throws Exception {
        assertSixthGuessRefused(AsynchronousEvents.class);
    }

    @Test
    void f3FormLoginWhoseProviderThrowsItsOwnBadCredentialsCountsWrongPasswords() throws Exception {
        assertSixthGuessRefused(OwnProvider.class);
    }

    private void assertSixthGuessRefused(Class<?> application) throws Exception {
        try (ConfigurableApplicationContext shop = new SpringApplicationBuilder(application)
                .properties(
                        "server.port=0",
                        "abuse-guard.failure.rules.login.paths=/login",
                        "abuse-guard.failure.rules.login.methods=POST",
                        "abuse-guard.failure.rules.login.statuses=401",
                        "abuse-guard.failure.rules.login.key=ip+body:/username",
                        "abuse-guard.failure.rules.login.credential=body:/password",
                        "abuse-guard.failure.rules.login.max-retry=5",
                        "abuse-guard.failure.rules.login.under-attack.enabled=true")
                .run()) {
            int port = Integer.parseInt(shop.getEnvironment().getProperty("local.server.port"));
            List<String> answers = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> wrong = signIn(port, "alice", "guess" + i);
                answers.add(wrong.statusCode() + " "
                        + wrong.headers().firstValue("Location").orElse(""));
                assertThat(wrong.statusCode()).as("wrong password %s", i).isEqualTo(302);
            }

            HttpResponse<String> sixth = signIn(port, "alice", "guess6");

            assertThat(sixth.statusCode())
                    .as("the sixth wrong password at one account from one address, after %s", answers)
                    .isEqualTo(429);
            assertThat(sixth.body()).contains("too-many-failures");
        }
    }

    private HttpResponse<String> signIn(int port, String user, String password) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A shop signing its users in with Spring Security's form login. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class Shop {

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername("alice")
                    .password("{noop}alices-secret")
                    .roles("USER")
                    .build());
        }

        @RestController
        static class Home {
            @GetMapping("/")
            String home() {
                return "home";
            }
        }
    }

    /** F1: the login's manager built by the application, as Spring Security's reference shows. */
    @Configuration(proxyBeanMethods = false)
    @Import(Shop.class)
    static class OwnManager {
        @Bean
        SecurityFilterChain security(HttpSecurity http, UserDetailsService users) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .authenticationManager(new ProviderManager(new DaoAuthenticationProvider(users)))
                    .formLogin(form -> {})
                    .csrf(csrf -> csrf.disable())
                    .build();
        }
    }

    /** F2: the application's events multicast on a task executor. */
    @Configuration(proxyBeanMethods = false)
    @Import(Shop.class)
    static class AsynchronousEvents {
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .formLogin(form -> {})
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

        @Bean(name = "applicationEventMulticaster")
        SimpleApplicationEventMulticaster applicationEventMulticaster() {
            SimpleApplicationEventMulticaster multicaster = new SimpleApplicationEventMulticaster();
            multicaster.setTaskExecutor(new SimpleAsyncTaskExecutor("events-"));
            return multicaster;
        }
    }

    /** F3: the application's own provider tells a wrong password by its own subclass of BadCredentialsException. */
    @Configuration(proxyBeanMethods = false)
    @Import(Shop.class)
    static class OwnProvider {
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .formLogin(form -> {})
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

        @Bean
        AuthenticationProvider passwords(UserDetailsService users) {
            DaoAuthenticationProvider dao = new DaoAuthenticationProvider(users);
            return new AuthenticationProvider() {
                @Override
                public Authentication authenticate(Authentication authentication) {
                    try {
                        return dao.authenticate(authentication);
                    } catch (BadCredentialsException wrong) {
                        throw new WrongPassword();
                    }
                }

                @Override
                public boolean supports(Class<?> authentication) {
                    return dao.supports(authentication);
                }
            };
        }

        static final class WrongPassword extends BadCredentialsException {
            WrongPassword() {
                super("Wrong user name or password");
            }
        }
    }
}
