package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.Filter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe71c F3: a sequence step was recorded once the application's filters returned, after its answer had reached
 * the client; a client sending the next step the instant the answer arrived (a script, an integration test on
 * loopback) was refused {@code 403} though it had verified. The step is recorded as the answer is committed.
 */
class StepRecordedAtCommitTest {

    /** Released once the card was asked for: the verify's filters return only then. */
    private static final CountDownLatch CARD_ASKED = new CountDownLatch(1);

    @Test
    void aCardAddedTheInstantTheVerifysAnswerArrivesFindsTheVerify() throws Exception {
        try (ConfigurableApplicationContext shop = new SpringApplicationBuilder(Shop.class)
                .properties(
                        "server.port=0",
                        "abuse-guard.sequence.rules.card.operation=POST /api/accounts/{id}/payment-methods",
                        "abuse-guard.sequence.rules.card.requires=POST /api/accounts/{id}/verify",
                        "abuse-guard.sequence.rules.card.within=30m")
                .run()) {
            int port = ((WebServerApplicationContext) shop).getWebServer().getPort();
            HttpClient client = HttpClient.newHttpClient();
            assertThat(client.send(post(port, "/api/accounts/8/payment-methods"), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .as("a card without the verify")
                    .isEqualTo(403);
            try {
                HttpResponse<String> verify =
                        client.send(post(port, "/api/accounts/7/verify"), HttpResponse.BodyHandlers.ofString());
                assertThat(verify.statusCode()).isEqualTo(200);
                assertThat(Holding.returned.getCount())
                        .as("the verify's filters are still running")
                        .isEqualTo(1);

                // on a connection of its own: the verify's is busy until its filters return
                HttpResponse<String> card = HttpClient.newHttpClient()
                        .send(post(port, "/api/accounts/7/payment-methods"), HttpResponse.BodyHandlers.ofString());

                assertThat(card.statusCode()).as(card.body()).isEqualTo(200);
            } finally {
                CARD_ASKED.countDown();
            }
            assertThat(Holding.returned.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * review127 F3: a verify that a tarpit held and then passed on ({@code then: pass}) had its step recorded only at
     * the end of its exchange, after its answer had reached the client.
     */
    @Test
    void aVerifyTheTarpitPassedOnIsHeardAtCommitToo() throws Exception {
        try (ConfigurableApplicationContext shop = new SpringApplicationBuilder(Shop.class)
                .properties(
                        "server.port=0",
                        "abuse-guard.sequence.rules.card.operation=POST /api/accounts/{id}/payment-methods",
                        "abuse-guard.sequence.rules.card.requires=POST /api/accounts/{id}/verify",
                        "abuse-guard.sequence.rules.card.within=30m",
                        "abuse-guard.rate-limit.rules.slow-verify.paths=/api/accounts/*/verify",
                        "abuse-guard.rate-limit.rules.slow-verify.key=ip",
                        "abuse-guard.rate-limit.rules.slow-verify.action=tarpit",
                        "abuse-guard.rate-limit.rules.slow-verify.limits[0].capacity=1",
                        "abuse-guard.rate-limit.rules.slow-verify.limits[0].period=1h",
                        "abuse-guard.tarpit.delay=50ms",
                        "abuse-guard.tarpit.then=pass")
                .run()) {
            int port = ((WebServerApplicationContext) shop).getWebServer().getPort();
            HttpClient client = HttpClient.newHttpClient();
            assertThat(client.send(post(port, "/api/accounts/6/verify"), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .as("the address's one verify the limit lets through at once")
                    .isEqualTo(200);
            try {
                HttpResponse<String> verify =
                        client.send(post(port, "/api/accounts/17/verify"), HttpResponse.BodyHandlers.ofString());
                assertThat(verify.statusCode()).as("tarpitted, then answered").isEqualTo(200);
                assertThat(Holding.tarpittedReturned.getCount())
                        .as("the tarpitted verify's filters are still running")
                        .isEqualTo(1);

                HttpResponse<String> card = HttpClient.newHttpClient()
                        .send(post(port, "/api/accounts/17/payment-methods"), HttpResponse.BodyHandlers.ofString());

                assertThat(card.statusCode()).as(card.body()).isEqualTo(200);
                assertThat(HttpClient.newHttpClient()
                                .send(
                                        post(port, "/api/accounts/9/payment-methods"),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .as("a card without the verify")
                        .isEqualTo(403);
            } finally {
                TARPITTED_CARD_ASKED.countDown();
            }
            assertThat(Holding.tarpittedReturned.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Released once the card of the tarpitted verify was asked for. */
    private static final CountDownLatch TARPITTED_CARD_ASKED = new CountDownLatch(1);

    private static HttpRequest post(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer session-7")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
    }

    /** A filter after abuse-guard's that holds the verify's thread once its answer is written and flushed. */
    static final class Holding implements Filter {
        static final CountDownLatch returned = new CountDownLatch(1);
        static final CountDownLatch tarpittedReturned = new CountDownLatch(1);

        @Override
        public void doFilter(
                jakarta.servlet.ServletRequest request,
                jakarta.servlet.ServletResponse response,
                jakarta.servlet.FilterChain chain)
                throws java.io.IOException, jakarta.servlet.ServletException {
            chain.doFilter(request, response);
            String uri = ((jakarta.servlet.http.HttpServletRequest) request).getRequestURI();
            if (uri.endsWith("/accounts/17/verify")) {
                // the tarpitted verify, reaching this filter only in the dispatch that ends its wait
                await(TARPITTED_CARD_ASKED);
                tarpittedReturned.countDown();
            } else if (uri.endsWith("/accounts/7/verify")) {
                await(CARD_ASKED);
                returned.countDown();
            }
        }

        private static void await(CountDownLatch latch) {
            try {
                latch.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
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
            registration.setDispatcherTypes(
                    jakarta.servlet.DispatcherType.REQUEST, jakarta.servlet.DispatcherType.ASYNC);
            return registration;
        }

        @Bean
        Accounts accounts() {
            return new Accounts();
        }
    }

    @RestController
    static class Accounts {
        /** A String answer: its length is known, so the client has all of it once it is flushed. */
        @PostMapping("/api/accounts/{id}/verify")
        String verify(@PathVariable("id") String id) {
            return "verified " + id;
        }

        @PostMapping("/api/accounts/{id}/payment-methods")
        String card(@PathVariable("id") String id) {
            return "card added to " + id;
        }
    }
}
