package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * review128 F5: every sign-in failure a sign-in filter's failure handler is called for is reported outright as a
 * failed password (SignInFailureHandlers.Counting), save a too-many-sessions refusal. A sign-in that failed because the
 * user store was down (InternalAuthenticationServiceException, an AuthenticationServiceException: no verdict on the
 * password at all) counts too: a user who retries five times while the database is unreachable is banned, and his
 * right password is refused 429 once the store is back.
 */
class Review128SignInOutageTest {

    static final AtomicBoolean STORE_DOWN = new AtomicBoolean(true);

    @Test
    void signInsFailedByAnOutageAreNoWrongPasswords() throws Exception {
        STORE_DOWN.set(true);
        try (ConfigurableApplicationContext shop = new SpringApplicationBuilder(OutageShop.class)
                .properties(
                        "server.port=0",
                        "abuse-guard.failure.rules.login.paths=/login",
                        "abuse-guard.failure.rules.login.methods=POST",
                        "abuse-guard.failure.rules.login.statuses=401",
                        "abuse-guard.failure.rules.login.key=ip+body:/username",
                        "abuse-guard.failure.rules.login.credential=body:/password",
                        "abuse-guard.failure.rules.login.max-retry=5")
                .run()) {
            int port = Integer.parseInt(shop.getEnvironment().getProperty("local.server.port"));
            for (int i = 1; i <= 5; i++) {
                assertThat(signIn(port).statusCode())
                        .as("sign-in %s while the user store is down", i)
                        .isEqualTo(302);
            }
            STORE_DOWN.set(false);

            HttpResponse<String> back = signIn(port);

            assertThat(back.statusCode())
                    .as("bob's right password once the store is back: %s", back.body())
                    .isEqualTo(302);
            assertThat(back.headers().firstValue("Location"))
                    .hasValueSatisfying(to -> assertThat(to).doesNotContain("error"));
        }
    }

    private static HttpResponse<String> signIn(int port) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("username=bob&password=bobs-secret"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class OutageShop {
        @Bean
        UserDetailsService users() {
            return name -> {
                if (STORE_DOWN.get()) {
                    throw new IllegalStateException("connection refused: the user database is down");
                }
                return User.withUsername(name)
                        .password("{noop}bobs-secret")
                        .roles("USER")
                        .build();
            };
        }

        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .formLogin(form -> {})
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

        @RestController
        static class Home {
            @GetMapping("/")
            String home() {
                return "home";
            }
        }
    }
}
