package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * review121 F2: the starter's {@code decided(401)} sticks to a request once any authentication in it failed, though
 * a later one in the same request succeeded and the answer is {@code 200}. A sign-in that takes an e-mail address or
 * a user name (it tries the login as a user name, then as the address of one) is a failure rule's failure every
 * time a user signs in with the address: after 5 right sign-ins the user is refused, and none earns a history.
 */
@SpringBootTest(
        classes = Review121SignInFallbackTest.Shop.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.failure.rules.login.paths=/api/sign-in",
            "abuse-guard.failure.rules.login.methods=POST",
            "abuse-guard.failure.rules.login.statuses=401",
            "abuse-guard.failure.rules.login.key=ip+body:/login",
            "abuse-guard.failure.rules.login.max-retry=5"
        })
class Review121SignInFallbackTest {

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void rightSignInsByAddressAreNoFailures() throws Exception {
        for (int i = 1; i <= 7; i++) {
            HttpResponse<String> right = signIn("alice@example.com", "alices-secret");
            assertThat(right.statusCode())
                    .as("right sign-in %s: %s", i, right.body())
                    .isEqualTo(200);
        }
    }

    private HttpResponse<String> signIn(String login, String password) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sign-in"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"login\":\"" + login + "\",\"password\":\"" + password + "\"}"))
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
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername("alice")
                    .password("{noop}alices-secret")
                    .roles("USER")
                    .build());
        }

        @RestController
        static class SignIn {
            private static final Map<String, String> USER_BY_ADDRESS = Map.of("alice@example.com", "alice");

            private final AuthenticationManager manager;

            SignIn(AuthenticationConfiguration authentication) throws Exception {
                this.manager = authentication.getAuthenticationManager();
            }

            record Credentials(String login, String password) {}

            /** The login is a user name or the address of one. */
            @PostMapping("/api/sign-in")
            Map<String, String> signIn(@RequestBody Credentials credentials) {
                try {
                    manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                            credentials.login(), credentials.password()));
                } catch (AuthenticationException notAUserName) {
                    String user = USER_BY_ADDRESS.get(credentials.login());
                    if (user == null) {
                        throw notAUserName;
                    }
                    manager.authenticate(
                            UsernamePasswordAuthenticationToken.unauthenticated(user, credentials.password()));
                }
                return Map.of("signedIn", credentials.login());
            }
        }
    }
}
