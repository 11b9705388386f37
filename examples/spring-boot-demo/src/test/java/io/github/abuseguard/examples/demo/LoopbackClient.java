package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.servlet.ProofSolver;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client that speaks HTTP/1.1 from a loopback address of its choice (127.0.0.0/8), one connection per
 * request, so that each simulated client of a test is a client address of its own and no proxy header is
 * needed or trusted; it can solve the demo page's browser proof as the page's script does.
 */
final class LoopbackClient {
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    /** The status and body of one answer. */
    record Answer(int status, String body) {}

    private final int port;

    LoopbackClient(int port) {
        this.port = port;
    }

    Answer send(String source, String method, String path, String body, String... headers) throws Exception {
        StringBuilder head = new StringBuilder()
                .append(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            if (!head.toString().contains("\r\nContent-Type: ")) {
                head.append("Content-Type: application/json\r\n");
            }
            head.append("Content-Length: " + content.length + "\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            String text = response.toString(StandardCharsets.UTF_8);
            return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(text.indexOf("\r\n\r\n") + 4));
        }
    }

    Answer browse(String source, String path) throws Exception {
        return send(source, "GET", path, null, "User-Agent", CHROME, "Accept-Language", "en");
    }

    /** What the demo page's proof script does in a visitor's browser: solves a challenge for its address. */
    void prove(String source) throws Exception {
        Answer challenge = browse(source, "/abuse-guard/proof");
        String form = ProofSolver.form(challenge.body());
        Answer proved = send(
                source,
                "POST",
                "/abuse-guard/proof",
                form,
                "User-Agent",
                CHROME,
                "Content-Type",
                "application/x-www-form-urlencoded");
        assertThat(proved.status()).as(proved.body()).isEqualTo(204);
    }
}
