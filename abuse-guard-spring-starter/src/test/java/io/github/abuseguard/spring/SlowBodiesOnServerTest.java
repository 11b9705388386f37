package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.servlet.FilterState;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe29 F1 on a real Tomcat through the starter: one address that sends sign-up bodies slowly (the headers
 * and {@code {"email":"}, then nothing) gets at most {@code abuse-guard.body.max-concurrent-reads-per-client}
 * of them read by the e-mail rule at once; its further ones are answered 429 at once, another address is
 * served meanwhile, and once the slow ones end the address has its whole share again.
 */
@SpringBootTest(
        classes = SlowBodiesOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.body.max-concurrent-reads-per-client=" + SlowBodiesOnServerTest.BOUND,
            "abuse-guard.email.rules.signup.paths=/api/signup",
            "abuse-guard.email.rules.signup.field=/email"
        })
class SlowBodiesOnServerTest {
    static final int BOUND = 2;
    private static final int EXTRA = 2;
    private static final String SLOW_ADDRESS = "127.0.0.1";
    private static final String OTHER_ADDRESS = "127.0.0.2";
    private static final String BODY = "{\"email\":\"ann@example.org\"}";
    private static final String BODY_START = "{\"email\":\"";

    @LocalServerPort
    int port;

    @Autowired
    FilterRegistrationBean<AbuseGuardFilter> filter;

    private final RawConnections connections = new RawConnections();

    @AfterEach
    void close() throws IOException {
        connections.closeAll();
    }

    @Test
    void oneAddressSendingBodiesSlowlyIsRefusedBeyondItsShareAndOthersAreServed() throws Exception {
        List<Socket> held = startSlowBodies(BOUND);
        awaitShareTaken(held);

        for (int i = 0; i < EXTRA; i++) {
            assertThat(answer(startSlowBody(SLOW_ADDRESS)))
                    .startsWith("HTTP/1.1 429")
                    .contains("Retry-After: 1")
                    .contains("application/problem+json")
                    .contains("\"reason\":\"too-many-body-reads\"");
        }
        assertThat(answer(wholeBody(OTHER_ADDRESS))).startsWith("HTTP/1.1 200").contains("signed up");

        // one client hangs up, the other sends the rest of its body: both give their read back
        held.get(0).close();
        finish(held.get(1));
        assertThat(answer(held.get(1))).startsWith("HTTP/1.1 200");

        // nothing leaked: once both reads are given back (the hung-up one when the server sees the end), a whole
        // share of slow bodies is read again, every one of them answered
        FilterState.awaitBodyReads(filter.getFilter(), 0);
        List<Socket> again = startSlowBodies(BOUND);
        awaitShareTaken(again);
        for (Socket socket : again) {
            finish(socket);
            assertThat(answer(socket)).startsWith("HTTP/1.1 200").contains("signed up");
        }
    }

    private List<Socket> startSlowBodies(int count) throws IOException {
        List<Socket> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(startSlowBody(SLOW_ADDRESS));
        }
        return started;
    }

    /**
     * Waits until the slow bodies hold the slow address's share, as the filter counts its body reads: sent at once with
     * nothing else read, they take it whatever their order (flake83: probing the share with whole bodies of the same
     * address could take a slow body's read, and the refused slow body was told apart from a held one by whether its
     * answer had arrived 20 ms after the probe's). A test that never gets there fails.
     */
    private void awaitShareTaken(List<Socket> slow) {
        FilterState.awaitBodyReads(filter.getFilter(), slow.size());
    }

    private Socket startSlowBody(String address) throws IOException {
        Socket socket = connect(address);
        socket.getOutputStream().write(utf8(head() + BODY_START));
        socket.getOutputStream().flush();
        return socket;
    }

    private static void finish(Socket socket) throws IOException {
        socket.getOutputStream().write(utf8(BODY.substring(BODY_START.length())));
        socket.getOutputStream().flush();
    }

    private Socket wholeBody(String address) throws IOException {
        Socket socket = connect(address);
        socket.getOutputStream().write(utf8(head() + BODY));
        socket.getOutputStream().flush();
        return socket;
    }

    private static String head() {
        return "POST /api/signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + BODY.length() + "\r\nConnection: close\r\n\r\n";
    }

    private Socket connect(String address) throws IOException {
        return connections.open(address, port, 20_000);
    }

    private static String answer(Socket socket) throws IOException {
        return RawConnections.readToEnd(socket);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(SignUp.class)
    static class App {}

    @RestController
    static class SignUp {
        @PostMapping("/api/signup")
        String signUp(@RequestBody String body) {
            return "signed up";
        }
    }
}
