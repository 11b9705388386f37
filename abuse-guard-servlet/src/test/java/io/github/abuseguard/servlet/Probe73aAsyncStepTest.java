package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
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
 * probe73a: a step a later request is judged by is recorded as its answer is committed (probe71c F3), watched through
 * the response the filter passes on. A servlet that answers asynchronously with {@code request.startAsync()} (no
 * arguments) writes to the container's own response, as the Servlet specification has it, past the watcher: the step
 * is recorded only when the async exchange completes, after the client already has its whole answer. An honest
 * client's next step, sent the instant the verify's answer arrives, is refused.
 */
class Probe73aAsyncStepTest {
    private static final byte[] VERIFIED = "verified".getBytes(StandardCharsets.UTF_8);

    private volatile CountDownLatch cardAsked = new CountDownLatch(1);
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
                .engine(AbuseGuard.builder().guard(sequence).build())
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
                        CountDownLatch held = cardAsked;
                        AsyncContext async = request.getParameter("wrapped") != null
                                ? request.startAsync(request, response)
                                : request.startAsync();
                        async.start(() -> {
                            try {
                                ServletResponse answer = async.getResponse();
                                answer.setContentType("text/plain");
                                answer.setContentLength(VERIFIED.length);
                                answer.getOutputStream().write(VERIFIED);
                                answer.flushBuffer();
                                // the client has its whole answer; the exchange ends a moment later (a log
                                // write, a slow clean-up, a long poll's bookkeeping)
                                held.await(30, TimeUnit.SECONDS);
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

    private int post(String pathAndQuery) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(tomcat.uri(pathAndQuery))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return answer.statusCode();
    }

    /** Held: the application passes the filter's response on to startAsync. */
    @Test
    void aCardRightAfterAnAsyncVerifyOnTheResponsePassedOnFindsIt() throws Exception {
        try {
            assertThat(post("/verify?wrapped")).isEqualTo(200);
            assertThat(post("/card")).isEqualTo(200);
        } finally {
            cardAsked.countDown();
        }
    }

    @Test
    void aCardRightAfterAnAsyncVerifyFindsIt() throws Exception {
        try {
            assertThat(post("/verify")).isEqualTo(200);
            assertThat(post("/card"))
                    .as("the client has its 200 verify; the step is recorded only when the async exchange ends")
                    .isEqualTo(200);
        } finally {
            cardAsked.countDown();
        }
    }
}
