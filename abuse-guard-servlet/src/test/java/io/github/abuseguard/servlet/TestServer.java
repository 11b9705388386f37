package io.github.abuseguard.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty server on a free loopback port with the filter in front of an application that tells
 * what it received: body length and SHA-256, a parameter, the tag header and the evaluation attribute.
 */
final class TestServer implements AutoCloseable {
    private final Server server;
    private final HttpClient client = HttpClient.newHttpClient();

    TestServer(Filter filter) throws Exception {
        this(filter, 200);
    }

    /** A server of at most {@code maxThreads} request threads. */
    TestServer(Filter filter, int maxThreads) throws Exception {
        this(filter, maxThreads, new EchoServlet());
    }

    /** A server with {@code application} behind the filter instead of the echoing one. */
    TestServer(Filter filter, HttpServlet application) throws Exception {
        this(filter, 200, application);
    }

    private TestServer(Filter filter, int maxThreads, HttpServlet application) throws Exception {
        server = new Server(new org.eclipse.jetty.util.thread.QueuedThreadPool(maxThreads, Math.min(8, maxThreads)));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        FilterHolder filterHolder = new FilterHolder(filter);
        filterHolder.setAsyncSupported(true);
        context.addFilter(filterHolder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        ServletHolder servletHolder = new ServletHolder(application);
        servletHolder.setAsyncSupported(true);
        context.addServlet(servletHolder, "/*");
        server.setHandler(context);
        server.start();
    }

    URI uri(String pathAndQuery) {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /**
     * The whole response, head and body, to {@code request} written as it is on a new connection (with
     * {@code Host} and {@code Connection: close} added): for what {@link HttpClient} refuses to send, such
     * as a broken {@code %} escape in the query.
     */
    String exchange(String request) throws IOException {
        byte[] bytes = request.replace("HTTP/1.1\r\n", "HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", uri("/").getPort())) {
            socket.setSoTimeout(60_000); // bounds a failure only: the read ends at the server's answer
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)));
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class EchoServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getRequestURI().endsWith("/crash")) {
                throw new IllegalStateException("the application failed");
            }
            if (request.getRequestURI().endsWith("/dispatch")) {
                response.getWriter().print("dispatch=" + request.getDispatcherType());
                return;
            }
            String param = request.getParameter("name");
            byte[] body;
            try (InputStream in = request.getInputStream()) {
                body = in.readAllBytes();
            }
            response.setContentType("text/plain");
            response.setStatus(request.getRequestURI().endsWith("/fail") ? 401 : 200);
            response.getWriter()
                    .printf(
                            "length=%d sha=%s name=%s tag=%s evaluated=%s",
                            body.length,
                            sha256(body),
                            param,
                            request.getHeader("X-Abuse-Guard-Risk"),
                            request.getAttribute(AbuseGuardFilter.EVALUATION_ATTRIBUTE) != null);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
