package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.store.LocalStateStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * review128: the commit watcher records a sequence step as "surely committed" in two cases where Tomcat (the
 * Spring Boot default) has sent nothing yet, so a handler that then fails is answered 500 by the container while
 * the step stays recorded as the 200 it had set (review127 F1 again):
 * <ul>
 *   <li>F1: characters written through the writer beyond the byte buffer's size: Tomcat's writer keeps a character
 *       buffer of the same size in front of its byte buffer, so up to twice the buffer stays unsent;</li>
 *   <li>F2: bytes written before {@code resetBuffer()}/{@code reset()} are still counted after it.</li>
 * </ul>
 */
class Review128StepAtCommitTest {

    /** Tomcat's default response buffer is 8 KB: 9,000 ASCII characters are past it, fewer than twice it. */
    private static final String PAST_THE_BUFFER = "x".repeat(9_000);

    private static PrecedenceRule rule(String name, PrecedenceRule.Kind kind, String operation, String prior) {
        return new PrecedenceRule(name, kind, operation, prior, 2, Duration.ofMinutes(30), Duration.ZERO, "test");
    }

    private static SequenceGuard sequence(PrecedenceRule rule) {
        LocalStateStore store = LocalStateStore.builder().build();
        return SequenceGuard.builder()
                .trails(store.trails("sequence", 20, Duration.ofMinutes(30)))
                .inventory(EndpointInventory.withDefaults(io.github.abuseguard.TimeSource.system()))
                .rule(rule)
                .build();
    }

    private interface Failing {
        void answer(HttpServletResponse response) throws IOException;
    }

    /** POST /verify?fail answers with {@code failing}, then throws; anything else answers 200 "ok". */
    private static TestTomcat tomcat(SequenceGuard sequence, Failing failing) throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(sequence).build())
                .build();
        return new TestTomcat()
                .filter("guard", filter)
                .servlet("app", "/*", new HttpServlet() {
                    @Override
                    protected void service(HttpServletRequest request, HttpServletResponse response)
                            throws IOException {
                        response.setStatus(200);
                        response.setContentType("text/plain;charset=UTF-8");
                        if (request.getParameter("fail") != null) {
                            failing.answer(response);
                            throw new IllegalStateException("the step failed after writing part of its answer");
                        }
                        response.getWriter().write("ok");
                    }
                })
                .start();
    }

    private static int post(TestTomcat tomcat, String pathAndQuery) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(tomcat.uri(pathAndQuery))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static void assertCardRefusedAfterFailedVerify(Failing failing) throws Exception {
        TestTomcat tomcat = tomcat(
                sequence(rule("card-after-verify", PrecedenceRule.Kind.REQUIRES, "POST /card", "POST /verify")),
                failing);
        try {
            assertThat(post(tomcat, "/verify?fail")).as("the verify's answer").isEqualTo(500);
            assertThat(post(tomcat, "/card"))
                    .as("a card after a verify the client was answered 500 for")
                    .isEqualTo(403);
        } finally {
            tomcat.close();
        }
    }

    /** F1: 9,000 characters through Tomcat's writer are past the 8 KB buffer, yet nothing is sent. */
    @Test
    void f1WriterPastTheByteBufferIsNotCommittedOnTomcat() throws Exception {
        assertCardRefusedAfterFailedVerify(response -> response.getWriter().write(PAST_THE_BUFFER));
    }

    /** F1, once-only: the user who retries a redeem answered 500 is refused for the rest of the window. */
    @Test
    void f1OnceOnlyStepAnswered500AfterALongWriterBodyMayBeRetried() throws Exception {
        TestTomcat tomcat = tomcat(
                sequence(rule("redeem-once", PrecedenceRule.Kind.FORBIDS, "POST /verify", "POST /verify")),
                response -> response.getWriter().write(PAST_THE_BUFFER));
        try {
            assertThat(post(tomcat, "/verify?fail")).as("the redeem's answer").isEqualTo(500);
            assertThat(post(tomcat, "/verify"))
                    .as("the user retries a redeem that failed with 500")
                    .isEqualTo(200);
        } finally {
            tomcat.close();
        }
    }

    /** F2: the bytes of a buffer the application reset are counted still; the new body alone is far from full. */
    @Test
    void f2BytesDiscardedByResetBufferStillCount() throws Exception {
        assertCardRefusedAfterFailedVerify(response -> {
            response.getOutputStream().write(new byte[6_000]);
            response.resetBuffer(); // the page started is thrown away: nothing of it was sent
            response.getOutputStream().write(new byte[3_000]); // 3,000 bytes in an 8 KB buffer: nothing sent
        });
    }

    /** F2, reset(): the Content-Length declared before it is gone from the response, not from the watcher. */
    @Test
    void f2ALengthDeclaredBeforeResetStillCounts() throws Exception {
        assertCardRefusedAfterFailedVerify(response -> {
            response.setContentLength(100);
            response.getOutputStream().write(new byte[10]);
            response.reset(); // headers and body dropped: no Content-Length any more, nothing sent
            response.setStatus(200);
            response.setContentType("text/plain");
            response.getOutputStream().write(new byte[100]); // 100 bytes of an 8 KB buffer: nothing sent
        });
    }
}
