package io.github.abuseguard.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Forwards connections to Redis until {@link #stall()}; then holds every byte, as a server too busy to answer,
 * until {@link #resume()}. Commands that timed out meanwhile still reach Redis when it resumes, as they do on
 * a loaded host. {@link #cut()} instead drops every connection and refuses new ones until {@link #restore()}:
 * nothing sent meanwhile reaches Redis. {@link #freeze()} swallows every byte of the connections open now, for good,
 * never closing them, while new connections pass: a failover behind a proxy, a host lost without a reset.
 * {@link #hold()} stalls only the connections open now, while new connections pass, until {@link #resume()}: a
 * connection stuck on a loaded path that its client replaces by a new one.
 */
final class StallingProxy implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0);
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Set<Socket> frozen = ConcurrentHashMap.newKeySet();
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final Set<Socket> upstreams = ConcurrentHashMap.newKeySet();
    private final Set<Socket> released = ConcurrentHashMap.newKeySet();
    private final AtomicInteger releasedAnswers = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean stalled;
    private volatile boolean cut;

    private volatile int port;

    StallingProxy(String host, int port) throws IOException {
        this.port = port;
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket client = server.accept();
                    if (cut) {
                        client.close();
                        continue;
                    }
                    accepted.incrementAndGet();
                    Socket upstream = new Socket(host, this.port);
                    sockets.add(client);
                    sockets.add(upstream);
                    upstreams.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void pump(Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    while (stalled || held.contains(from)) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                    }
                    if (released.contains(from) && upstreams.contains(from)) {
                        releasedAnswers.incrementAndGet(); // Redis answered what a held connection sent
                    }
                    if (cut) {
                        return; // dropped, never forwarded
                    }
                    if (frozen.contains(from)) {
                        continue; // swallowed
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException closed) {
                // one side hung up
            }
        });
        pump.setDaemon(true);
        pump.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Holds every byte from now on, in both directions, as a server too busy to answer. */
    void stall() {
        stalled = true;
    }

    /** Holds every byte of the connections open now, in both directions; new connections pass. */
    void hold() {
        held.addAll(sockets);
    }

    /** Passes the bytes held, then every byte again, as a server that caught up. */
    void resume() {
        released.addAll(held);
        held.clear();
        stalled = false;
    }

    /** How many times Redis answered, after {@link #resume()}, on a connection {@link #hold()} held. */
    int releasedAnswers() {
        return releasedAnswers.get();
    }

    /** Drops every connection, and every byte and connection from now on, as a server gone from the network. */
    void cut() throws IOException {
        cut = true;
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** Swallows every byte of the connections open now, never closing them; new connections still pass. */
    void freeze() {
        frozen.addAll(sockets);
    }

    /** Sends new connections to {@code port} from now on, as a virtual address moved by a failover. */
    void retarget(int port) {
        this.port = port;
    }

    /** How many connections were accepted since the start. */
    int connections() {
        return accepted.get();
    }

    /** Accepts connections again, as a server back on the network. */
    void restore() {
        cut = false;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
