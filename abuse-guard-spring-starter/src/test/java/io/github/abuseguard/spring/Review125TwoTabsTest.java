package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * review125 F5: the kept sign-in exception is read at the end of any redirect of a failure rule's route (review123
 * F6 narrowed it to redirects only). A signed-in user changes her password in one tab, answered as forms are, {@code
 * 302} (post/redirect/get), while in another tab of the same session she mistypes her password at the login page:
 * the password change is counted as a failed sign-in ({@code 401}) on the password rule, and with {@code
 * max-retry=1} her next, correct password change is refused.
 */
class Review125TwoTabsTest {

    static final CountDownLatch CHANGING = new CountDownLatch(1);
    static final CountDownLatch MISTYPED = new CountDownLatch(1);

    @Test
    void aRedirectOfAnotherTabIsNoFailedSignIn() throws Exception {
        try (ConfigurableApplicationContext shop = new SpringApplicationBuilder(Shop.class)
                .properties(
                        "server.port=0",
                        "abuse-guard.failure.rules.password.paths=/account/password",
                        "abuse-guard.failure.rules.password.methods=POST",
                        "abuse-guard.failure.rules.password.statuses=400,401",
                        "abuse-guard.failure.rules.password.key=ip",
                        "abuse-guard.failure.rules.password.max-retry=1")
                .run()) {
            int port = Integer.parseInt(shop.getEnvironment().getProperty("local.server.port"));
            HttpClient browser = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .cookieHandler(new CookieManager())
                    .build();
            assertThat(form(browser, port, "/login", "username=alice&password=alices-secret")
                            .headers()
                            .firstValue("Location"))
                    .hasValueSatisfying(to -> assertThat(to).doesNotContain("error"));

            // tab 1: the password change, whose handler is running ...
            CompletableFuture<HttpResponse<String>> change = CompletableFuture.supplyAsync(() -> {
                try {
                    return form(browser, port, "/account/password", "current=alices-secret&next=new-1&hold=1");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(CHANGING.await(30, TimeUnit.SECONDS)).isTrue();
            // ... while tab 2 mistypes the password at the login page
            assertThat(form(browser, port, "/login", "username=alice&password=typo")
                            .headers()
                            .firstValue("Location"))
                    .hasValueSatisfying(to -> assertThat(to).endsWith("/login?error"));
            MISTYPED.countDown();
            assertThat(change.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(302);

            HttpResponse<String> again = form(browser, port, "/account/password", "current=new-1&next=new-2");

            assertThat(again.statusCode())
                    .as("a right password change after one that succeeded: " + again.body())
                    .isEqualTo(302);
        }
    }

    private static HttpResponse<String> form(HttpClient browser, int port, String path, String body) throws Exception {
        return browser.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

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

        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .formLogin(form -> {})
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

        @RestController
        static class Account {
            /** A wrong current password is 400; a change is answered with a redirect to the account page. */
            @PostMapping("/account/password")
            ResponseEntity<String> change(
                    @org.springframework.web.bind.annotation.RequestParam String current,
                    @org.springframework.web.bind.annotation.RequestParam(required = false) String hold)
                    throws InterruptedException {
                if (hold != null) {
                    CHANGING.countDown();
                    MISTYPED.await(30, TimeUnit.SECONDS);
                }
                if (current.isBlank()) {
                    return ResponseEntity.status(HttpStatus.BAD_REQUEST).body("wrong current password");
                }
                return ResponseEntity.status(HttpStatus.FOUND)
                        .header("Location", "/account?changed")
                        .build();
            }
        }
    }
}
