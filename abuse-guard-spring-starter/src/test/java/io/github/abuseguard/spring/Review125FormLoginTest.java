package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * review125 F4: a form login whose failure handler is the application's own lambda redirecting to the login page
 * (keeping no exception in the session) beside a manager of the application's own on the chain ({@code
 * http.authenticationManager(new ProviderManager(provider))}, which publishes no event: probe71b F1's set-up): neither
 * the event nor the kept exception tells the failure, each wrong password is a {@code 302} success, and every guess at
 * one account passes. The same holds for probe71b F3's own exception type (mapped to no event) beside such a handler.
 */
class Review125FormLoginTest {

    private static final String[] LOGIN_RULE = {
        "abuse-guard.failure.rules.login.paths=/login",
        "abuse-guard.failure.rules.login.methods=POST",
        "abuse-guard.failure.rules.login.statuses=401",
        "abuse-guard.failure.rules.login.key=ip+body:/username",
        "abuse-guard.failure.rules.login.max-retry=5"
    };

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void wrongPasswordsThroughAnOwnFailureHandlerAndAnOwnManagerAreCounted() throws Exception {
        try (ConfigurableApplicationContext shop = new SpringApplicationBuilder(OwnHandlerAndManager.class)
                .properties(Stream.concat(Stream.of("server.port=0"), Stream.of(LOGIN_RULE))
                        .toArray(String[]::new))
                .run()) {
            List<Integer> answers = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> wrong = signIn(shop, "alice", "guess" + i);
                assertThat(wrong.headers().firstValue("Location"))
                        .hasValueSatisfying(to -> assertThat(to).endsWith("/login?error"));
                answers.add(wrong.statusCode());
            }

            HttpResponse<String> sixth = signIn(shop, "alice", "guess6");

            assertThat(sixth.statusCode())
                    .as("the sixth wrong password at one account from one address, after %s", answers)
                    .isEqualTo(429);
        }
    }

    private HttpResponse<String> signIn(ConfigurableApplicationContext shop, String user, String password)
            throws Exception {
        int port = Integer.parseInt(shop.getEnvironment().getProperty("local.server.port"));
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
    static class OwnHandlerAndManager {

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername("alice")
                    .password("{noop}alices-secret")
                    .roles("USER")
                    .build());
        }

        @Bean
        SecurityFilterChain security(HttpSecurity http, UserDetailsService users) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .authenticationManager(new ProviderManager(new DaoAuthenticationProvider(users)))
                    .formLogin(form -> form.failureHandler(
                            (request, response, exception) -> response.sendRedirect("/login?error")))
                    .csrf(csrf -> csrf.disable())
                    .build();
        }
    }
}
