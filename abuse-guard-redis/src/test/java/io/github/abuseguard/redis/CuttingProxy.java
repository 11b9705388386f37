package io.github.abuseguard.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Forwards to Redis; {@link #cut} closes every connection and refuses new ones until {@link #restore}. */
final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0);
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    CuttingProxy(String host, int port) throws IOException {
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket client = server.accept();
                    if (cut) {
                        client.close();
                        continue;
                    }
                    Socket upstream = new Socket(host, port);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                }
            } catch (IOException closed) {
                // over
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
                    if (cut) {
                        return; // dropped, never forwarded
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException closed) {
                // hung up
            }
        });
        pump.setDaemon(true);
        pump.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void cut() throws IOException {
        cut = true;
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

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
