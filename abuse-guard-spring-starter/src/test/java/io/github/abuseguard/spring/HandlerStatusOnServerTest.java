package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.springframework.web.server.ResponseStatusException;

/**
 * probe24 F4 and F6 on a real Tomcat: Spring MVC invokes a {@code @ResponseBody} handler before it finds
 * that no converter writes a type the client's {@code Accept} names, and answers {@code 406} after the
 * handler's work is done. A once-only step answered so is taken (the handler runs once, however often the
 * client asks for XML), and a right password answered so is a success, not a failure of a rule counting
 * {@code 4xx}. A {@code HEAD} runs the GET handler, so it is the GET step of a once-only rule.
 */
@SpringBootTest(
        classes = HandlerStatusOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.sequence.rules.redeem-once.operation=POST /redeem",
            "abuse-guard.sequence.rules.redeem-once.forbids=POST /redeem",
            "abuse-guard.sequence.rules.redeem-once.within=1h",
            "abuse-guard.sequence.rules.enrol-once.operation=POST /enrol",
            "abuse-guard.sequence.rules.enrol-once.forbids=POST /enrol",
            "abuse-guard.sequence.rules.enrol-once.within=1h",
            "abuse-guard.sequence.rules.export-once.operation=POST /export",
            "abuse-guard.sequence.rules.export-once.forbids=POST /export",
            "abuse-guard.sequence.rules.export-once.within=1h",
            "abuse-guard.sequence.rules.reveal-once.operation=GET /reveal",
            "abuse-guard.sequence.rules.reveal-once.forbids=GET /reveal",
            "abuse-guard.sequence.rules.reveal-once.within=1h",
            "abuse-guard.failure.rules.login.paths=/login",
            "abuse-guard.failure.rules.login.methods=POST",
            "abuse-guard.failure.rules.login.statuses=4xx",
            "abuse-guard.failure.rules.login.max-retry=2",
        })
class HandlerStatusOnServerTest {
    private static final String XML = "application/xml";

    @LocalServerPort
    int port;

    @Autowired
    Steps steps;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aOnceOnlyPostAskedForAsXmlRunsItsHandlerOnce() throws Exception {
        HttpResponse<String> first = post("/redeem", "redeemer", XML, "{}");
        HttpResponse<String> second = post("/redeem", "redeemer", XML, "{}");

        assertThat(first.statusCode())
                .as("Spring cannot write the answer as XML")
                .isEqualTo(406);
        assertThat(second.statusCode()).isEqualTo(403);
        assertThat(second.body()).contains("forbidden-sequence");
        assertThat(steps.redeemed.get()).as("the handler ran once").isEqualTo(1);
        assertThat(post("/redeem", "redeemer", "application/json", "{}").statusCode())
                .isEqualTo(403);
        assertThat(steps.redeemed.get()).isEqualTo(1);

        assertThat(post("/redeem", "another", "application/json", "{}").statusCode())
                .as("another session")
                .isEqualTo(200);
        assertThat(steps.redeemed.get()).isEqualTo(2);
    }

    @Test
    void aOnceOnlyResponseEntityAskedForAsXmlRunsItsHandlerOnce() throws Exception {
        assertThat(post("/enrol", "enroller", XML, "{}").statusCode()).isEqualTo(406);
        assertThat(post("/enrol", "enroller", XML, "{}").statusCode()).isEqualTo(403);
        assertThat(steps.enrolled.get()).isEqualTo(1);
    }

    /**
     * Spring answers 500 when the handler's value cannot be serialised: the handler's work is done, so the
     * step is taken (a 500 nobody says the handler got past would let it be retried).
     */
    @Test
    void aOnceOnlyStepWhoseAnswerCannotBeWrittenIsTaken() throws Exception {
        assertThat(post("/export", "exporter", "application/json", "{}").statusCode())
                .isEqualTo(500);
        assertThat(post("/export", "exporter", "application/json", "{}").statusCode())
                .isEqualTo(403);
        assertThat(steps.exported.get()).isEqualTo(1);
    }

    @Test
    void rightPasswordsAnswered406AreSuccessesWhileWrongOnesStillCountAsFailures() throws Exception {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> right = post("/login", "user", XML, "{\"password\":\"right\"}");
            assertThat(right.statusCode()).as("right password %d as XML", i).isEqualTo(406);
        }
        assertThat(steps.loggedIn.get())
                .as("four right passwords asked for as XML: no failures under a rule counting 4xx")
                .isEqualTo(4);

        assertThat(post("/login", "user", XML, "{\"password\":\"wrong\"}").statusCode())
                .isEqualTo(401);
        assertThat(post("/login", "user", XML, "{\"password\":\"wrong\"}").statusCode())
                .isEqualTo(401);
        assertThat(post("/login", "user", "application/json", "{\"password\":\"right\"}")
                        .statusCode())
                .as("two wrong passwords, asked for as XML too, are the rule's two failures")
                .isEqualTo(429);
        assertThat(steps.loggedIn.get()).isEqualTo(4);
    }

    @Test
    void aHeadRunsTheGetHandlerSoItIsTheGetStepOfAOnceOnlyRule() throws Exception {
        assertThat(send("GET", "/reveal", "get-first").statusCode()).isEqualTo(200);
        assertThat(send("HEAD", "/reveal", "get-first").statusCode()).isEqualTo(403);

        HttpResponse<String> head = send("HEAD", "/reveal", "head-first");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(send("GET", "/reveal", "head-first").statusCode()).isEqualTo(403);
        assertThat(send("HEAD", "/reveal", "head-first").statusCode()).isEqualTo(403);

        assertThat(steps.revealed.get()).as("one run per session").isEqualTo(2);
    }

    private HttpResponse<String> post(String path, String session, String accept, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + session)
                        .header("Content-Type", "application/json")
                        .header("Accept", accept)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String session) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + session)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Steps.class)
    static class App {}

    /** Once-only steps and a login that count how often their handler ran. */
    @RestController
    static class Steps {
        final AtomicInteger redeemed = new AtomicInteger();
        final AtomicInteger enrolled = new AtomicInteger();
        final AtomicInteger loggedIn = new AtomicInteger();
        final AtomicInteger revealed = new AtomicInteger();
        final AtomicInteger exported = new AtomicInteger();

        @PostMapping("/redeem")
        Map<String, Object> redeem() {
            return Map.of("redeemed", redeemed.incrementAndGet());
        }

        @PostMapping("/enrol")
        ResponseEntity<Map<String, Object>> enrol() {
            return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("enrolled", enrolled.incrementAndGet()));
        }

        @PostMapping("/login")
        Map<String, Object> login(@RequestBody Map<String, String> credentials) {
            if (!"right".equals(credentials.get("password"))) {
                throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "wrong password");
            }
            return Map.of("token", "t" + loggedIn.incrementAndGet());
        }

        @PostMapping("/export")
        Unwritable export() {
            exported.incrementAndGet();
            return new Unwritable();
        }

        @GetMapping("/reveal")
        Map<String, Object> reveal() {
            return Map.of("secret", revealed.incrementAndGet());
        }
    }

    /** A value Jackson fails on while writing it. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("cannot be written");
        }
    }
}
