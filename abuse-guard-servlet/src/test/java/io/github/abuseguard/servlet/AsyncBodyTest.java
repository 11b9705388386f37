package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On a real Tomcat and a real Jetty, an application that reads a body the guard captured with the
 * servlet async API gets every byte: with non-blocking I/O (a {@link ReadListener}), after its own
 * {@code startAsync()} and {@code dispatch()} (reading on the async pass), and from the async context's
 * request on another thread. The guard reads a body field on every path, so the body is always captured.
 */
class AsyncBodyTest {
    private static final int MAX_BODY_BYTES = 1024;

    private final List<GuardEvent> events = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private AutoCloseable server;
    private int port;

    enum Container {
        TOMCAT,
        JETTY
    }

    static Stream<Arguments> containers() {
        return Stream.of(
                Arguments.of(Container.TOMCAT, false),
                Arguments.of(Container.TOMCAT, true),
                Arguments.of(Container.JETTY, false),
                Arguments.of(Container.JETTY, true));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        assertThat(events).noneMatch(event -> event.kind() == GuardEvent.Kind.FAILED);
    }

    @ParameterizedTest(name = "{0}, tag header {1}")
    @MethodSource("containers")
    void aReadListenerGetsEveryByteOfACapturedBody(Container container, boolean tagged) throws Exception {
        start(container, tagged);
        assertDelivered("/nb/json", "application/json", utf8("{\"username\":\"bob\",\"n\":\"\u00e9\"}"));
        assertDelivered("/nb/form", "application/x-www-form-urlencoded", utf8("username=bob&n=%C3%A9"));
        assertDelivered(
                "/nb/large",
                "application/json",
                utf8("{\"username\":\"bob\",\"pad\":\"" + "p".repeat(200_000) + "\"}"));
        for (int size : new int[] {MAX_BODY_BYTES, MAX_BODY_BYTES + 1, MAX_BODY_BYTES + 2}) {
            byte[] body = sized(size);
            assertDelivered("/nb/cap", "application/json", body);
            assertDelivered("/nb/chunked", "application/json", body, true);
        }
    }

    /** A JSON body of exactly {@code size} bytes naming a user. */
    private static byte[] sized(int size) {
        String head = "{\"username\":\"bob\",\"pad\":\"";
        return utf8(head + "p".repeat(size - head.length() - 2) + "\"}");
    }

    @ParameterizedTest(name = "{0}, tag header {1}")
    @MethodSource("containers")
    void theApplicationsOwnAsyncDispatchReadsEveryByteOfACapturedBody(Container container, boolean tagged)
            throws Exception {
        start(container, tagged);
        assertDelivered("/dispatch/json", "application/json", utf8("{\"username\":\"bob\"}"));
        assertDelivered("/dispatch/form", "application/x-www-form-urlencoded", utf8("username=bob&x=1"));
        assertDelivered("/context/json", "application/json", utf8("{\"username\":\"bob\"}"));
    }

    private void assertDelivered(String path, String contentType, byte[] body) throws Exception {
        assertDelivered(path, contentType, body, false);
    }

    private void assertDelivered(String path, String contentType, byte[] body, boolean chunked) throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", contentType)
                        .POST(
                                chunked
                                        ? HttpRequest.BodyPublishers.ofInputStream(
                                                () -> new java.io.ByteArrayInputStream(body))
                                        : HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        assertThat(response.body()).as(path).isEqualTo("length=" + body.length + " sha=" + TestServer.sha256(body));
    }

    private Filter filter(boolean tagged) {
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("per-user")
                        .path("/**")
                        .key("body:/username")
                        .limit(Limit.of(1_000, Duration.ofHours(1)))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(limits)
                .listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent event) {
                        events.add(event);
                    }
                })
                .build();
        return AbuseGuardFilter.builder()
                .engine(engine)
                .maxBodyBytes(MAX_BODY_BYTES)
                .refuseUnreadableBody(false) // the large body goes on, its prefix captured
                .tagHeader(tagged ? "X-Risk" : null)
                .build();
    }

    private void start(Container container, boolean tagged) throws Exception {
        Filter filter = filter(tagged);
        if (container == Container.JETTY) {
            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            FilterHolder holder = new FilterHolder(filter);
            holder.setAsyncSupported(true);
            context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
            add(context, "/nb/*", new NonBlockingReader());
            add(context, "/dispatch/*", new OwnDispatch());
            add(context, "/context/*", new ContextReader());
            jetty.setHandler(context);
            jetty.start();
            port = connector.getLocalPort();
            server = jetty::stop;
        } else {
            TestTomcat tomcat = new TestTomcat()
                    .filter("guard", filter, DispatcherType.REQUEST, DispatcherType.ASYNC)
                    .servlet("nb", "/nb/*", new NonBlockingReader())
                    .servlet("dispatch", "/dispatch/*", new OwnDispatch())
                    .servlet("context", "/context/*", new ContextReader())
                    .start();
            port = tomcat.port();
            server = tomcat::close;
        }
    }

    private static void add(ServletContextHandler context, String path, HttpServlet servlet) {
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, path);
    }

    private static void answer(ServletResponse response, byte[] body) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().print("length=" + body.length + " sha=" + TestServer.sha256(body));
    }

    /** Reads with a {@link ReadListener}, the way Servlet 3.1 non-blocking readers (proxies, WebFlux) do. */
    static final class NonBlockingReader extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AsyncContext async = request.startAsync();
            ServletInputStream in = request.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            in.setReadListener(new ReadListener() {
                @Override
                public void onDataAvailable() throws IOException {
                    byte[] chunk = new byte[4096];
                    while (in.isReady() && !in.isFinished()) {
                        int read = in.read(chunk);
                        if (read == -1) {
                            break;
                        }
                        received.write(chunk, 0, read);
                    }
                }

                @Override
                public void onAllDataRead() throws IOException {
                    answer(async.getResponse(), received.toByteArray());
                    async.complete();
                }

                @Override
                public void onError(Throwable failure) {
                    ((HttpServletResponse) async.getResponse()).setStatus(500);
                    async.complete();
                }
            });
        }
    }

    /** Goes async on the first pass and reads the body on the async dispatch it asks for. */
    static final class OwnDispatch extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getDispatcherType() == DispatcherType.REQUEST) {
                request.startAsync().dispatch();
                return;
            }
            byte[] body;
            try (InputStream in = request.getInputStream()) {
                body = in.readAllBytes();
            }
            answer(response, body);
        }
    }

    /** Goes async and reads the async context's request on another thread. */
    static final class ContextReader extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync();
            async.start(() -> {
                try (InputStream in = async.getRequest().getInputStream()) {
                    answer(async.getResponse(), in.readAllBytes());
                } catch (IOException e) {
                    ((HttpServletResponse) async.getResponse()).setStatus(500);
                }
                async.complete();
            });
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
