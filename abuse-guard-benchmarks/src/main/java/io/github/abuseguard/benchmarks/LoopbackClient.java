package io.github.abuseguard.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Plain HTTP/1.1 over a socket bound to a chosen loopback source address (anything in 127.0.0.0/8 on
 * Linux), so a simulation can speak from thousands of addresses without a proxy or forwarded headers.
 * One request per connection ({@code Connection: close}); responses are read to the end, at most
 * {@value #MAX_RESPONSE_BYTES} bytes.
 */
final class LoopbackClient {
    private static final int MAX_RESPONSE_BYTES = 1 << 20;
    private static final int TIMEOUT_MILLIS = 30_000;

    private final int port;

    LoopbackClient(int port) {
        this.port = port;
    }

    /** What came back: the status and whether abuse-guard answered rather than the application. */
    record Response(int status, boolean guardAnswered, String body) {}

    Response send(String source, String method, String path, Map<String, String> headers, String body)
            throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256)
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port)
                .append("\r\nConnection: close\r\n");
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            String response = readAll(socket.getInputStream());
            if (response.length() < 12 || !response.startsWith("HTTP/1.1 ")) {
                throw new IOException(
                        "not an HTTP response: " + response.substring(0, Math.min(80, response.length())));
            }
            int status = Integer.parseInt(response.substring(9, 12));
            int bodyAt = response.indexOf("\r\n\r\n");
            String text = bodyAt < 0 ? "" : response.substring(bodyAt + 4);
            // Every denial abuse-guard writes is a problem naming the guard; the application's never do.
            boolean guard = response.contains("application/problem+json") && text.contains("\"guard\":");
            return new Response(status, guard, text);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        byte[] buffer = new byte[8192];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            if (bytes.size() + read > MAX_RESPONSE_BYTES) {
                throw new IOException("response larger than " + MAX_RESPONSE_BYTES + " bytes");
            }
            bytes.write(buffer, 0, read);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
