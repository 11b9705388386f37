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
import org.springframework.http.ResponseEntity;
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
 * review121 F3: a JSON sign-in that answers a wrong password with its own failure status ({@code 400}, as many do;
 * or {@code 403}) and a failure rule counting that status: the starter's {@code decided(401)} replaces the status the
 * application wrote, so the rule, which counted every wrong password before this change, counts none now: 10 of 10
 * guesses answered 400, none refused.
 */
@SpringBootTest(
        classes = Review121OwnFailureStatusTest.Shop.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.failure.rules.login.paths=/api/sign-in",
            "abuse-guard.failure.rules.login.methods=POST",
            "abuse-guard.failure.rules.login.statuses=400",
            "abuse-guard.failure.rules.login.key=ip+body:/username",
            "abuse-guard.failure.rules.login.max-retry=5"
        })
class Review121OwnFailureStatusTest {

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void wrongPasswordsAnsweredWithTheApplicationsFailureStatusAreStillCounted() throws Exception {
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> wrong = signIn("alice", "guess" + i);
            assertThat(wrong.statusCode()).as("wrong password %s", i).isEqualTo(400);
        }

        HttpResponse<String> sixth = signIn("alice", "guess6");

        assertThat(sixth.statusCode()).as("the sixth guess: " + sixth.body()).isEqualTo(429);
    }

    private HttpResponse<String> signIn(String user, String password) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sign-in"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}"))
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
            private final AuthenticationManager manager;

            SignIn(AuthenticationConfiguration authentication) throws Exception {
                this.manager = authentication.getAuthenticationManager();
            }

            record Credentials(String username, String password) {}

            @PostMapping("/api/sign-in")
            ResponseEntity<Map<String, String>> signIn(@RequestBody Credentials credentials) {
                try {
                    manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                            credentials.username(), credentials.password()));
                    return ResponseEntity.ok(Map.of("signedIn", credentials.username()));
                } catch (AuthenticationException wrong) {
                    return ResponseEntity.badRequest().body(Map.of("error", "invalid credentials"));
                }
            }
        }
    }
}
