package io.github.abuseguard.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Starts the Spring Boot demo twice, with the guard on (the scores limit raised so nothing is
 * throttled) and off, drives both with the same keep-alive HTTP load on {@code GET /api/scores/{game}}
 * in alternating runs, and prints requests per second, p50 and p99 latency and the on/off ratio.
 *
 * <p>Usage, after {@code ./mvnw -DskipTests package}: {@code java -cp
 * abuse-guard-benchmarks/target/benchmarks.jar io.github.abuseguard.benchmarks.LoadHarness
 * [seconds-per-run] [rounds] [connections]}; with {@code -Dharness.calibrate=true} both instances run
 * without the guard, to measure the harness's own bias. Every loop is bounded in time; the servers listen on
 * loopback only and are stopped at the end.
 */
public final class LoadHarness {
    private static final int MAX_SAMPLES_PER_CONNECTION = 4_000_000;

    private LoadHarness() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Path jar = Path.of("examples/spring-boot-demo/target/abuse-guard-demo.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("build the demo first: ./mvnw -DskipTests package");
        }
        // Spring Boot replaces a list element whole, so an override names every field of the limit.
        // -Dharness.calibrate=true starts both without the guard: the ratio then shows the harness's own bias.
        Server on = Boolean.getBoolean("harness.calibrate")
                ? Server.start(jar, 18181, "--abuse-guard.enabled=false")
                : Server.start(
                        jar,
                        18181,
                        "--abuse-guard.rate-limit.rules.scores.limits[0].capacity=1000000000",
                        "--abuse-guard.rate-limit.rules.scores.limits[0].period=1m");
        Server off = Server.start(jar, 18182, "--abuse-guard.enabled=false");
        try {
            on.awaitReady();
            off.awaitReady();
            System.out.printf("warming up both for %d s%n", seconds);
            run(on.port, connections, seconds);
            run(off.port, connections, seconds);
            List<Result> onResults = new ArrayList<>();
            List<Result> offResults = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                Result guarded = run(on.port, connections, seconds);
                Result plain = run(off.port, connections, seconds);
                onResults.add(guarded);
                offResults.add(plain);
                System.out.printf(
                        "round %d: guard on %s | guard off %s | ratio %.3f%n",
                        round, guarded, plain, guarded.requestsPerSecond / plain.requestsPerSecond);
            }
            Result guarded = Result.merge(onResults);
            Result plain = Result.merge(offResults);
            System.out.printf("all rounds: guard on %s | guard off %s%n", guarded, plain);
            System.out.printf(
                    Locale.ROOT,
                    "requests/s ratio on/off: %.3f (%.1f%% cost); p50 %+.0f us, p99 %+.0f us%n",
                    guarded.requestsPerSecond / plain.requestsPerSecond,
                    100 * (1 - guarded.requestsPerSecond / plain.requestsPerSecond),
                    (guarded.p50Nanos - plain.p50Nanos) / 1e3,
                    (guarded.p99Nanos - plain.p99Nanos) / 1e3);
        } finally {
            on.stop();
            off.stop();
        }
    }

    private static Result run(int port, int connections, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Worker[] workers = new Worker[connections];
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            workers[i] = new Worker(port, deadline, i);
            workers[i].start();
        }
        for (Worker worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(seconds + 30));
        }
        long elapsed = System.nanoTime() - start;
        List<long[]> samples = new ArrayList<>();
        long errors = 0;
        for (Worker worker : workers) {
            samples.add(Arrays.copyOf(worker.latencies, worker.count));
            errors += worker.errors;
        }
        return Result.of(samples, elapsed, errors);
    }

    /** One keep-alive connection sending requests back to back until the deadline. */
    private static final class Worker extends Thread {
        private final int port;
        private final long deadline;
        private final int id;
        final long[] latencies = new long[MAX_SAMPLES_PER_CONNECTION];
        int count;
        long errors;

        Worker(int port, long deadline, int id) {
            this.port = port;
            this.deadline = deadline;
            this.id = id;
            setDaemon(true);
        }

        @Override
        public void run() {
            byte[] request = ("GET /api/scores/game" + id
                            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            while (System.nanoTime() < deadline) {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(10_000);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
                    boolean open = true;
                    while (open && System.nanoTime() < deadline) {
                        long sent = System.nanoTime();
                        out.write(request);
                        int status = readResponse(in);
                        long took = System.nanoTime() - sent;
                        if (status < 0) {
                            open = false; // the server ends keep-alive after so many requests
                            status = -status;
                        }
                        if (status != 200) {
                            errors++;
                        }
                        if (count < latencies.length) {
                            latencies[count++] = took;
                        }
                    }
                } catch (IOException e) {
                    errors++;
                }
            }
        }

        /** Reads one response with a Content-Length body; returns its status, negated when the server closes. */
        private static int readResponse(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder(256);
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                head.append((char) b);
                matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
            }
            String text = head.toString();
            int status = Integer.parseInt(text.substring(9, 12));
            int at = text.toLowerCase(Locale.ROOT).indexOf("content-length:");
            if (at < 0) {
                throw new IOException("no Content-Length in " + text);
            }
            int end = text.indexOf('\r', at);
            long remaining = Long.parseLong(text.substring(at + 15, end).trim());
            while (remaining > 0) {
                long skipped = in.skip(remaining);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed in body");
                    }
                    skipped = 1;
                }
                remaining -= skipped;
            }
            return text.toLowerCase(Locale.ROOT).contains("\r\nconnection: close") ? -status : status;
        }
    }

    private record Result(double requestsPerSecond, long p50Nanos, long p99Nanos, long requests, long errors) {
        static Result of(List<long[]> samples, long elapsedNanos, long errors) {
            long[] all = samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            if (all.length == 0) {
                return new Result(0, 0, 0, 0, errors);
            }
            return new Result(
                    all.length / (elapsedNanos / 1e9),
                    all[(int) (all.length * 0.50)],
                    all[Math.min(all.length - 1, (int) (all.length * 0.99))],
                    all.length,
                    errors);
        }

        static Result merge(List<Result> results) {
            double rps = results.stream()
                    .mapToDouble(Result::requestsPerSecond)
                    .average()
                    .orElse(0);
            long p50 = (long)
                    results.stream().mapToLong(Result::p50Nanos).average().orElse(0);
            long p99 = (long)
                    results.stream().mapToLong(Result::p99Nanos).average().orElse(0);
            return new Result(
                    rps,
                    p50,
                    p99,
                    results.stream().mapToLong(Result::requests).sum(),
                    results.stream().mapToLong(Result::errors).sum());
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%,.0f req/s, p50 %.0f us, p99 %.0f us, %d errors",
                    requestsPerSecond,
                    p50Nanos / 1e3,
                    p99Nanos / 1e3,
                    errors);
        }
    }

    /** A demo JVM on a loopback port. */
    private static final class Server {
        final Process process;
        final int port;

        private Server(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static Server start(Path jar, int port, String... extra) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m",
                    "-jar",
                    jar.toString(),
                    "--server.port=" + port,
                    "--server.address=127.0.0.1",
                    "--logging.level.root=warn"));
            command.addAll(List.of(extra));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new Server(process, port);
        }

        void awaitReady() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the demo on port " + port + " exited with " + process.exitValue());
                }
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(250);
                }
            }
            throw new IllegalStateException("the demo on port " + port + " did not start within 90 s");
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
