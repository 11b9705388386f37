package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RateLimit;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.ServletRequestUtils;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code refundStatuses} on a real Tomcat: what the handler refused gives its token back (probe44a F7), and what
 * Spring refused after the handler ran does not (review44 F4: a {@code 406} for an {@code Accept} the answer
 * cannot be written in came after the account was opened).
 */
@SpringBootTest(
        classes = RefundStatusesOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RefundStatusesOnServerTest {
    static final AtomicInteger OPENED = new AtomicInteger();
    static final AtomicInteger SENT = new AtomicInteger();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theHandlersRefusalsAreRefundedAndWhatItDidIsNot() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(send("bad", "application/json"))
                    .as("refused by the handler")
                    .isEqualTo(400);
        }
        assertThat(OPENED).hasValue(0);
        for (int i = 0; i < 2; i++) {
            assertThat(send("ok", "application/xml"))
                    .as("the handler ran, Spring refused the answer")
                    .isEqualTo(406);
        }
        assertThat(OPENED).hasValue(2);
        assertThat(send("ok", "application/json")).as("the third opening").isEqualTo(200);
        assertThat(send("ok", "application/json")).as("the limit of three").isEqualTo(429);
        assertThat(OPENED).hasValue(3);
    }

    /**
     * probe46b F2: a rule keyed by a mailbox was charged for requests Spring MVC answered without running the
     * sign-up handler (a trailing slash: 404; a body type the handler does not consume: 415), so strangers spent
     * an inbox's sign-ups without opening anything. Those are given back; the handler's own sign-ups are not.
     */
    @Test
    void aMailboxIsNotChargedForRequestsNoHandlerRan() throws Exception {
        String victim = "{\"email\":\"victim@example.org\"}";
        for (int i = 0; i < 3; i++) {
            assertThat(signUp("/signup/", "application/json", victim))
                    .as("no handler: 404")
                    .isEqualTo(404);
            assertThat(signUp("/signup", "text/plain", victim))
                    .as("no handler: 415")
                    .isEqualTo(415);
        }
        assertThat(signUp("/signup", "application/json", victim)).isEqualTo(200);
        assertThat(signUp("/signup", "application/json", victim)).isEqualTo(200);
        assertThat(signUp("/signup", "application/json", victim))
                .as("the limit of two still holds the handler's sign-ups")
                .isEqualTo(429);
    }

    /**
     * review46b F3: a handler without {@code consumes} matches a {@code text/plain} request, and Spring refuses it
     * 415 before the handler's body runs: the mailbox is given back all the same.
     */
    @Test
    void aMailboxIsNotChargedForA415OfAHandlerWithoutConsumes() throws Exception {
        String victim = "{\"email\":\"other-victim@example.org\"}";
        for (int i = 0; i < 3; i++) {
            assertThat(signUp("/signup-any", "text/plain", victim)).isEqualTo(415);
        }
        assertThat(signUp("/signup-any", "application/json", victim)).isEqualTo(200);
        assertThat(signUp("/signup-any", "application/json", victim)).isEqualTo(200);
        assertThat(signUp("/signup-any", "application/json", victim)).isEqualTo(429);
    }

    /**
     * review47 F3: a handler that did its work and then threw a binding exception itself (Spring's {@code
     * ServletRequestUtils.getRequiredIntParameter}) was taken for one refused before its body ran: every such
     * request was refunded, five mails sent against a limit of two a day.
     */
    @Test
    void aMailboxIsChargedWhenTheHandlersBodyThrewABindingException() throws Exception {
        String victim = "{\"email\":\"paged-victim@example.org\"}";
        int before = SENT.get();
        for (int i = 0; i < 2; i++) {
            assertThat(signUp("/mail-paged", "application/json", victim)).isEqualTo(400);
        }
        assertThat(signUp("/mail-paged", "application/json", victim)).isEqualTo(429);
        assertThat(SENT.get() - before).as("mails sent").isEqualTo(2);
    }

    private int signUp(String path, String type, String body) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Content-Type", type)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private int send(String what, String accept) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/open?what=" + what))
                                .header("Accept", accept)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Handlers.class)
    static class App {}

    @RestController
    static class Handlers {
        @RateLimit(name = "mailbox-sign-ups-any-type", key = "mailbox:/email", capacity = 2, period = "1d")
        @PostMapping(path = "/signup-any")
        Map<String, String> signUpAnyType(
                @org.springframework.web.bind.annotation.RequestBody Map<String, String> form) {
            return Map.of("signed-up", form.get("email"));
        }

        @RateLimit(name = "mailbox-sign-ups", key = "mailbox:/email", capacity = 2, period = "1d")
        @PostMapping(path = "/signup", consumes = "application/json")
        Map<String, String> signUp(@org.springframework.web.bind.annotation.RequestBody Map<String, String> form) {
            return Map.of("signed-up", form.get("email"));
        }

        @RateLimit(name = "mailbox-paged", key = "mailbox:/email", capacity = 2, period = "1d")
        @PostMapping(path = "/mail-paged", consumes = "application/json")
        Map<String, String> mailPaged(
                @org.springframework.web.bind.annotation.RequestBody Map<String, String> form,
                HttpServletRequest request)
                throws ServletRequestBindingException {
            SENT.incrementAndGet(); // the mail goes out
            int page = ServletRequestUtils.getRequiredIntParameter(request, "page");
            return Map.of("sent", form.get("email"), "page", String.valueOf(page));
        }

        @RateLimit(name = "openings", key = "ip", capacity = 3, period = "1d", refundStatuses = "4xx")
        @PostMapping(path = "/open")
        Map<String, String> open(@RequestParam String what) {
            if (what.equals("bad")) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "no");
            }
            OPENED.incrementAndGet();
            return Map.of("opened", what);
        }
    }
}
