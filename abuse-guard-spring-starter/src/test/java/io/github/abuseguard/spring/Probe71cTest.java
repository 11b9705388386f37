package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RequiresPrior;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * probe71c: the sequence guard as README advises it for cookie sessions ({@code abuse-guard.sequence.session:
 * session}, {@code @RequiresPrior("POST /verify")} on {@code POST /payment-methods}, a once-only {@code forbids}
 * rule), in an application that signs users in with Spring Security's form login and also takes HTTP Basic
 * (an API client, a script, a mobile app).
 */
@SpringBootTest(
        classes = Probe71cTest.Shop.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.store.type=local",
            "abuse-guard.sequence.session=session",
            "abuse-guard.sequence.rules.once.operation=POST /redeem",
            "abuse-guard.sequence.rules.once.forbids=POST /redeem",
            "abuse-guard.sequence.rules.once.within=24h"
        })
class Probe71cTest {

    @LocalServerPort
    int port;

    /**
     * F1 with a browser sign-in only: a request that carries Spring Security's remember-me cookie and no live session
     * (the session expired, the browser was closed) is keyed by the address too, so one account's verify lets
     * another's remember-me cookie add a card (probe71c: 18 of 20 fresh addresses, bob never verified).
     */
    @Test
    void aVerifyOverRememberMeLetsNoOtherAccountOfTheAddressAddACard() throws Exception {
        String judy = rememberMe("judy");
        String kate = rememberMe("kate");
        HttpClient api = HttpClient.newHttpClient();
        assertThat(send(api, "POST", "/verify", null, "{\"code\":\"1\"}", "remember-me=" + judy)
                        .statusCode())
                .isEqualTo(200);

        HttpResponse<String> card = send(api, "POST", "/payment-methods", null, "{}", "remember-me=" + kate);

        assertThat(card.statusCode()).as("kate never verified: " + card.body()).isEqualTo(403);
        assertThat(Shop.CARDS.get("kate")).as("cards added for kate").isNull();
    }

    /**
     * A once-only step over HTTP Basic, without a session, stays the address's: credentials are a key a client can
     * make up, so they open no once-only trail of their own (README: a once-only step needs {@code ip} or {@code
     * principal}). probe71c had asked for each account's own; the trade-off keeps made-up headers from repeating it.
     */
    @Test
    void aOnceOnlyStepOverBasicWithoutASessionIsTheAddresss() throws Exception {
        HttpClient api = HttpClient.newHttpClient();
        assertThat(send(api, "POST", "/redeem", basic("carol"), "{}").statusCode())
                .isEqualTo(200);

        HttpResponse<String> again = send(api, "POST", "/redeem", basic("carol"), "{}");
        HttpResponse<String> dave = send(api, "POST", "/redeem", basic("dave"), "{}");

        assertThat(again.statusCode())
                .as("carol's second redeem: " + again.body())
                .isEqualTo(403);
        assertThat(dave.statusCode())
                .as("dave's redeem from carol's address: " + dave.body())
                .isEqualTo(403);
    }

    /**
     * F3: a verify Spring refused before its handler ran (an invalid body), answered {@code 200} by the
     * application's advice, is recorded as the step done (probe71c: 5 of 5 cards with no verify handler run).
     */
    @Test
    void aVerifyWhoseHandlerNeverRanIsNoStep() throws Exception {
        HttpClient browser = browser();
        signIn(browser, "grace");
        HttpResponse<String> verify = send(browser, "POST", "/verify", null, "{}");
        assertThat(verify.statusCode()).isEqualTo(200);
        assertThat(verify.body()).contains("invalid");
        assertThat(Shop.VERIFIES.get("grace")).as("verify handler runs").isNull();

        HttpResponse<String> card = send(browser, "POST", "/payment-methods", null, "{}");

        assertThat(card.statusCode()).as("grace never verified: " + card.body()).isEqualTo(403);
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

    /** One HTTP/1.1 answer with a Content-Length, read as soon as its bytes arrive. */
    private static String readAnswer(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
        return head.toString().lines().findFirst().orElse("") + "\n" + new String(body, StandardCharsets.UTF_8);
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
                .map(HttpCookie::getValue)
                .findFirst()
                .orElseThrow();
    }

    private static String basic(String user) {
        return "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(HttpClient client, String method, String path, String authorization, String json)
            throws Exception {
        return send(client, method, path, authorization, json, null);
    }

    private HttpResponse<String> send(
            HttpClient client, String method, String path, String authorization, String json, String cookie)
            throws Exception {
        return client.send(
                request(method, path, authorization, json, cookie).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String method, String path, String authorization, String json, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return request;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class Shop {

        static final Map<String, AtomicInteger> CARDS = new ConcurrentHashMap<>();
        static final Map<String, AtomicInteger> VERIFIES = new ConcurrentHashMap<>();
        static final CountDownLatch HOLD = new CountDownLatch(1);

        /**
         * A filter of the application's after the guards (an audit log, a metrics call) still busy after the answer
         * was sent: the answer is flushed, then this thread is held (on X-Hold) until the test is done.
         */
        @Bean
        jakarta.servlet.Filter answerFirst() {
            return (request, response, chain) -> {
                chain.doFilter(request, response);
                if (((jakarta.servlet.http.HttpServletRequest) request).getHeader("X-Hold") != null) {
                    response.flushBuffer();
                    try {
                        HOLD.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException stop) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
        }

        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.requestMatchers("/login", "/error")
                            .permitAll()
                            .anyRequest()
                            .authenticated())
                    .formLogin(Customizer.withDefaults())
                    .httpBasic(Customizer.withDefaults())
                    .rememberMe(remember -> remember.key("probe71c-remember-me").userDetailsService(users()))
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

        @Bean
        UserDetailsService users() {
            InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
            for (String name :
                    new String[] {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "judy", "kate"}) {
                users.createUser(User.withUsername(name)
                        .password("{noop}" + name + "-pw")
                        .roles("USER")
                        .build());
            }
            return users;
        }

        record Code(@NotBlank String code) {}

        @RestController
        static class Account {
            @PostMapping("/verify")
            ResponseEntity<String> verify(@Valid @RequestBody Code code, Principal user) {
                VERIFIES.computeIfAbsent(user.getName(), name -> new AtomicInteger())
                        .incrementAndGet();
                return ResponseEntity.ok("verified " + user.getName());
            }

            @RequiresPrior(value = "POST /verify", status = "2xx", within = "30m")
            @PostMapping("/payment-methods")
            ResponseEntity<String> card(Principal user) {
                CARDS.computeIfAbsent(user.getName(), name -> new AtomicInteger())
                        .incrementAndGet();
                return ResponseEntity.status(201).body("card for " + user.getName());
            }

            @PostMapping("/redeem")
            ResponseEntity<String> redeem(Principal user) {
                return ResponseEntity.ok("redeemed by " + user.getName());
            }
        }

        /** An API that answers every request 200 with an envelope, an invalid body included. */
        @RestControllerAdvice
        static class Envelope {
            @ExceptionHandler(MethodArgumentNotValidException.class)
            ResponseEntity<Map<String, Object>> invalid(MethodArgumentNotValidException e) {
                return ResponseEntity.ok(Map.of("ok", false, "error", "invalid"));
            }
        }
    }
}
