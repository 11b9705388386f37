package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** review15: ResponseEntity returns (Spring 7's ResponseEntityReturnValueHandler) on lead. */
@SpringBootTest(
        classes = HandlerStatusResponseEntityTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.sequence.rules.card-once.operation=GET /card",
            "abuse-guard.sequence.rules.card-once.forbids=GET /card",
            "abuse-guard.sequence.rules.card-once.within=1h",
            "abuse-guard.sequence.rules.export-once.operation=POST /export",
            "abuse-guard.sequence.rules.export-once.forbids=POST /export",
            "abuse-guard.sequence.rules.export-once.within=1h",
            "abuse-guard.failure.rules.login.paths=/login",
            "abuse-guard.failure.rules.login.methods=POST",
            "abuse-guard.failure.rules.login.statuses=4xx",
            "abuse-guard.failure.rules.login.max-retry=2",
            "abuse-guard.failure.rules.login2.paths=/login2",
            "abuse-guard.failure.rules.login2.methods=POST",
            "abuse-guard.failure.rules.login2.max-retry=3",
        })
class HandlerStatusResponseEntityTest {
    @LocalServerPort
    int port;

    @Autowired
    Steps steps;

    private final HttpClient http = HttpClient.newHttpClient();

    /** A once-only GET returning ResponseEntity with an ETag: If-None-Match makes it 304 after the handler ran. */
    @Test
    void onceOnlyResponseEntityGetRepeatedWithIfNoneMatch() throws Exception {
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            int s = send("GET", "/card", "carder", Map.of("If-None-Match", "\"v1\""), null)
                    .statusCode();
            statuses.merge(s, 1, Integer::sum);
        }
        assertThat(steps.cards.get()).as("handler runs of a once-only GET").isEqualTo(1);
    }

    /** ResponseEntity whose body cannot be serialised: 500 after the handler ran. */
    @Test
    void onceOnlyResponseEntityUnwritableRetried() throws Exception {
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            int s = send("POST", "/export", "exporter", Map.of("Content-Type", "application/json"), "{}")
                    .statusCode();
            statuses.merge(s, 1, Integer::sum);
        }
        assertThat(steps.exported.get()).as("handler runs of a once-only POST").isEqualTo(1);
    }

    /** Right passwords returned as ResponseEntity, asked for as XML, under statuses 4xx. */
    @Test
    void rightPasswordsAsResponseEntityAnswered406() throws Exception {
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            int s = send(
                            "POST",
                            "/login",
                            "user",
                            Map.of("Content-Type", "application/json", "Accept", "application/xml"),
                            "{\"password\":\"right\"}")
                    .statusCode();
            statuses.merge(s, 1, Integer::sum);
        }
        assertThat(statuses).containsOnlyKeys(406);
    }

    /** Wrong passwords returned as ResponseEntity 401, asked for as XML, under the default statuses (401,403). */
    @Test
    void wrongPasswordsAsResponseEntity401AskedForAsXml() throws Exception {
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            int s = send(
                            "POST",
                            "/login2",
                            "guesser",
                            Map.of("Content-Type", "application/json", "Accept", "application/xml"),
                            "{\"password\":\"wrong" + i + "\"}")
                    .statusCode();
            statuses.merge(s, 1, Integer::sum);
        }
        assertThat(steps.guesses.get())
                .as("guesses that reached the handler, max-retry 3")
                .isLessThanOrEqualTo(3);
    }

    private HttpResponse<String> send(
            String method, String path, String session, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + session)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Steps.class)
    static class App {}

    @RestController
    static class Steps {
        final AtomicInteger cards = new AtomicInteger();
        final AtomicInteger exported = new AtomicInteger();
        final AtomicInteger guesses = new AtomicInteger();

        @GetMapping("/card")
        ResponseEntity<Map<String, Object>> card() {
            return ResponseEntity.ok().eTag("\"v1\"").body(Map.of("card", "4111-" + cards.incrementAndGet()));
        }

        @PostMapping("/export")
        ResponseEntity<HandlerStatusOnServerTest.Unwritable> export() {
            exported.incrementAndGet();
            return ResponseEntity.ok(new HandlerStatusOnServerTest.Unwritable());
        }

        @PostMapping("/login")
        ResponseEntity<Map<String, Object>> login(@RequestBody Map<String, String> credentials) {
            if (!"right".equals(credentials.get("password"))) {
                return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "wrong"));
            }
            return ResponseEntity.ok(Map.of("token", "t"));
        }

        @PostMapping("/login2")
        ResponseEntity<Map<String, Object>> login2(@RequestBody Map<String, String> credentials) {
            guesses.incrementAndGet();
            if (!"right".equals(credentials.get("password"))) {
                return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "wrong"));
            }
            return ResponseEntity.ok(Map.of("token", "t"));
        }
    }
}
