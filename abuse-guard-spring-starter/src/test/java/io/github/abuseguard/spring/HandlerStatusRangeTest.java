package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** review15: a once-only download (a Resource body) asked for with an unsatisfiable Range. */
@SpringBootTest(
        classes = HandlerStatusRangeTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.sequence.rules.ticket-once.operation=GET /ticket",
            "abuse-guard.sequence.rules.ticket-once.forbids=GET /ticket",
            "abuse-guard.sequence.rules.ticket-once.within=1h",
            "abuse-guard.sequence.rules.card-once.operation=GET /card",
            "abuse-guard.sequence.rules.card-once.forbids=GET /card",
            "abuse-guard.sequence.rules.card-once.within=1h",
        })
class HandlerStatusRangeTest {
    @LocalServerPort
    int port;

    @Autowired
    Steps steps;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void onceOnlyDownloadWithAnUnsatisfiableRange() throws Exception {
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ticket"))
                            .header("Authorization", "Bearer holder")
                            .header("Range", "bytes=999999-")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            statuses.merge(r.statusCode(), 1, Integer::sum);
        }
        assertThat(steps.issued.get())
                .as("handler runs of a once-only download")
                .isEqualTo(1);
        // Tomcat answers the one download 416 after the handler ran; the nine repeats are the rule's refusal.
        assertThat(statuses).as("statuses of ten downloads").containsExactly(entry(416, 1), entry(403, 9));
    }

    @Test
    void onceOnlyResponseEntityWithAnEtagAskedWithAFailingIfMatch() throws Exception {
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/card"))
                            .header("Authorization", "Bearer carder")
                            .header("If-Match", "\"nope\"")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            statuses.merge(r.statusCode(), 1, Integer::sum);
        }
        assertThat(steps.cards.get()).as("handler runs of a once-only GET").isEqualTo(1);
        // Spring checks If-Match on unsafe methods only: the read is answered 200, once.
        assertThat(statuses).as("statuses of ten reads").containsExactly(entry(200, 1), entry(403, 9));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Steps.class)
    static class App {}

    @RestController
    static class Steps {
        final AtomicInteger issued = new AtomicInteger();
        final AtomicInteger cards = new AtomicInteger();

        @GetMapping("/card")
        ResponseEntity<Map<String, Object>> card() {
            return ResponseEntity.ok().eTag("\"v1\"").body(Map.of("card", "4111-" + cards.incrementAndGet()));
        }

        @GetMapping("/ticket")
        ResponseEntity<Resource> ticket() {
            byte[] ticket = ("ticket-" + issued.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
            return ResponseEntity.ok(new ByteArrayResource(ticket));
        }
    }
}
