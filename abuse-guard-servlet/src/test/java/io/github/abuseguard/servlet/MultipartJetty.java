package io.github.abuseguard.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServlet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A Jetty whose one servlet takes multipart bodies behind a filter, and a raw-socket client for its charset tests. */
final class MultipartJetty {
    static final String FORM = "multipart/form-data; boundary=XX";

    private MultipartJetty() {}

    /** Starts a Jetty on an ephemeral loopback port: {@code filter} before {@code servlet}, which takes multipart. */
    static Server start(Filter filter, HttpServlet servlet) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder app = new ServletHolder(servlet);
        app.getRegistration().setMultipartConfig(new MultipartConfigElement(""));
        context.addServlet(app, "/*");
        server.setHandler(context);
        server.start();
        return server;
    }

    static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Posts {@code body} as {@code contentType}; answers the status line's first 12 characters, a space and the body. */
    static String post(int port, String path, String contentType, byte[] body) throws IOException {
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + "Content-Type: "
                + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000); // bounds a failure only
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(head.getBytes(StandardCharsets.ISO_8859_1));
            request.write(body);
            out.write(request.toByteArray());
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return answer.substring(0, 12) + " " + answer.substring(answer.indexOf("\r\n\r\n") + 4);
        }
    }

    /** {@link #post(int, String, String, byte[])} as {@link #FORM}. */
    static String post(int port, String path, byte[] body) throws IOException {
        return post(port, path, FORM, body);
    }
}
