package io.github.abuseguard.benchmarks.cost;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * A cheap, constant HTTP/1.1 load: a fixed number of keep-alive connections to a loopback port, each
 * sending the same {@code GET} back to back (a new request only when the previous response has been
 * read whole), until the run's request count is reached or its time limit passes. The client does the
 * same work for every server, so a difference between two servers is theirs.
 *
 * <p>Responses are framed by {@code Content-Length} or chunked encoding; a header block longer than
 * {@value #MAX_HEAD_BYTES} bytes, a body over {@value #MAX_BODY_BYTES} bytes or a read stalled for 10 s
 * ends the connection and counts as an error.
 */
public final class KeepAliveLoad {
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private final int port;
    private final String pathPrefix;
    private final String userAgent;
    private final int connections;

    /**
     * @param pathPrefix the path each connection appends its number to, e.g. {@code /api/scores/game}
     * @param connections concurrent keep-alive connections, 1 to 256
     */
    KeepAliveLoad(int port, String pathPrefix, String userAgent, int connections) {
        if (connections < 1 || connections > 256) {
            throw new IllegalArgumentException("connections must be 1 to 256, was " + connections);
        }
        this.port = port;
        this.pathPrefix = pathPrefix;
        this.userAgent = userAgent;
        this.connections = connections;
    }

    /**
     * {@code KeepAliveLoad PORT REQUESTS [CONNECTIONS]}: loads {@code GET /api/scores/game<n>} on a loopback
     * port with the harness's browser user agent, as one run of {@link CostHarness} does, for scripts such
     * as {@code scripts/native-profile.sh}; {@code REQUESTS} 0 asks once whether the server answers 200.
     * Exits 1 when a request failed (or the server does not answer yet).
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2 || args.length > 3) {
            throw new IllegalArgumentException("usage: KeepAliveLoad PORT REQUESTS [CONNECTIONS]");
        }
        int port = Integer.parseInt(args[0]);
        int requests = Integer.parseInt(args[1]);
        if (requests == 0) {
            System.exit(probe(port, "/api/scores/game", CostHarness.BROWSER) == 200 ? 0 : 1);
        }
        int connections = args.length == 3 ? Integer.parseInt(args[2]) : 4;
        Outcome outcome = new KeepAliveLoad(port, "/api/scores/game", CostHarness.BROWSER, connections)
                .run(requests, Duration.ofMinutes(5));
        LoggerFactory.getLogger(KeepAliveLoad.class)
                .info(
                        "{} requests, {} errors, {} req/s",
                        outcome.requests(),
                        outcome.errors(),
                        String.format(Locale.ROOT, "%.0f", outcome.requestsPerSecond()));
        System.exit(outcome.errors() == 0 ? 0 : 1);
    }

    /** What one run measured at the client. */
    record Outcome(long requests, long errors, long elapsedNanos, long[] sortedLatencyNanos) {
        double requestsPerSecond() {
            return requests / (elapsedNanos / 1e9);
        }

        long latencyNanos(double quantile) {
            return sortedLatencyNanos.length == 0 ? 0 : RoundStatistics.percentile(sortedLatencyNanos, quantile);
        }
    }

    /** Sends {@code requests} requests (split evenly over the connections), stopping early at {@code limit}. */
    Outcome run(int requests, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Connection[] workers = new Connection[connections];
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            int quota = requests / connections + (i < requests % connections ? 1 : 0);
            workers[i] = new Connection(port, request(i), quota, deadline);
            workers[i].start();
        }
        for (Connection worker : workers) {
            worker.join(TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())) + 15_000);
        }
        long elapsed = System.nanoTime() - start;
        long done = 0;
        long errors = 0;
        int samples = 0;
        for (Connection worker : workers) {
            done += worker.count;
            errors += worker.errors;
            samples += worker.count;
        }
        long[] latencies = new long[samples];
        int at = 0;
        for (Connection worker : workers) {
            System.arraycopy(worker.latencies, 0, latencies, at, worker.count);
            at += worker.count;
        }
        Arrays.sort(latencies);
        return new Outcome(done, errors, elapsed, latencies);
    }

    private byte[] request(int connection) {
        return ("GET " + pathPrefix + connection + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: "
                        + userAgent + "\r\nAccept: application/json\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends one request on a fresh connection and returns the status, or -1 when nothing answered. */
    static int probe(int port, String path, String userAgent) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: " + userAgent
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            ResponseReader reader = new ResponseReader(new BufferedInputStream(socket.getInputStream()));
            return reader.read();
        } catch (IOException notYet) {
            return -1;
        }
    }

    /** One keep-alive connection; reconnects when the server closes it. */
    private static final class Connection extends Thread {
        private final int port;
        private final byte[] request;
        private final long deadline;
        final long[] latencies;
        int count;
        long errors;

        Connection(int port, byte[] request, int quota, long deadline) {
            this.port = port;
            this.request = request;
            this.deadline = deadline;
            this.latencies = new long[quota];
            setDaemon(true);
            setName("load-" + getId());
        }

        @Override
        public void run() {
            while (count < latencies.length && System.nanoTime() < deadline) {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                    OutputStream out = socket.getOutputStream();
                    ResponseReader reader = new ResponseReader(new BufferedInputStream(socket.getInputStream(), 16384));
                    while (count < latencies.length && System.nanoTime() < deadline) {
                        long sent = System.nanoTime();
                        out.write(request);
                        int status = reader.read();
                        latencies[count++] = System.nanoTime() - sent;
                        if (status != 200) {
                            errors++;
                        }
                        if (reader.closing) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    errors++;
                }
            }
        }
    }

    /** Reads one response at a time from a stream, without keeping its body. */
    static final class ResponseReader {
        private final InputStream in;
        private final byte[] head = new byte[MAX_HEAD_BYTES];
        boolean closing;

        ResponseReader(InputStream in) {
            this.in = in;
        }

        /** Reads the next whole response and returns its status code. */
        int read() throws IOException {
            int length = readLine(0);
            if (length < 12 || head[0] != 'H' || head[8] != ' ') {
                throw new IOException("not an HTTP/1.1 status line");
            }
            int status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
            long contentLength = -1;
            boolean chunked = false;
            closing = false;
            while (true) {
                int line = readLine(0);
                if (line == 0) {
                    break;
                }
                if (startsWith(line, "content-length:")) {
                    contentLength = Long.parseLong(value(line, 15));
                    if (contentLength < 0 || contentLength > MAX_BODY_BYTES) {
                        throw new IOException("Content-Length out of bounds: " + contentLength);
                    }
                } else if (startsWith(line, "transfer-encoding:")) {
                    chunked = value(line, 18).equalsIgnoreCase("chunked");
                } else if (startsWith(line, "connection:")) {
                    closing = value(line, 11).equalsIgnoreCase("close");
                }
            }
            if (chunked) {
                long total = 0;
                while (true) {
                    int line = readLine(0);
                    String size = new String(head, 0, line, StandardCharsets.ISO_8859_1);
                    int extension = size.indexOf(';');
                    long chunk = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
                    total += chunk;
                    if (chunk < 0 || total > MAX_BODY_BYTES) {
                        throw new IOException("chunked body out of bounds");
                    }
                    if (chunk == 0) {
                        while (readLine(0) != 0) {
                            // trailer fields, ignored
                        }
                        break;
                    }
                    skip(chunk);
                    readLine(0);
                }
            } else if (contentLength > 0) {
                skip(contentLength);
            } else if (contentLength < 0 && status != 204 && status != 304) {
                throw new IOException("a response without Content-Length or chunked encoding");
            }
            return status;
        }

        /** Reads a line without its CRLF into {@code head}, lower-casing nothing; returns its length. */
        private int readLine(int from) throws IOException {
            int length = from;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b == '\n') {
                    return length > 0 && head[length - 1] == '\r' ? length - 1 : length;
                }
                if (length == head.length) {
                    throw new IOException("header line longer than " + MAX_HEAD_BYTES + " bytes");
                }
                head[length++] = (byte) b;
            }
        }

        private boolean startsWith(int length, String lowerName) {
            if (length < lowerName.length()) {
                return false;
            }
            for (int i = 0; i < lowerName.length(); i++) {
                if (Character.toLowerCase((char) head[i]) != lowerName.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private String value(int length, int from) {
            return new String(head, from, length - from, StandardCharsets.ISO_8859_1).trim();
        }

        private void skip(long bytes) throws IOException {
            long remaining = bytes;
            while (remaining > 0) {
                long skipped = in.skip(remaining);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed in the body");
                    }
                    skipped = 1;
                }
                remaining -= skipped;
            }
        }
    }
}
