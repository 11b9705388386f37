package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.store.LocalStateStore;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * review129 F2: probe73a F3 (a step answered through the application's own no-argument {@code startAsync()} is heard
 * only when the exchange ends) is fixed for a request passed straight on, by wrapping the request the filter passes
 * on. A request the tarpit holds under {@code then: pass} and passes on after the delay is not wrapped so (only a
 * request that was a {@link WrappingRequest} already is told the response): the application's {@code startAsync()}
 * in the tarpit's dispatch starts with the container's response, past the commit watcher the tarpit was given.
 */
class Review129TarpitAsyncStepTest {
    private static final byte[] VERIFIED = "verified".getBytes(StandardCharsets.UTF_8);

    /** Tarpits every request that carries {@code X-Tarpit}. */
    private static final Guard TARPIT = new Guard() {
        @Override
        public String name() {
            return "tarpit";
        }

        @Override
        public Decision check(GuardRequest request) {
            return request.header("X-Tarpit") == null
                    ? Decision.allow()
                    : Decision.deny(Action.TARPIT)
                            .guard("tarpit")
                            .reason("slow-down")
                            .build();
        }
    };

    private final CountDownLatch cardAsked = new CountDownLatch(1);
    private TestTomcat tomcat;

    @BeforeEach
    void start() throws Exception {
        SequenceGuard sequence = SequenceGuard.builder()
                .trails(LocalStateStore.builder().build().trails("sequence", 20, Duration.ofMinutes(30)))
                .inventory(EndpointInventory.withDefaults(io.github.abuseguard.TimeSource.system()))
                .rule(new PrecedenceRule(
                        "card-after-verify",
                        PrecedenceRule.Kind.REQUIRES,
                        "POST /card",
                        "POST /verify",
                        2,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "test"))
                .build();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(sequence).guard(TARPIT).build())
                .tarpit(Duration.ofMillis(1), AbuseGuardFilter.AfterTarpit.PASS, 10)
                .build();
        tomcat = new TestTomcat()
                .filter("guard", filter)
                .servlet("app", "/*", new HttpServlet() {
                    @Override
                    protected void service(HttpServletRequest request, HttpServletResponse response)
                            throws IOException {
                        if (!request.getRequestURI().equals("/verify")) {
                            response.getWriter().write("card added");
                            return;
                        }
                        AsyncContext async = request.startAsync();
                        async.start(() -> {
                            try {
                                ServletResponse answer = async.getResponse();
                                answer.setContentType("text/plain");
                                answer.setContentLength(VERIFIED.length);
                                answer.getOutputStream().write(VERIFIED);
                                answer.flushBuffer();
                                // the client has its whole answer; the exchange ends a moment later
                                cardAsked.await(30, TimeUnit.SECONDS);
                            } catch (IOException | InterruptedException e) {
                                throw new IllegalStateException(e);
                            } finally {
                                async.complete();
                            }
                        });
                    }
                })
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        cardAsked.countDown();
        tomcat.close();
    }

    private int post(String path, boolean tarpitted) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(tomcat.uri(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (tarpitted) {
            request.header("X-Tarpit", "1");
        }
        return HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** Held: the same verify, not tarpitted. */
    @Test
    void aCardRightAfterAnAsyncVerifyFindsIt() throws Exception {
        assertThat(post("/verify", false)).isEqualTo(200);
        assertThat(post("/card", false)).isEqualTo(200);
    }

    @Test
    void aCardRightAfterAnAsyncVerifyTheTarpitPassedOnFindsIt() throws Exception {
        assertThat(post("/verify", true)).isEqualTo(200);
        assertThat(post("/card", false))
                .as("the client has its 200 verify, which the tarpit passed on; the step is heard only when the"
                        + " async exchange ends")
                .isEqualTo(200);
    }
}
