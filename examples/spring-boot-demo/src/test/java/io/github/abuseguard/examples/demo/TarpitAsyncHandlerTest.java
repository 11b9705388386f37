package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A request the tarpit holds and then passes on reaches a handler that goes async (Spring MVC's
 * {@code Callable}, on Tomcat): it is answered once. A review found it evaluated, tarpitted and passed on
 * again forever, since Tomcat hands the application's async dispatch the wrapper of the first.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            "abuse-guard.rate-limit.rules.slow.paths[0]=/test/async",
            "abuse-guard.rate-limit.rules.slow.limits[0].capacity=1",
            "abuse-guard.rate-limit.rules.slow.limits[0].period=1h",
            "abuse-guard.rate-limit.rules.slow.action=tarpit",
            "abuse-guard.tarpit.delay=200ms",
            "abuse-guard.tarpit.then=pass",
            Operator.NAME,
            Operator.PASSWORD,
            Operator.ROLES
        })
@Import(TarpitAsyncHandlerTest.AsyncHandler.class)
class TarpitAsyncHandlerTest {

    private static final AtomicInteger CALLS = new AtomicInteger();

    @TestConfiguration(proxyBeanMethods = false)
    @RestController
    static class AsyncHandler {
        @GetMapping("/test/async")
        Callable<String> answer() {
            CALLS.incrementAndGet();
            return () -> "answered";
        }
    }

    @LocalServerPort
    int port;

    @Test
    void aHeldRequestPassedOnToAnAsyncHandlerIsAnsweredOnce() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/test/async"))
                .header("X-Forwarded-For", "203.0.113.77")
                .timeout(Duration.ofSeconds(10))
                .build();
        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("answered");
        HttpResponse<String> held = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(held.statusCode()).as("over the limit: held, then passed on").isEqualTo(200);
        assertThat(held.body()).isEqualTo("answered");
        assertThat(CALLS.get()).as("the handler ran once per request").isEqualTo(2);
    }
}
