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
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real Tomcat, one address that sends many bodies slowly (probe29 F1: headers and the start of a JSON
 * body, then nothing) holds at most {@code max-concurrent-reads-per-client} request threads in the guard's
 * body read: its further requests are answered 429 at once, another address is still served, and the
 * count of reads comes back to zero once the connections end, however they end.
 */
class SlowBodiesTest {
    private static final int BOUND = 3;
    private static final int EXTRA = 2;
    private static final String SLOW_ADDRESS = "127.0.0.1";
    private static final String OTHER_ADDRESS = "127.0.0.2";

    private final List<Socket> sockets = new ArrayList<>();
    private TestTomcat tomcat;
    private AbuseGuardFilter filter;
    private int port;

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @ParameterizedTest(name = "refuse unreadable bodies: {0}")
    @ValueSource(booleans = {true, false})
    void oneAddressSendingBodiesSlowlyHoldsOnlyItsShareOfThreads(boolean refuseUnreadable) throws Exception {
        start(refuseUnreadable);
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < BOUND; i++) {
            held.add(startSlowBody(SLOW_ADDRESS));
        }
        await(() -> filter.bodyReadsInFlight()[0] == BOUND, "the first " + BOUND + " bodies are being read");

        for (int i = 0; i < EXTRA; i++) {
            String refused = answer(startSlowBody(SLOW_ADDRESS));
            assertThat(refused)
                    .startsWith("HTTP/1.1 429")
                    .contains("Retry-After: 1")
                    .contains("\"reason\":\"too-many-body-reads\"");
        }
        assertThat(filter.bodyReadsInFlight()).containsExactly(BOUND, 1);
        assertThat(answer(wholeBody(OTHER_ADDRESS, "carol")))
                .startsWith("HTTP/1.1 200")
                .contains("user=carol");

        // the held ones end: the client hangs up on one, and sends the rest of the others' bodies
        held.get(0).close();
        for (Socket socket : held.subList(1, BOUND)) {
            socket.getOutputStream().write(utf8("bob\"}"));
            assertThat(answer(socket)).startsWith("HTTP/1.1 200").contains("user=bob");
        }
        await(() -> filter.bodyReadsInFlight()[0] == 0, "every read is given back");
        assertThat(filter.bodyReadsInFlight()).containsExactly(0, 0);

        // nothing leaked: the address has its whole share again
        for (int i = 0; i < BOUND; i++) {
            startSlowBody(SLOW_ADDRESS);
        }
        await(() -> filter.bodyReadsInFlight()[0] == BOUND, "the address's whole share is being read again");
        assertThat(answer(startSlowBody(SLOW_ADDRESS))).startsWith("HTTP/1.1 429");
    }

    private void start(boolean refuseUnreadable) throws Exception {
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("per-user")
                        .path("/**")
                        .key("body:/username")
                        .limit(Limit.of(1_000, Duration.ofHours(1)))
                        .build())
                .build();
        filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(limits).build())
                .maxBodyBytes(64 * 1024)
                .refuseUnreadableBody(refuseUnreadable)
                .maxConcurrentReadsPerClient(BOUND)
                .build();
        tomcat = new TestTomcat()
                .filter("guard", filter)
                .servlet("app", "/*", new UserServlet())
                .start();
        port = tomcat.port();
    }

    /** A connection from {@code address} that sends the headers of an 18-byte JSON body and only its first 13 bytes. */
    private Socket startSlowBody(String address) throws IOException {
        Socket socket = connect(address);
        socket.getOutputStream()
                .write(utf8("POST /api/transform HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 18\r\nConnection: close\r\n\r\n{\"username\":\""));
        socket.getOutputStream().flush();
        return socket;
    }

    private Socket wholeBody(String address, String user) throws IOException {
        Socket socket = connect(address);
        byte[] body = utf8("{\"username\":\"" + user + "\"}");
        socket.getOutputStream()
                .write(utf8("POST /api/transform HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n"));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        return socket;
    }

    private Socket connect(String address) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static String answer(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Waits for what the server does on its own threads; a test that never gets there fails after a minute. */
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("never: %s", what).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Answers with the user the body names, after reading all of it. */
    static final class UserServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String body;
            try (InputStream in = request.getInputStream()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            response.setContentType("text/plain");
            response.getWriter().print("user=" + body.replaceAll(".*\"username\":\"([^\"]*)\".*", "$1"));
        }
    }
}
