package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe73a: two instances of one Spring Boot application (two contexts in one JVM, each with its own Tomcat on a
 * free port) sharing one Redis key prefix, with README's sequence rules: a card requires the verify, a verify must not
 * follow a card within 10 minutes, and a welcome bonus is taken once a day. An attacker spreads its steps over both.
 */
class Probe73aTwoInstancesSequenceTest {
    private static final String REDIS = "redis://127.0.0.1:6379";
    private static final String PREFIX = "probe73a:" + UUID.randomUUID() + ":";

    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;
    private static int[] ports;

    @BeforeAll
    static void start() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 6379), 1000);
        } catch (IOException e) {
            Assumptions.abort("Redis is not reachable at " + REDIS + ": " + e.getMessage());
        }
        first = instance();
        second = instance();
        ports = new int[] {port(first), port(second)};
    }

    private static ConfigurableApplicationContext instance() {
        return new SpringApplicationBuilder(Shop.class)
                .properties(
                        "server.port=0",
                        "abuse-guard.store.type=redis",
                        "abuse-guard.store.redis.uri=" + REDIS,
                        "abuse-guard.store.redis.key-prefix=" + PREFIX,
                        "abuse-guard.store.redis.timeout=5s",
                        "abuse-guard.store.redis.connect-timeout=10s",
                        "abuse-guard.sequence.rules.no-card-before-verify.operation=POST /api/accounts/{id}/payment-methods",
                        "abuse-guard.sequence.rules.no-card-before-verify.requires=POST /api/accounts/{id}/verify",
                        "abuse-guard.sequence.rules.no-card-before-verify.within=30m",
                        "abuse-guard.sequence.rules.no-replay.operation=POST /api/accounts/{id}/verify",
                        "abuse-guard.sequence.rules.no-replay.forbids=POST /api/accounts/{id}/payment-methods",
                        "abuse-guard.sequence.rules.no-replay.within=10m",
                        "abuse-guard.sequence.rules.bonus-once.operation=POST /api/bonus",
                        "abuse-guard.sequence.rules.bonus-once.forbids=POST /api/bonus",
                        "abuse-guard.sequence.rules.bonus-once.within=24h")
                .run();
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        RedisClient client = RedisClient.create(REDIS);
        try (var connection = client.connect()) {
            List<String> keys = connection.sync().keys(PREFIX + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    private static HttpRequest post(int instance, String path, String token, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[instance] + path))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    private static int send(HttpRequest request) throws Exception {
        return HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** Held: the verify answered by one instance is in the trail the other reads the instant the answer arrives. */
    @Test
    void aCardOnTheOtherInstanceTheInstantTheVerifyArrivesFindsIt() throws Exception {
        String token = "honest-" + UUID.randomUUID();
        CountDownLatch cardAsked = new CountDownLatch(1);
        Holding.hold = cardAsked;
        try {
            HttpResponse<String> verify = HttpClient.newHttpClient()
                    .send(
                            post(0, "/api/accounts/7/verify", token, "X-Hold", "1"),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(verify.statusCode()).isEqualTo(200);
            assertThat(Holding.held.get())
                    .as("the verify's filters are still running")
                    .isEqualTo(1);
            assertThat(send(post(1, "/api/accounts/7/payment-methods", token))).isEqualTo(200);
            assertThat(send(post(0, "/api/accounts/8/payment-methods", token)))
                    .as("the verify of account 7 is not account 8's")
                    .isEqualTo(403);
        } finally {
            cardAsked.countDown();
            Holding.hold = null;
        }
    }

    /** Held: 32 simultaneous bonus requests of one session, spread over both instances, pass once. */
    @Test
    void racingTheBonusOnBothInstancesPassesOnce() throws Exception {
        String token = "racer-" + UUID.randomUUID();
        int threads = 32;
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        for (int i = 0; i < threads; i++) {
            int instance = i % 2;
            answers.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            go.await();
                            return client.send(
                                            post(instance, "/api/bonus", token), HttpResponse.BodyHandlers.ofString())
                                    .statusCode();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    pool));
        }
        go.countDown();
        int passed = 0;
        for (CompletableFuture<Integer> answer : answers) {
            int status = answer.get(60, TimeUnit.SECONDS);
            if (status == 200) {
                passed++;
            } else {
                assertThat(status).isEqualTo(403);
            }
        }
        pool.shutdown();
        assertThat(passed).isEqualTo(1);
    }

    /**
     * F1 end to end: twenty card attempts in flight at once (the application's card check is slow), all refused 400 by
     * the application, push the day's bonus out of the shared trail: the bonus is paid again on the other instance.
     */
    @Test
    void refusedCardAttemptsInFlightDoNotGiveTheBonusAgain() throws Exception {
        String token = "mallory-" + UUID.randomUUID();
        assertThat(send(post(0, "/api/bonus", token))).isEqualTo(200);
        assertThat(send(post(1, "/api/bonus", token))).as("once a day").isEqualTo(403);
        assertThat(send(post(0, "/api/accounts/7/verify", token))).isEqualTo(200);

        int attempts = 20;
        Shop.Accounts.arrived = new CountDownLatch(attempts);
        Shop.Accounts.release = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> cards = new ArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        try {
            for (int i = 0; i < attempts; i++) {
                cards.add(client.sendAsync(
                        post(i % 2, "/api/accounts/7/payment-methods", token, "X-Card", "4111-made-up"),
                        HttpResponse.BodyHandlers.ofString()));
            }
            assertThat(Shop.Accounts.arrived.await(60, TimeUnit.SECONDS))
                    .as("all twenty card checks are running")
                    .isTrue();
        } finally {
            Shop.Accounts.release.countDown();
        }
        for (CompletableFuture<HttpResponse<String>> card : cards) {
            assertThat(card.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(400);
        }

        assertThat(send(post(1, "/api/bonus", token)))
                .as("the bonus again, after twenty refused card attempts and no recorded step")
                .isEqualTo(403);
    }

    /** Holds the verify's thread (after abuse-guard's filter) once its answer is written, while asked to. */
    static final class Holding implements Filter {
        static volatile CountDownLatch hold;
        static final AtomicInteger held = new AtomicInteger();

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            CountDownLatch latch = hold;
            if (latch == null || ((HttpServletRequest) request).getHeader("X-Hold") == null) {
                chain.doFilter(request, response);
                return;
            }
            // counted before the application runs: the container may send a whole answer before this filter returns
            held.incrementAndGet();
            try {
                chain.doFilter(request, response);
                response.flushBuffer();
                latch.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } finally {
                held.decrementAndGet();
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Shop {
        @Bean
        FilterRegistrationBean<Holding> holding() {
            FilterRegistrationBean<Holding> registration = new FilterRegistrationBean<>(new Holding());
            registration.setOrder(0); // after abuse-guard's filter
            return registration;
        }

        @RestController
        static class Accounts {
            static volatile CountDownLatch arrived;
            static volatile CountDownLatch release;

            @PostMapping("/api/bonus")
            String bonus() {
                return "bonus paid";
            }

            @PostMapping("/api/accounts/{id}/verify")
            String verify(@PathVariable("id") String id) {
                return "verified " + id;
            }

            @PostMapping("/api/accounts/{id}/payment-methods")
            ResponseEntity<String> card(
                    @PathVariable("id") String id, @RequestHeader(name = "X-Card", required = false) String card)
                    throws InterruptedException {
                if (card == null) {
                    return ResponseEntity.ok("card added to " + id);
                }
                // a slow card check (a payment provider), which refuses the made-up number
                arrived.countDown();
                release.await(30, TimeUnit.SECONDS);
                return ResponseEntity.badRequest().body("card refused");
            }
        }
    }
}
