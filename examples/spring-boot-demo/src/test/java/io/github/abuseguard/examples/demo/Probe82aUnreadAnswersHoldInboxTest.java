package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.Filter;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
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

        /** Outside the guard's filter: it sees an answer's bytes once the guard let them through to Tomcat. */
        @Bean
        FilterRegistrationBean<Filter> answersInWrite() {
            FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
                boolean change = "PUT".equals(((HttpServletRequest) request).getMethod());
                chain.doFilter(request, change ? new Writing((HttpServletResponse) response) : response);
            });
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE); // before abuse-guard's -110
            return registration;
        }
    }

    /** How many answers are inside a write to Tomcat now: one that waits on a full socket stays in. */
    private static final Object WRITES = new Object();

    private static int inWrite;

    /** An answer whose writes to Tomcat are counted in {@link #inWrite} while they last. */
    private static final class Writing extends HttpServletResponseWrapper {
        private ServletOutputStream counted;

        Writing(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            ServletOutputStream out = super.getOutputStream();
            if (counted == null) {
                counted = new ServletOutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int length) throws IOException {
                        synchronized (WRITES) {
                            inWrite++;
                            WRITES.notifyAll();
                        }
                        try {
                            out.write(bytes, offset, length);
                        } finally {
                            synchronized (WRITES) {
                                inWrite--;
                            }
                        }
                    }

                    @Override
                    public void flush() throws IOException {
                        out.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        out.close();
                    }

                    @Override
                    public boolean isReady() {
                        return out.isReady();
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        out.setWriteListener(listener);
                    }
                };
            }
            return counted;
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
     * Waits (a minute at most, a bound on failure only) until this many answers are inside a write to Tomcat at once:
     * their tokens were heard before the write, and the write waits on a socket the client never reads.
     */
    private static void awaitHeldAnswers(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        synchronized (WRITES) {
            while (inWrite < count) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("only " + inWrite + " answers held");
                }
                WRITES.wait(left);
            }
        }
    }
}
