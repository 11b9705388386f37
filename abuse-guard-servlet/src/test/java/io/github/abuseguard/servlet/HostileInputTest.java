package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests an attacker would send, written byte by byte on a socket. Whatever the container makes of
 * them, the guard never turns one into a 500, and a request that reaches the application keeps its body.
 */
class HostileInputTest {
    private static TestServer server;
    private static final AtomicInteger checks = new AtomicInteger();
    private static final List<GuardEvent> failures = new CopyOnWriteArrayList<>();

    /** A guard that touches everything a guard can touch: headers, client, body fields, query. */
    private static final Guard curious = new Guard() {
        @Override
        public String name() {
            return "curious";
        }

        @Override
        public Decision check(GuardRequest request) {
            checks.incrementAndGet();
            request.client();
            request.header("User-Agent");
            request.headers("X-Forwarded-For");
            request.queryParameter("q");
            request.bodyField("/email");
            request.body().field("/email");
            request.route();
            return Decision.allow();
        }
    };

    @BeforeAll
    static void start() throws Exception {
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("by-key")
                        .path("/**")
                        .key("ip+header:X-Api-Key+body:/email")
                        .limit(Limit.of(10_000, Duration.ofMinutes(1)))
                        .build())
                .build();
        server = new TestServer(AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(curious)
                        .guard(limits)
                        .listener(new GuardListener() {
                            @Override
                            public void onEvent(GuardEvent event) {
                                if (event.kind() == GuardEvent.Kind.FAILED) {
                                    failures.add(event);
                                }
                            }
                        })
                        .build())
                .clientResolver(
                        ClientResolver.builder().trustedProxies("127.0.0.1").build())
                .maxBodyBytes(64)
                .build());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /**
     * Each hostile request, and whether the container lets it reach the filter at all (Jetty answers a
     * malformed request line itself, before any filter runs).
     */
    static Stream<Arguments> hostileRequests() {
        String body = "{\"email\":\"\u00ff\u00fe\",\"pad\":\"" + "z".repeat(500) + "\"}";
        return Stream.of(
                Arguments.of("bad percent-encoding in the path", "GET /api/%zz%e0 HTTP/1.1\r\n\r\n", false),
                Arguments.of("bad percent-encoding in the query", "GET /api/x?q=%zz&%=% HTTP/1.1\r\n\r\n", true),
                Arguments.of("non-UTF-8 bytes in the path", "GET /api/\u00ff\u00fe HTTP/1.1\r\n\r\n", false),
                Arguments.of("an encoded slash and dot segments", "GET /api/%2e%2e/%2fadmin HTTP/1.1\r\n\r\n", false),
                Arguments.of(
                        "non-UTF-8 bytes in headers",
                        "GET /api/x HTTP/1.1\r\nUser-Agent: \u00ff\u00fe\r\n"
                                + "X-Forwarded-For: \u00ff, 1.2.3.4:99999, [::1\r\nX-Api-Key: \u00e9\r\n\r\n",
                        true),
                Arguments.of(
                        "an oversize header",
                        "GET /api/x HTTP/1.1\r\nX-Api-Key: " + "k".repeat(70_000) + "\r\n\r\n",
                        false),
                Arguments.of(
                        "a huge forwarded chain",
                        "GET /api/x HTTP/1.1\r\nX-Forwarded-For: " + "10.0.0.1, ".repeat(600) + "1.2.3.4\r\n\r\n",
                        true),
                Arguments.of(
                        "IP literals that a resolver would look up, behind the trusted proxy",
                        "GET /api/x HTTP/1.1\r\nX-Forwarded-For: .::1, example.com, 1.2.3.4.5, ::ffff:1.2.3\r\n"
                                + "Forwarded: for=\"[.::1]\";proto=http, for=localhost\r\n\r\n",
                        true),
                Arguments.of(
                        "a body past the cap with non-UTF-8 bytes",
                        "POST /api/x HTTP/1.1\r\n" + "Content-Type: application/json\r\nContent-Length: "
                                + body.length() + "\r\n\r\n" + body,
                        true),
                Arguments.of(
                        "a form body with bad encoding",
                        "POST /api/x HTTP/1.1\r\n"
                                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 17\r\n\r\n"
                                + "email=%zz&name=%e",
                        true),
                Arguments.of(
                        "a form body in a charset nobody knows",
                        "POST /api/x HTTP/1.1\r\n"
                                + "Content-Type: application/x-www-form-urlencoded; charset=x-nope\r\n"
                                + "Content-Length: 9\r\n\r\nemail=a%4",
                        true),
                Arguments.of(
                        "JSON in UTF-16 declared as UTF-8",
                        "POST /api/x?q=1&q=2 HTTP/1.1\r\nContent-Type: application/json;charset=utf-8\r\n"
                                + "Content-Length: 6\r\n\r\n{\u0000\"\u0000e\u0000",
                        true),
                Arguments.of(
                        "a multipart body without a boundary",
                        "POST /api/x HTTP/1.1\r\nContent-Type: multipart/form-data\r\nContent-Length: 5\r\n\r\nhello",
                        true),
                Arguments.of(
                        "a body shorter than its Content-Length",
                        "POST /api/x HTTP/1.1\r\n"
                                + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"email\":",
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRequests")
    void theGuardRunsWithoutFailingAndNeverAnswers500(String description, String request, boolean reachesFilter)
            throws IOException {
        int checksBefore = checks.get();
        failures.clear();

        String response = exchange(request);

        int status = Integer.parseInt(response.substring(9, 12));
        assertThat(status).as(response).isLessThan(500);
        assertThat(failures)
                .as("guards that failed (the engine fails open, hiding them)")
                .isEmpty();
        assertThat(checks.get() - checksBefore)
                .as("times the guard ran: the container %s this request", reachesFilter ? "passes" : "refuses")
                .isEqualTo(reachesFilter ? 1 : 0);
    }

    private static String exchange(String request) throws IOException {
        byte[] bytes = request.replace("HTTP/1.1\r\n", "HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (Socket socket = new Socket("127.0.0.1", server.uri("/").getPort())) {
            socket.setSoTimeout(60_000); // bounds a failure only: the read ends at the server's answer
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
