package io.github.abuseguard.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * probe81a F1: on Jetty, a refusal whose request body the guards did not read is written with its Content-Length
 * and so committed inside the filter, before Jetty knows whether the body will be consumed; when the body has not
 * arrived by the time the exchange completes, Jetty aborts the connection, after an answer that said nothing of
 * closing it. A client that keeps the connection (a browser, the JDK's HttpClient, a reverse proxy pooling
 * connections for many users) loses the next request it sends on it: the "kept-alive connection closed with no
 * answer" Probe72aTest met once. An application's own answer that leaves the body unread is not committed before
 * the exchange completes, and Jetty marks it {@code Connection: close} whenever it will close (0 of 300 lost in the
 * probe, 41 of 300 for the guard's refusal with the body sent right after the headers, 156 of 300 with the body
 * sent once the refusal arrived).
 */
class Probe81aKeptAliveRefusalTest {
    private ServletDemo demo;

    @BeforeEach
    void start() throws Exception {
        demo = new ServletDemo(0).start();
    }

    @AfterEach
    void stop() throws Exception {
        demo.stop();
    }

    /** A response: its status, whether it said {@code Connection: close}, and its body. */
    private record Answer(int status, boolean closing, String body) {}

    @Test
    void aRefusedLoginEitherSaysItClosesTheConnectionOrTheNextRequestOnItIsAnswered() throws Exception {
        // 20 failed sign-ins ban the address (login-failures): its further logins are refused before their body is read
        for (int i = 0; i < 20; i++) {
            try (Socket socket = connect()) {
                byte[] body = login("name" + i);
                write(socket, head(body.length, true), body);
                assertThat(read(new BufferedInputStream(socket.getInputStream()))
                                .status())
                        .isEqualTo(401);
            }
        }
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // half as a client sends a small body (right behind its headers), half as a slow one (after the answer)
            boolean bodyFirst = i % 2 == 0;
            try (Socket socket = connect()) {
                byte[] body = login("other" + i);
                InputStream in = new BufferedInputStream(socket.getInputStream());
                if (bodyFirst) {
                    write(socket, head(body.length, false), body);
                } else {
                    write(socket, head(body.length, false));
                }
                Answer refused = read(in);
                assertThat(refused.status()).as(refused.body()).isEqualTo(429);
                if (refused.closing()) {
                    continue; // the client was told: it sends its next request on a new connection
                }
                Answer next;
                try {
                    if (!bodyFirst) {
                        write(socket, body);
                    }
                    write(
                            socket,
                            "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                                    .getBytes(StandardCharsets.ISO_8859_1));
                    next = read(in);
                } catch (IOException closedUnderIt) {
                    next = null;
                }
                if (next == null || next.status() != 200) {
                    lost.add((bodyFirst ? "body with the headers" : "body after the refusal") + ": "
                            + (next == null ? "no answer" : next.status()));
                }
            }
        }
        assertThat(lost)
                .as("requests sent on a connection a refusal left open (no Connection: close) that got no answer")
                .isEmpty();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", demo.port()), 10_000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static byte[] login(String user) {
        return ("{\"username\":\"" + user + "\",\"password\":\"wrong\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] head(int length, boolean close) {
        return ("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + (close ? "Connection: close\r\n" : "") + "Content-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void write(Socket socket, byte[]... parts) throws IOException {
        OutputStream out = socket.getOutputStream();
        for (byte[] part : parts) {
            out.write(part);
            out.flush();
        }
    }

    /** One response of Content-Length framing (what both the demo and the filter write), {@code null} at EOF. */
    private static Answer read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            return null;
        }
        int length = 0;
        boolean closing = false;
        for (String field = line(in); field != null && !field.isEmpty(); field = line(in)) {
            String lower = field.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closing = true;
            }
        }
        byte[] body = in.readNBytes(length);
        return new Answer(Integer.parseInt(status.substring(9, 12)), closing, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
