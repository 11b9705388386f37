package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * user70 F1: Spring Security's form login answers a wrong password with {@code 302 /login?error}, as it answers a right
 * one with {@code 302 /}, so a failure rule with {@code statuses: 401} on {@code POST /login} counted none of 30 wrong
 * passwords, and each failed sign-in earned its address a history. The starter reports a failed authentication as the
 * request's outcome, {@code 401}.
 */
@SpringBootTest(
        classes = FormLoginFailuresTest.Shop.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.failure.rules.login.paths=/login",
            "abuse-guard.failure.rules.login.methods=POST",
            "abuse-guard.failure.rules.login.statuses=401",
            "abuse-guard.failure.rules.login.key=ip+body:/username",
            "abuse-guard.failure.rules.login.max-retry=5",
            "abuse-guard.failure.rules.login.under-attack.enabled=true"
        })
class FormLoginFailuresTest {

    @LocalServerPort
    int port;

    @Autowired
    AbuseGuard engine;

    private final HttpClient client = HttpClient.newHttpClient(); // follows no redirect

    @Test
    void wrongPasswordsAnsweredWithARedirectAreCountedAsFailures() throws Exception {
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> wrong = signIn("alice", "guess" + i);
            assertThat(wrong.statusCode()).as("wrong password %s", i).isEqualTo(302);
            assertThat(wrong.headers().firstValue("Location"))
                    .hasValueSatisfying(to -> assertThat(to).endsWith("/login?error"));
        }

        HttpResponse<String> sixth = signIn("alice", "guess6");

        assertThat(sixth.statusCode()).as("the sixth guess: " + sixth.body()).isEqualTo(429);
        assertThat(sixth.body()).contains("too-many-failures");
    }

    @Test
    void aRightPasswordIsNoFailure() throws Exception {
        for (int i = 1; i <= 7; i++) {
            HttpResponse<String> right = signIn("bob", "bobs-secret");
            assertThat(right.statusCode()).as("sign-in %s", i).isEqualTo(302);
            assertThat(right.headers().firstValue("Location"))
                    .hasValueSatisfying(to -> assertThat(to).doesNotContain("error"));
        }
    }

    /** With a surge detector a success earns the address a history, which the under-attack mode lets through. */
    @Test
    @DirtiesContext(methodMode = DirtiesContext.MethodMode.BEFORE_METHOD) // no history from another test's sign-in
    void aFailedSignInEarnsNoHistoryARightOneDoes() throws Exception {
        FailureGuard failures = engine.guards().stream()
                .filter(FailureGuard.class::isInstance)
                .map(FailureGuard.class::cast)
                .findFirst()
                .orElseThrow();
        GuardRequest fromHere =
                GuardRequest.builder("POST", "/login").client("127.0.0.1").build();

        assertThat(signIn("carol", "a-guess").statusCode()).isEqualTo(302);
        assertThat(failures.lacksHistory(fromHere)).as("after a failed sign-in").isTrue();

        assertThat(signIn("bob", "bobs-secret").statusCode()).isEqualTo(302);
        assertThat(failures.lacksHistory(fromHere)).as("after a right one").isFalse();
    }

    private HttpResponse<String> signIn(String user, String password) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class Shop {

        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .formLogin(form -> {})
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("alice")
                            .password("{noop}alices-secret")
                            .roles("USER")
                            .build(),
                    User.withUsername("bob")
                            .password("{noop}bobs-secret")
                            .roles("USER")
                            .build());
        }

        /** A member of the configuration, so registered with it. */
        @RestController
        static class Home {
            @GetMapping("/")
            String home() {
                return "home";
            }
        }
    }
}
