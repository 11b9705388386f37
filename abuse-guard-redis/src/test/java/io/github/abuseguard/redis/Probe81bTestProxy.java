package io.github.abuseguard.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * probe81b: a Redis proxy that reads each command the client sends (RESP) and, per command, forwards it,
 * answers it with an error of its own without forwarding it, or forwards it and then resets the client's
 * connection without passing Redis's answer on (a reply lost after Redis ran the command). One command at a time
 * per connection, as Redis itself runs them.
 */
final class Probe81bTestProxy implements AutoCloseable {
    interface Action {}

    record Forward() implements Action {}

    record Error(String message) implements Action {}

    /** Runs it on Redis, then resets the client's connection: the answer is lost. */
    record RunThenReset() implements Action {}

    /** Resets the client's connection without running it. */
    record Reset() implements Action {}

    static final Action FORWARD = new Forward();

    private final ServerSocket server = new ServerSocket(0);
    private final String host;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile Function<List<String>, Action> rule = command -> FORWARD;
    final AtomicInteger ran = new AtomicInteger();
    final List<Integer> upstreamPorts = new CopyOnWriteArrayList<>();
    final List<String> log = new CopyOnWriteArrayList<>();

    Probe81bTestProxy(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket client = server.accept();
                    Socket upstream = new Socket(this.host, this.port);
                    sockets.add(client);
                    sockets.add(upstream);
                    upstreamPorts.add(upstream.getLocalPort());
                    Thread serve = new Thread(() -> serve(client, upstream), "probe81b-proxy");
                    serve.setDaemon(true);
                    serve.start();
                }
            } catch (IOException closed) {
                // over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void rule(Function<List<String>, Action> rule) {
        this.rule = rule;
    }

    private void serve(Socket client, Socket upstream) {
        try {
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = client.getOutputStream();
            InputStream fromRedis = new BufferedInputStream(upstream.getInputStream());
            OutputStream toRedis = upstream.getOutputStream();
            while (true) {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                List<String> command = new ArrayList<>();
                readValue(fromClient, raw, command);
                String name = command.isEmpty() ? "" : command.get(0).toUpperCase();
                if (name.endsWith("SUBSCRIBE")) {
                    toRedis.write(raw.toByteArray());
                    toRedis.flush();
                    pump(fromClient, toRedis);
                    pump(fromRedis, toClient);
                    return;
                }
                if (name.equals("HELLO")) {
                    helloAt = System.nanoTime();
                    synchronized (hellos) {
                        hellos.incrementAndGet();
                        hellos.notifyAll(); // a reconnect awaited
                    }
                }
                Action action = name.equals("HELLO") ? FORWARD : rule.apply(command);
                log.add(name + (command.size() > 1 ? " " + command.get(1) : "") + " -> " + action);
                if (action instanceof Error error) {
                    toClient.write(("-" + error.message() + "\r\n").getBytes(StandardCharsets.UTF_8));
                    toClient.flush();
                    continue;
                } else if (action instanceof Reset) {
                    reset(client, upstream);
                    return;
                }
                toRedis.write(raw.toByteArray());
                toRedis.flush();
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                readValue(fromRedis, answer, null);
                ran.incrementAndGet();
                if (action instanceof RunThenReset) {
                    reset(client, upstream);
                    return;
                }
                toClient.write(answer.toByteArray());
                toClient.flush();
            }
        } catch (IOException closed) {
            try {
                client.close();
                upstream.close();
            } catch (IOException ignored) {
                // closed
            }
        }
    }

    final AtomicInteger resets = new AtomicInteger();
    final AtomicInteger hellos = new AtomicInteger();

    /** Waits (at most 10 s) until the client made a new connection after each reset. */
    void awaitReconnected() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        synchronized (hellos) {
            while (resets.get() > 0 && hellos.get() <= hellosAtReset) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    hellos.wait(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left) + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    volatile long helloAt;
    volatile long resetAt;
    volatile int hellosAtReset;

    private void reset(Socket client, Socket upstream) throws IOException {
        resetAt = System.nanoTime();
        hellosAtReset = hellos.get();
        resets.incrementAndGet();
        client.setSoLinger(true, 0);
        client.close();
        upstream.close();
    }

    private static void pump(InputStream from, OutputStream to) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                int read;
                while ((read = from.read(buffer)) >= 0) {
                    to.write(buffer, 0, read);
                    to.flush();
                }
            } catch (IOException closed) {
                // over
            }
        });
        pump.setDaemon(true);
        pump.start();
    }

    /** One RESP2/RESP3 value, its bytes copied to {@code raw}; a top-level array's bulk strings added to {@code parts}. */
    private static void readValue(InputStream in, ByteArrayOutputStream raw, List<String> parts) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException();
        }
        raw.write(type);
        String line = readLine(in, raw);
        switch (type) {
            case '+', '-', ':', ',', '(', '#', '_' -> {}
            case '$', '=', '!' -> {
                int length = Integer.parseInt(line);
                if (length >= 0) {
                    byte[] data = in.readNBytes(length + 2);
                    raw.write(data);
                    if (parts != null) {
                        parts.add(new String(data, 0, length, StandardCharsets.ISO_8859_1));
                    }
                }
            }
            case '*', '~', '>', '%', '|' -> {
                int count = Integer.parseInt(line);
                if (type == '%' || type == '|') {
                    count *= 2;
                }
                for (int i = 0; i < count; i++) {
                    readValue(in, raw, type == '*' ? parts : null);
                }
                if (type == '|') {
                    readValue(in, raw, parts); // the value the attributes describe
                }
            }
            default -> throw new IOException("unknown RESP type " + (char) type);
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new EOFException();
            }
            raw.write(c);
            line.append((char) c);
        }
        raw.write('\r');
        raw.write(in.read());
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
