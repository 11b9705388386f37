package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
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
 * review148 F1: since e326d90d a refunding rule is settled at the first write that MAY send the answer, counting four
 * bytes a character: 2,048 characters through the writer reach Tomcat's 8 KB buffer. Nothing has left then (Tomcat
 * holds 8,192 characters, and the bytes are ASCII), and the application is still free to answer another status. The
 * refund is decided on the status of that moment, and the status the client does receive is never heard again: a
 * page begun as 200 and then answered {@code sendError(404)}, a template that sets its 404 after its layout's head,
 * a page that fails half-way (the container's 500), each keeps a refundable request's token spent. Before e326d90d
 * (c543ed0f) the refund waited for the sure commit or the end of the exchange, and each of these was given back.
 */
class Review148RefundOnALaterStatusTest {

    /** A layout's head: 3,000 ASCII characters, all of it still in Tomcat's buffers. */
    private static final String HEAD = "<!doctype html><html><head>" + "x".repeat(3_000);

    private interface Answer {
        void write(HttpServletRequest request, HttpServletResponse response) throws IOException;
    }

    private static TestTomcat tomcat(String refundStatuses, Answer answer) throws Exception {
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("sign-up")
                        .path("/signup")
                        .key("ip")
                        .limit(Limit.of(1, Duration.ofHours(1)))
                        .refundStatuses(refundStatuses)
                        .build())
                .build();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(limits).build())
                .build();
        return new TestTomcat()
                .filter("guard", filter)
                .servlet("app", "/*", new HttpServlet() {
                    @Override
                    protected void service(HttpServletRequest request, HttpServletResponse response)
                            throws IOException {
                        response.setContentType("text/html;charset=UTF-8");
                        answer.write(request, response);
                    }
                })
                .start();
    }

    /** Three sign-ups of one address, each answered {@code expected} (refundable): the limit of 1 is never spent. */
    private static void assertEachAnswerGivesItsTokenBack(String refundStatuses, int expected, Answer answer)
            throws Exception {
        try (TestTomcat tomcat = tomcat(refundStatuses, answer)) {
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 1; i <= 3; i++) {
                int status = client.send(
                                HttpRequest.newBuilder(tomcat.uri("/signup"))
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                assertThat(status)
                        .as(
                                "sign-up %d: each earlier one was answered %d, which refundStatuses %s give back",
                                i, expected, refundStatuses)
                        .isEqualTo(expected);
            }
        }
    }

    /** The page was begun, then the application found no such invitation: sendError(404) drops the head. */
    @Test
    void aPageAnsweredSendErrorAfterItsHeadGivesTheTokenBack() throws Exception {
        assertEachAnswerGivesItsTokenBack("404", 404, (request, response) -> {
            response.getWriter().write(HEAD);
            response.sendError(404);
        });
    }

    /** A template that sets its status where it finds out, after the layout's head (a JSP's {@code setStatus}). */
    @Test
    void aTemplateThatSetsItsStatusAfterItsHeadGivesTheTokenBack() throws Exception {
        assertEachAnswerGivesItsTokenBack("404", 404, (request, response) -> {
            response.getWriter().write(HEAD);
            response.setStatus(404);
            response.getWriter().write("<body>No such invitation</body></html>");
        });
    }

    /** The page fails half-way, before anything was sent: the container answers 500, which the rule gives back. */
    @Test
    void aPageThatFailsAfterItsHeadGivesTheTokenBackOfItsServerError() throws Exception {
        assertEachAnswerGivesItsTokenBack("500", 500, (request, response) -> {
            response.getWriter().write(HEAD);
            throw new IllegalStateException("the template failed");
        });
    }

    /**
     * The other way: a page begun as "not found" (404, refundable) that the application then answers as a success
     * before anything left (resetBuffer and 201: an invitation found on a second look-up) is given back, and the
     * address signs up again at once past its limit of 1.
     */
    @Test
    void aPageBegunRefundableAndAnsweredASuccessSpendsTheToken() throws Exception {
        try (TestTomcat tomcat = tomcat("404", (request, response) -> {
            response.setStatus(404);
            response.getWriter().write(HEAD);
            response.resetBuffer();
            response.setStatus(201);
            response.getWriter().write("<body>Welcome</body></html>");
        })) {
            HttpClient client = HttpClient.newHttpClient();
            int[] statuses = new int[2];
            for (int i = 0; i < 2; i++) {
                statuses[i] = client.send(
                                HttpRequest.newBuilder(tomcat.uri("/signup"))
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            }
            assertThat(statuses)
                    .as("a limit of 1: the first sign-up succeeded (201), the second is refused")
                    .containsExactly(201, 429);
        }
    }

    /**
     * Control: the same head through the output stream (a byte counts one byte, so 3,000 bytes do not reach the
     * buffer) is given back after {@code sendError(404)}. Passes.
     */
    @Test
    void controlBytesAnsweredSendErrorAfterTheHeadGiveTheTokenBack() throws Exception {
        assertEachAnswerGivesItsTokenBack("404", 404, (request, response) -> {
            response.getOutputStream().write(HEAD.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            response.sendError(404);
        });
    }
}
