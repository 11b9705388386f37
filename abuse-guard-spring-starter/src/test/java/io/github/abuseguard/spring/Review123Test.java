package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RequiresPrior;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * review123: the sequence session under {@code session: session} now joins the request's {@code Authorization}
 * header to the container's session (probe71c F1, F2). An application signing users in by form login (the session)
 * and, for its SPA and mobile app, by its own Bearer tokens ({@code tok-USER-N}, a new one at each refresh); it
 * ignores an {@code Authorization} header it does not know, as a form-login application ignores every one.
 */
@SpringBootTest(
        classes = Review123Test.Shop.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.store.type=local",
            "abuse-guard.sequence.session=session",
            "abuse-guard.sequence.rules.once.operation=POST /redeem",
            "abuse-guard.sequence.rules.once.forbids=POST /redeem",
            "abuse-guard.sequence.rules.once.within=24h",
            "abuse-guard.sequence.rules.one-signup.operation=POST /signup",
            "abuse-guard.sequence.rules.one-signup.forbids=POST /signup",
            "abuse-guard.sequence.rules.one-signup.within=24h"
        })
class Review123Test {

    @LocalServerPort
    int port;

    /**
     * F1: a signed-in user redeems a once-only voucher, then adds a made-up {@code Authorization} header, a new one
     * each time, which the application ignores: each header is a new trail, so the voucher is redeemed again.
     */
    @Test
    void madeUpCredentialsBesideTheSessionDoNotRepeatAOnceOnlyStep() throws Exception {
        HttpClient browser = browser();
        signIn(browser, "alice");
        assertThat(send(browser, "/redeem", null).statusCode()).isEqualTo(200);

        int again = 0;
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> redeem = send(browser, "/redeem", basic("made-up-" + i));
            assertThat(redeem.body()).doesNotContain("made-up"); // the application acts for alice
            if (redeem.statusCode() == 200) {
                again++;
            }
        }

        assertThat(again).as("once-only redeems repeated by alice's session").isZero();
    }

    /** F1 on an anonymous route: one sign-up per address, repeated by a made-up header per request. */
    @Test
    void madeUpCredentialsOnAnAnonymousRouteDoNotRepeatAOnceOnlyStep() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        assertThat(send(client, "/signup", null).statusCode()).isEqualTo(200);
        assertThat(send(client, "/signup", null).statusCode())
                .as("held without a header")
                .isEqualTo(403);

        int again = 0;
        for (int i = 0; i < 5; i++) {
            if (send(client, "/signup", "Bearer made-up-" + i).statusCode() == 200) {
                again++;
            }
        }

        assertThat(again).as("sign-ups from one address, one allowed").isZero();
    }

    /**
     * F2: an SPA signed in by its session cookie that adds its API token to some calls only (here the card call):
     * the verify is recorded under the session, the card looked for under session-plus-token, and refused.
     */
    @Test
    void aSessionUserVerifiedWithoutTheTokenMayAddACardWithIt() throws Exception {
        HttpClient browser = browser();
        signIn(browser, "bob");
        assertThat(send(browser, "/verify", null).statusCode()).isEqualTo(200);

        HttpResponse<String> card = send(browser, "/payment-methods", "Bearer tok-bob-1");

        assertThat(card.statusCode())
                .as("bob verified in this session: " + card.body())
                .isEqualTo(201);
    }

    /**
     * F2 with a token refresh: a mobile app verifies with its access token, which is refreshed (a new value) before
     * it adds the card within the rule's 30 minutes: the card is refused, the verify being the old token's.
     */
    @Test
    void aRefreshedTokenKeepsItsAccountsVerify() throws Exception {
        HttpClient app = HttpClient.newHttpClient();
        assertThat(send(app, "/verify", "Bearer tok-carol-1").body()).isEqualTo("verified carol");

        HttpResponse<String> card = send(app, "/payment-methods", "Bearer tok-carol-2");

        assertThat(card.statusCode()).as("carol verified: " + card.body()).isEqualTo(201);
    }

    /**
     * F6: a failure rule counts {@code 401}s of an address on the log-in and the API. A signed-in user's API call
     * (a long upload, a poll) is in flight while, in another tab of the same browser, they mistype their password
     * once. The call is answered {@code 200}, yet counted as a failed sign-in: the exception the failed log-in left in
     * the shared session is "new" to it. One typo is two failures, and the user's next request is refused.
     */
    @Test
    void aFailedSignInInAnotherTabIsNoFailureOfACallInFlight() throws Exception {
        try (org.springframework.context.ConfigurableApplicationContext shop =
                new org.springframework.boot.builder.SpringApplicationBuilder(SlowShop.class)
                        .properties(
                                "server.port=0",
                                "abuse-guard.store.type=local",
                                "abuse-guard.failure.rules.api.paths[0]=/login",
                                "abuse-guard.failure.rules.api.paths[1]=/api/**",
                                "abuse-guard.failure.rules.api.statuses=401",
                                "abuse-guard.failure.rules.api.key=ip+header:X-Lab",
                                "abuse-guard.failure.rules.api.max-retry=2")
                        .run()) {
            int shopPort = Integer.parseInt(shop.getEnvironment().getProperty("local.server.port"));

            // control: one typo, then the right password
            HttpClient alone = browser();
            assertThat(form(alone, shopPort, "alone", "alice", "alice-pw")
                            .headers()
                            .firstValue("Location"))
                    .hasValueSatisfying(to -> assertThat(to).doesNotContain("error"));
            assertThat(form(alone, shopPort, "alone", "alice", "typo").headers().firstValue("Location"))
                    .hasValueSatisfying(to -> assertThat(to).endsWith("/login?error"));
            assertThat(form(alone, shopPort, "alone", "alice", "alice-pw")
                            .headers()
                            .firstValue("Location"))
                    .as("after one typo")
                    .hasValueSatisfying(to -> assertThat(to).doesNotContain("error"));

            // the same with a call of the session in flight during the typo
            HttpClient tabs = browser();
            assertThat(form(tabs, shopPort, "tabs", "alice", "alice-pw")
                            .headers()
                            .firstValue("Location"))
                    .hasValueSatisfying(to -> assertThat(to).doesNotContain("error"));
            java.util.concurrent.CompletableFuture<HttpResponse<String>> upload = tabs.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shopPort + "/api/upload"))
                            .header("X-Lab", "tabs")
                            .POST(HttpRequest.BodyPublishers.ofString("data"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(SlowShop.ENTERED.await(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            assertThat(form(tabs, shopPort, "tabs", "alice", "typo").headers().firstValue("Location"))
                    .hasValueSatisfying(to -> assertThat(to).endsWith("/login?error"));
            SlowShop.RELEASE.countDown();
            assertThat(upload.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode())
                    .isEqualTo(200);
            assertThat(SlowShop.DONE.await(10, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the upload's exchange over, the guards' included")
                    .isTrue();

            HttpResponse<String> right = form(tabs, shopPort, "tabs", "alice", "alice-pw");

            assertThat(right.statusCode())
                    .as("the right password after one typo, with an upload in flight: " + right.body())
                    .isEqualTo(302);
        }
    }

    private static HttpResponse<String> form(HttpClient browser, int shopPort, String lab, String user, String password)
            throws Exception {
        return browser.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shopPort + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-Lab", lab)
                        .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Form login, and an API call the test holds in its handler. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class SlowShop {
        static final java.util.concurrent.CountDownLatch ENTERED = new java.util.concurrent.CountDownLatch(1);
        static final java.util.concurrent.CountDownLatch RELEASE = new java.util.concurrent.CountDownLatch(1);
        static final java.util.concurrent.CountDownLatch DONE = new java.util.concurrent.CountDownLatch(1);

        /** Outermost: tells the test when the upload's exchange is over, every filter's work included. */
        @Bean
        org.springframework.boot.web.servlet.FilterRegistrationBean<jakarta.servlet.Filter> outermost() {
            org.springframework.boot.web.servlet.FilterRegistrationBean<jakarta.servlet.Filter> registration =
                    new org.springframework.boot.web.servlet.FilterRegistrationBean<>((request, response, chain) -> {
                        try {
                            chain.doFilter(request, response);
                        } finally {
                            if (((HttpServletRequest) request).getRequestURI().equals("/api/upload")) {
                                DONE.countDown();
                            }
                        }
                    });
            registration.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE);
            return registration;
        }

        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.requestMatchers("/login", "/error")
                            .permitAll()
                            .anyRequest()
                            .authenticated())
                    .formLogin(Customizer.withDefaults())
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername("alice")
                    .password("{noop}alice-pw")
                    .roles("USER")
                    .build());
        }

        @RestController
        static class Upload {
            @PostMapping("/api/upload")
            String upload() throws InterruptedException {
                ENTERED.countDown();
                RELEASE.await(10, java.util.concurrent.TimeUnit.SECONDS);
                return "stored";
            }
        }
    }

    /** Signs in with remember-me and gives its cookie. */
    private String rememberMe(String user) throws Exception {
        CookieManager jar = new CookieManager();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(jar).build();
        HttpResponse<String> in = browser.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "username=" + user + "&password=" + user + "-pw&remember-me=on"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(in.statusCode()).isEqualTo(302);
        return jar.getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("remember-me"))
                .map(java.net.HttpCookie::getValue)
                .findFirst()
                .orElseThrow();
    }

    private static HttpClient browser() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(new CookieManager())
                .build();
    }

    private void signIn(HttpClient browser, String user) throws Exception {
        HttpResponse<String> in = browser.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + user + "-pw"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(in.statusCode()).isEqualTo(302);
        assertThat(in.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).doesNotContain("error"));
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":x").getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(HttpClient client, String path, String authorization) throws Exception {
        return send(client, path, authorization, null);
    }

    private HttpResponse<String> send(HttpClient client, String path, String authorization, String cookie)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class Shop {

        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.requestMatchers("/login", "/error", "/signup")
                            .permitAll()
                            .anyRequest()
                            .authenticated())
                    .formLogin(Customizer.withDefaults())
                    .rememberMe(
                            remember -> remember.key("review123-remember-me").userDetailsService(users()))
                    .addFilterBefore(new Tokens(), UsernamePasswordAuthenticationFilter.class)
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

        /** The application's own access tokens, {@code tok-USER-N}: any other header is not its business. */
        static final class Tokens extends OncePerRequestFilter {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws java.io.IOException, jakarta.servlet.ServletException {
                String header = request.getHeader("Authorization");
                if (header != null && header.startsWith("Bearer tok-")) {
                    String user = header.substring("Bearer tok-".length()).replaceAll("-\\d+$", "");
                    SecurityContextHolder.getContext()
                            .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                                    user, null, AuthorityUtils.createAuthorityList("ROLE_USER")));
                }
                chain.doFilter(request, response);
            }
        }

        @Bean
        UserDetailsService users() {
            InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
            for (String name : List.of("alice", "bob", "carol", "judy", "kate")) {
                users.createUser(User.withUsername(name)
                        .password("{noop}" + name + "-pw")
                        .roles("USER")
                        .build());
            }
            return users;
        }

        @RestController
        static class Account {
            @PostMapping("/verify")
            ResponseEntity<String> verify(Principal user) {
                return ResponseEntity.ok("verified " + user.getName());
            }

            @RequiresPrior(value = "POST /verify", status = "2xx", within = "30m")
            @PostMapping("/payment-methods")
            ResponseEntity<String> card(Principal user) {
                return ResponseEntity.status(201).body("card for " + user.getName());
            }

            @PostMapping("/redeem")
            ResponseEntity<String> redeem(Principal user) {
                return ResponseEntity.ok("redeemed by " + user.getName());
            }

            @PostMapping("/signup")
            ResponseEntity<String> signup() {
                return ResponseEntity.ok("signed up");
            }
        }
    }
}
