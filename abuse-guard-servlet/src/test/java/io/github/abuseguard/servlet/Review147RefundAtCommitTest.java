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
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * review147 F1: a refunding rule hears the answer's status at commit (probe82a F1), but the commit watcher settles a
 * writer's characters only past the byte buffer plus Tomcat's character buffer (16,384 characters), a bound that
 * holds for one byte a character alone. A page in any script beyond Latin (Cyrillic, Greek, CJK: 2 to 3 bytes a
 * character in UTF-8) commits once Tomcat's 8,192-character buffer spills into the 8 KB byte buffer: 10,000 such
 * characters are sent, and block on a client that does not read, before the watcher is sure of anything. The refund
 * is then heard only when the write gives up, as before the fix: one unread 404 keeps its token spent.
 */
class Review147RefundAtCommitTest {

    /** 10,000 characters: fewer than the watcher's 16,384, yet 30,000 bytes in UTF-8. */
    private static final String WIDE_PAGE = "\u8a8d".repeat(10_000);

    private interface Answer {
        void write(HttpServletResponse response) throws IOException;
    }

    private static TestTomcat tomcat(Answer answer) throws Exception {
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("sign-up")
                        .path("/signup")
                        .key("ip")
                        .limit(Limit.of(1, Duration.ofHours(1)))
                        .refundStatuses("404")
                        .build())
                .build();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(limits).build())
                .build();
        TestTomcat tomcat = new TestTomcat();
        // the send buffer a server has for a peer on the Internet whose window stays shut (probe82a)
        tomcat.connector().setProperty("socket.txBufSize", "23040");
        return tomcat.filter("guard", filter)
                .servlet("app", "/*", new HttpServlet() {
                    @Override
                    protected void service(HttpServletRequest request, HttpServletResponse response)
                            throws IOException {
                        response.setStatus(404); // no such invitation: given back
                        response.setContentType("text/html;charset=UTF-8");
                        answer.write(response);
                    }
                })
                .start();
    }

    private static void assertUnreadAnswerGivesItsTokenBack(Answer answer) throws Exception {
        TestTomcat tomcat = tomcat(answer);
        try (Socket unread = new Socket()) {
            unread.setReceiveBufferSize(1024);
            unread.connect(new InetSocketAddress("127.0.0.1", tomcat.port()), 10_000);
            OutputStream out = unread.getOutputStream();
            for (int i = 0; i < 3; i++) {
                out.write(("POST /signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
            awaitAnswerHeldInTheFilter();

            int status = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(tomcat.uri("/signup"))
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            assertThat(status)
                    .as("the next sign-up of the address while its 404s, all refundable, wait to be read")
                    .isEqualTo(404);
        } finally {
            tomcat.close();
        }
    }

    /** Control: bytes past the buffer are settled before the write; the 404's token is back. Passes. */
    @Test
    void bytesPastTheBufferGiveTheTokenBackBeforeTheWriteWaits() throws Exception {
        assertUnreadAnswerGivesItsTokenBack(
                response -> response.getOutputStream().write(WIDE_PAGE.getBytes(StandardCharsets.UTF_8)));
    }

    /** F1: the same page through the writer: committed and waiting, the token still spent. */
    @Test
    void wideCharactersThroughTheWriterGiveTheTokenBackBeforeTheWriteWaits() throws Exception {
        assertUnreadAnswerGivesItsTokenBack(response -> response.getWriter().write(WIDE_PAGE));
    }

    /**
     * F1, any page: one character beyond ASCII (a footer's copyright sign) in 10,000 makes the first 8,192 characters
     * 8,193 bytes, past the byte buffer: a template's ordinary page commits unnoticed too.
     */
    @Test
    void aMostlyAsciiPageThroughTheWriterGivesTheTokenBackBeforeTheWriteWaits() throws Exception {
        assertUnreadAnswerGivesItsTokenBack(response -> {
            response.getWriter().write("\u00a9 Example Ltd. ");
            response.getWriter().write("x".repeat(10_000));
        });
    }

    /** Waits until a request thread is blocked writing an answer inside the guard's filter (the attack in place). */
    private static void awaitAnswerHeldInTheFilter() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
                String frames = Arrays.toString(stack);
                if (frames.contains("doWrite") && frames.contains("AbuseGuardFilter.doFilter")) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no answer held in a write inside the filter");
    }
}
