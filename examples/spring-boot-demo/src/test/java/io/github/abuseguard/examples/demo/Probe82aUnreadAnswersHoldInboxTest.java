package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe82a F1: README (Keys) says a stranger who keeps three refundable requests naming an inbox in flight refuses
 * the owner's sign-up meanwhile, and that "keeping three in flight takes many requests a second" (probe73b F1: 165 a
 * second), bounded by the demo's 30 e-mail changes per network and 10 minutes. A request is in flight until the
 * filter chain returns, and the chain returns only once Tomcat took the answer's bytes: a client that never reads
 * its answers keeps a request in flight for as long as the write waits. The demo's 404 for a made-up account echoes
 * the account id twice ("No account ID." and the problem's instance), so an 7,000-character id makes an answer larger
 * than Tomcat's 8 KiB buffer, written inside the chain. Three connections from three addresses, four e-mail changes
 * each (12 requests in all, within every rate limit), that never read: the third or fourth answer of each waits on
 * a full socket, and its token of the victim's inbox (sign-up-mailbox, 3 a day, refunded on 404) is held.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.application.name=probe82a-unread-answers") // a context of its own
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Probe82aUnreadAnswersHoldInboxTest {
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final String VICTIM = "ann.victim@example.org";

    /**
     * The send buffer a server has for a peer on the Internet whose window stays shut (MSS 1,460: Linux starts it
     * near 46 KiB and grows it with the congestion window, which a closed window does not grow). Over loopback (MSS
     * 65,483) Linux grows it to megabytes, so a test there would need hundreds of answers to fill it; the attack is
     * the same.
     */
    @TestConfiguration
    static class InternetSendBuffer {
        @Bean
        TomcatConnectorCustomizer internetSendBuffer() {
            return connector -> connector.setProperty("socket.txBufSize", "23040");
        }
    }

    @LocalServerPort
    int port;

    @Test
    void threeUnreadConnectionsHoldAStrangersInbox() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            String id = "a".repeat(7000); // no such account: 404, given back by sign-up-mailbox once heard
            for (int site = 1; site <= 3; site++) {
                held.add(unread("127.0.40." + site, id, 4));
            }
            awaitHeldAnswers(3);

            // the owner signs up with her own address, from her own address, once
            LoopbackClient.Answer owner = new LoopbackClient(port)
                    .send(
                            "127.0.41.1",
                            "POST",
                            "/api/accounts",
                            "{\"email\":\"" + VICTIM + "\"}",
                            "User-Agent",
                            CHROME,
                            "Accept-Language",
                            "en",
                            "Origin",
                            "http://127.0.0.1:" + port);
            assertThat(owner.status())
                    .as(
                            "the owner's one sign-up, while 12 requests of a stranger's were answered and not read: %s",
                            owner.body())
                    .isEqualTo(201);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /** A connection that sends its requests at once and never reads an answer (a window kept shut). */
    private Socket unread(String source, String id, int changes) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(1024);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        String form = "email=" + VICTIM.replace("@", "%40");
        StringBuilder pipeline = new StringBuilder();
        for (int i = 0; i < changes; i++) {
            pipeline.append("PUT /api/accounts/" + id + "/email HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUser-Agent: " + CHROME + "\r\nContent-Type: application/x-www-form-urlencoded"
                    + "\r\nContent-Length: " + form.length() + "\r\n\r\n" + form);
        }
        OutputStream out = socket.getOutputStream();
        out.write(pipeline.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return socket;
    }

    /**
     * Waits (at most 30 s) until the server holds this many answers in a write inside the guard's filter: Tomcat's
     * request threads, as a thread dump shows them. Only to know when the attack is in place, not how long it took.
     */
    private static void awaitHeldAnswers(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        int seen = 0;
        while (System.nanoTime() < deadline) {
            seen = 0;
            for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
                String frames = Arrays.toString(stack);
                if (frames.contains("NioSocketWrapper.doWrite")
                        && frames.contains("AbuseGuardFilter.doFilter")
                        && frames.contains("ExceptionHandlerExceptionResolver")) {
                    seen++;
                }
            }
            if (seen >= count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("only " + seen + " answers held");
    }
}
