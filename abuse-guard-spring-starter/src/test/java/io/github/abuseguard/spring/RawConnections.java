package io.github.abuseguard.spring;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain sockets to a test's server, each from a loopback address of its own (a client of its own to the guards),
 * for bytes an HTTP client will not send: a body cut short, or sent slowly. Closed together after each test.
 */
final class RawConnections {
    private final List<Socket> sockets = new ArrayList<>();

    /** A connection from {@code address} to the server on {@code port}, whose reads give up after {@code timeoutMillis}. */
    Socket open(String address, int port, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(timeoutMillis);
        return socket;
    }

    void closeAll() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** What the server sends until it closes the connection. */
    static String readToEnd(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
