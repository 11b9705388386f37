package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
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
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * review121 F4: an application whose events are multicast on an executor (an {@code applicationEventMulticaster} bean
 * with a task executor, for asynchronous listeners) hears Spring Security's failure events on another thread, where
 * the starter's listener finds no request: form login's wrong passwords are 302s no failure rule counts, silently.
 */
@SpringBootTest(
        classes = Review121AsyncEventsTest.Shop.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.failure.rules.login.paths=/login",
            "abuse-guard.failure.rules.login.methods=POST",
            "abuse-guard.failure.rules.login.statuses=401",
            "abuse-guard.failure.rules.login.key=ip+body:/username",
            "abuse-guard.failure.rules.login.max-retry=5"
        })
class Review121AsyncEventsTest {

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newHttpClient(); // follows no redirect

    @Test
    void wrongPasswordsAreCountedWhenEventsAreMulticastOnAnExecutor() throws Exception {
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

        /** Every listener on an executor, as an application with asynchronous listeners configures it. */
        @Bean(name = "applicationEventMulticaster")
        org.springframework.context.event.ApplicationEventMulticaster applicationEventMulticaster() {
            org.springframework.context.event.SimpleApplicationEventMulticaster multicaster =
                    new org.springframework.context.event.SimpleApplicationEventMulticaster();
            multicaster.setTaskExecutor(new org.springframework.core.task.SimpleAsyncTaskExecutor("events-"));
            return multicaster;
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
