package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.servlet.FilterState;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A client refused for a reason that needs no body (here its rate limit) while its body is still arriving: Tomcat
 * used to read the rest of the body before finishing the answer, on the request thread, as slowly as the client
 * sent it, so a throttled client could hold every thread with bodies it never finished (beside stop 36's bound on
 * the bodies the guards read). A refusal of a request whose body no guard read to its end now ends the exchange and
 * the connection; every request the application answers gets its whole body as before. On a real Tomcat.
 */
@SpringBootTest(
        classes = RefusedSlowBodiesOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.tomcat.connection-timeout=60s",
            "abuse-guard.rate-limit.rules.upload.paths=/api/upload",
            "abuse-guard.rate-limit.rules.upload.key=ip",
            "abuse-guard.rate-limit.rules.upload.limits[0].capacity=1",
            "abuse-guard.rate-limit.rules.upload.limits[0].period=1h",
            "abuse-guard.rate-limit.rules.sign-ups.paths=/api/sign-up",
            "abuse-guard.rate-limit.rules.sign-ups.key=ip",
            "abuse-guard.rate-limit.rules.sign-ups.limits[0].capacity=1",
            "abuse-guard.rate-limit.rules.sign-ups.limits[0].period=1h",
            "abuse-guard.email.rules.sign-up.paths=/api/sign-up,/api/sign-up-mailbox",
            "abuse-guard.rate-limit.rules.per-address.paths=/api/sign-up-mailbox",
            "abuse-guard.rate-limit.rules.per-address.key=ip",
            "abuse-guard.rate-limit.rules.per-address.limits[0].capacity=1",
            "abuse-guard.rate-limit.rules.per-address.limits[0].period=1h",
            "abuse-guard.rate-limit.rules.per-mailbox.paths=/api/sign-up-mailbox",
            "abuse-guard.rate-limit.rules.per-mailbox.key=mailbox:/email",
            "abuse-guard.rate-limit.rules.per-mailbox.limits[0].capacity=3",
            "abuse-guard.rate-limit.rules.per-mailbox.limits[0].period=1d",
            "abuse-guard.email.rules.sign-up.field=/email",
            "abuse-guard.rate-limit.rules.held.paths=/api/held",
            "abuse-guard.rate-limit.rules.held.key=ip",
            "abuse-guard.rate-limit.rules.held.action=tarpit",
            "abuse-guard.rate-limit.rules.held.limits[0].capacity=1",
            "abuse-guard.rate-limit.rules.held.limits[0].period=1h",
            "abuse-guard.tarpit.delay=100ms",
            "abuse-guard.rate-limit.rules.decoyed.paths=/api/decoyed",
            "abuse-guard.rate-limit.rules.decoyed.key=ip",
            "abuse-guard.rate-limit.rules.decoyed.action=decoy",
            "abuse-guard.rate-limit.rules.decoyed.limits[0].capacity=1",
            "abuse-guard.rate-limit.rules.decoyed.limits[0].period=1h",
            "abuse-guard.body.max-concurrent-reads-per-client=2",
            "abuse-guard.proof.enabled=true",
            "abuse-guard.proof.required-paths=/api/proved"
        })
class RefusedSlowBodiesOnServerTest {
    private static final String BODY = "{\"file\":\"" + "a".repeat(1000) + "\"}";

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
    void aThrottledClientsUnfinishedBodyIsNotWaitedFor() throws Exception {
        Socket first = connect("127.0.0.3");
        send(first, head() + BODY);
        assertThat(readUntil(first, "uploaded " + BODY.length())).startsWith("HTTP/1.1 200");

        Socket throttled = connect("127.0.0.3");
        send(throttled, head() + BODY.substring(0, 10)); // and the rest never comes

        // before, the answer never ended: Tomcat waited for the remaining bytes (the socket's 10 s read timeout
        // fails the test well before Tomcat's 60 s connection timeout would have ended the wait)
        assertThat(RawConnections.readToEnd(throttled))
                .startsWith("HTTP/1.1 429")
                .contains("application/problem+json")
                .contains("Connection: close"); // a client does not send its next request on this connection
    }

    /**
     * On a route whose e-mail rule reads the body, a client over the route's rate limit is refused before the
     * e-mail guard reads its body (the guards that need no body are asked first): before, the guard waited for
     * the body, as slowly as the client sent it.
     */
    @Test
    void aThrottledClientsUnfinishedBodyIsNotReadForTheRouteBodyRule() throws Exception {
        assertThat(throttledUnfinishedSignUp("/api/sign-up", "127.0.0.7"))
                .startsWith("HTTP/1.1 429")
                .contains("rate-limit")
                .contains("Connection: close");
    }

    /**
     * The answer to a sign-up sent from {@code address} to {@code path} whose body never ends, after one whole sign-up
     * that spent the address's limit of one.
     */
    private String throttledUnfinishedSignUp(String path, String address) throws IOException {
        String signUp = "{\"email\":\"ann@example.com\",\"name\":\"" + "a".repeat(200) + "\"}";
        Socket first = connect(address);
        send(first, head(path, signUp.length()) + signUp);
        assertThat(readUntil(first, "uploaded " + signUp.length())).startsWith("HTTP/1.1 200");

        Socket throttled = connect(address);
        send(throttled, head(path, signUp.length()) + signUp.substring(0, 10)); // the rest never comes
        return RawConnections.readToEnd(throttled);
    }

    /**
     * probe70a: where the rate-limit guard also limits the mailbox read from the body, it is a guard that reads the
     * body, asked after the e-mail guard, which waited for the throttled client's body. Known spent on this
     * instance, the limit per address now refuses before the e-mail guard reads.
     */
    @Test
    void aThrottledClientsUnfinishedBodyIsNotReadWhereTheRateLimitAlsoReadsTheMailbox() throws Exception {
        assertThat(throttledUnfinishedSignUp("/api/sign-up-mailbox", "127.0.0.10"))
                .startsWith("HTTP/1.1 429")
                .contains("rate-limit")
                .contains("Connection: close");
    }

    /** The tarpit holds the request without a thread, then refuses it: its unfinished body is not waited for either. */
    @Test
    void aTarpittedClientsUnfinishedBodyIsNotWaitedForAfterTheDelay() throws Exception {
        Socket first = connect("127.0.0.5");
        send(first, head("/api/held") + BODY);
        assertThat(readUntil(first, "uploaded " + BODY.length())).startsWith("HTTP/1.1 200");

        Socket held = connect("127.0.0.5");
        send(held, head("/api/held") + BODY.substring(0, 10)); // and the rest never comes

        assertThat(RawConnections.readToEnd(held))
                .startsWith("HTTP/1.1 429")
                .contains("application/problem+json")
                .contains("Connection: close");
    }

    /**
     * A decoyed client's body is read before the decoy is written, as the handler reads it before answering, so the
     * decoy neither comes before the body (a tell) nor leaves the body to Tomcat, which read it on the request thread
     * as slowly as it came (probe48b F1: 200 decoyed requests sending a byte a second held every thread). The
     * connection stays open, as after a real answer.
     */
    @Test
    void aDecoyComesAfterTheBodyAsARealAnswerDoes() throws Exception {
        Socket first = connect("127.0.0.8");
        send(first, head("/api/decoyed") + BODY);
        assertThat(readUntil(first, "uploaded " + BODY.length())).startsWith("HTTP/1.1 200");

        Socket decoyed = connect("127.0.0.8");
        send(decoyed, head("/api/decoyed") + BODY.substring(0, 10));
        decoyed.setSoTimeout(300);
        assertThatThrownBy(() -> decoyed.getInputStream().read())
                .as("no answer before the body is in")
                .isInstanceOf(SocketTimeoutException.class);
        decoyed.setSoTimeout(10_000);
        send(decoyed, BODY.substring(10));

        String answer = readUntil(decoyed, "{\"status\":\"ok\"}");
        assertThat(answer)
                .startsWith("HTTP/1.1 200")
                .endsWith("{\"status\":\"ok\"}")
                .doesNotContain("Connection: close");
    }

    /**
     * Beyond the client's share of body reads, or for a body over {@code body.max-bytes}, a decoyed request's body is
     * dropped as a refused one's is: the decoy at once, and the connection closed after it.
     */
    @Test
    void aDecoyedBodyBeyondTheBoundsIsDroppedNotWaitedFor() throws Exception {
        Socket first = connect("127.0.0.9");
        send(first, head("/api/decoyed") + BODY);
        assertThat(readUntil(first, "uploaded " + BODY.length())).startsWith("HTTP/1.1 200");

        Socket tooLarge = connect("127.0.0.9");
        send(tooLarge, head("/api/decoyed", 2_000_000) + BODY.substring(0, 10)); // and the rest never comes
        assertThat(RawConnections.readToEnd(tooLarge))
                .startsWith("HTTP/1.1 200")
                .contains("Connection: close");

        Socket[] held = {connect("127.0.0.9"), connect("127.0.0.9")};
        for (Socket socket : held) {
            send(socket, head("/api/decoyed") + BODY.substring(0, 10)); // read, slowly, within the client's share
        }
        FilterState.awaitBodyReads(filter.getFilter(), 2);
        Socket beyondShare = connect("127.0.0.9");
        send(beyondShare, head("/api/decoyed") + BODY.substring(0, 10)); // and the rest never comes
        assertThat(RawConnections.readToEnd(beyondShare))
                .startsWith("HTTP/1.1 200")
                .contains("Connection: close");
    }

    /** A client that gave no browser proof, refused on a route that requires one. */
    @Test
    void anUnprovedClientsUnfinishedBodyIsNotWaitedFor() throws Exception {
        Socket unproved = connect("127.0.0.6");
        send(unproved, head("/api/proved") + BODY.substring(0, 10)); // and the rest never comes

        assertThat(RawConnections.readToEnd(unproved))
                .contains("proof-required")
                .contains("Connection: close");
    }

    @Test
    void anAllowedRequestsBodyArrivingSlowlyReachesTheApplicationWhole() throws Exception {
        Socket slow = connect("127.0.0.4");
        int reached = Upload.reached.get();
        send(slow, head() + BODY.substring(0, 10));
        awaitReached(reached + 1); // the application is already reading the body when the rest arrives
        send(slow, BODY.substring(10));

        assertThat(readUntil(slow, "uploaded ")).startsWith("HTTP/1.1 200").endsWith("uploaded " + BODY.length());
    }

    /** Waits until {@code count} requests have reached the application's handler of uploads. */
    private static void awaitReached(int count) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (Upload.reached.get() < count) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("never " + count + " requests in the handler: " + Upload.reached.get());
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    private static String head() {
        return head("/api/upload");
    }

    private static String head(String path) {
        return head(path, BODY.length());
    }

    private static String head(String path, int length) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + length + "\r\n\r\n";
    }

    private Socket connect(String address) throws IOException {
        return connections.open(address, port, 10_000);
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** What the server sends until {@code marker} and the rest of what has arrived with it. */
    private static String readUntil(Socket socket, String marker) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        while (text.indexOf(marker) < 0) {
            int read = socket.getInputStream().read(buffer);
            if (read == -1) {
                break;
            }
            text.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Upload.class)
    static class App {}

    @RestController
    static class Upload {
        /** Requests that reached the handler, which then reads their bodies. */
        static final AtomicInteger reached = new AtomicInteger();

        @ModelAttribute
        void reached() {
            reached.incrementAndGet(); // before @RequestBody reads the body
        }

        @PostMapping({"/api/upload", "/api/held", "/api/proved", "/api/sign-up", "/api/decoyed", "/api/sign-up-mailbox"
        })
        String upload(@RequestBody String body) {
            return "uploaded " + body.length();
        }
    }
}
