package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** review15: an application whose catch-all @ExceptionHandler answers 400 (not 406/5xx) to what it does not know. */
@SpringBootTest(
        classes = HandlerStatusCatchAllAdviceTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.sequence.rules.redeem-once.operation=POST /redeem",
            "abuse-guard.sequence.rules.redeem-once.forbids=POST /redeem",
            "abuse-guard.sequence.rules.redeem-once.within=1h",
        })
class HandlerStatusCatchAllAdviceTest {
    @LocalServerPort
    int port;

    @Autowired
    Steps steps;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void onceOnlyStepAskedForAsXmlBehindACatchAllAdvice() throws Exception {
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/redeem"))
                            .header("Authorization", "Bearer redeemer")
                            .header("Accept", "application/xml")
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            statuses.merge(r.statusCode(), 1, Integer::sum);
        }
        assertThat(steps.redeemed.get()).as("handler runs of a once-only step").isEqualTo(1);
        // The advice answers the one redemption 400 (writing XML failed); the nine repeats are the rule's refusal.
        assertThat(statuses).as("statuses of ten redemptions").containsExactly(entry(400, 1), entry(403, 9));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import({Steps.class, CatchAll.class})
    static class App {}

    @RestController
    static class Steps {
        final AtomicInteger redeemed = new AtomicInteger();

        @PostMapping("/redeem")
        Map<String, Object> redeem() {
            return Map.of("redeemed", redeemed.incrementAndGet());
        }
    }

    /** "Anything unexpected is the client's bad request": a common catch-all. */
    @RestControllerAdvice
    static class CatchAll {
        @ExceptionHandler(Exception.class)
        ProblemDetail any(Exception e) {
            return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Bad request.");
        }
    }
}
