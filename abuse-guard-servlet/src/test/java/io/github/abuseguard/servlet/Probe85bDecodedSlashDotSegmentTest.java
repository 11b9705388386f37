package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * probe85b F1: a Jetty that decodes ambiguous URIs ({@code UriCompliance.LEGACY} or {@code UNSAFE} with
 * {@code ServletHandler.setDecodeAmbiguousURIs(true)}, what applications with IDs holding {@code %2F} configure) decodes
 * {@code /api/x/..%2Flogin} to the servlet path {@code /api/x/../login}: a {@code ..} segment that exists only once
 * {@code %2F} is decoded. {@link UnresolvedPaths} looks for dot segments in the URI as sent, split at its literal
 * slashes, so it refuses {@code /api/x/%2e%2e/login} but not this spelling; the guards then match the path with its
 * {@code ..} as a literal segment, while an application that resolves its path info (a front controller, a file or
 * template servlet) serves {@code /api/login}. The README's Path patterns promise that a dot segment "as sent, written out
 * or encoded" is refused 400 before any guard.
 */
class Probe85bDecodedSlashDotSegmentTest {

    /** A front controller on {@code /api/*} that routes by its resolved path info, as small servlet routers do. */
    static final class FrontController extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String route = URI.create(request.getPathInfo()).normalize().getPath();
            response.setStatus(route.equals("/login") ? 401 : 404);
            response.getWriter().print("route=" + route);
        }
    }

    @Test
    void aDotSegmentMadeByADecodedSlashIsRefusedAsAnEncodedOneIs() throws Exception {
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("login")
                        .path("/api/login")
                        .limit(Limit.of(3, Duration.ofMinutes(1)))
                        .build())
                .build();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(limits).build())
                .build();
        Server server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        config.setUriCompliance(UriCompliance.LEGACY);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new FrontController()), "/api/*");
        server.setHandler(context);
        server.start();
        try {
            int port = connector.getLocalPort();
            assertThat(post(port, "/api/x/%2e%2e/login"))
                    .as("an encoded dot segment, refused before any guard (probe45a F3)")
                    .startsWith("HTTP/1.1 400");
            List<String> answers = new ArrayList<>();
            for (String spelling : List.of(
                    "/api/x/..%2Flogin",
                    "/api/x/..%2flogin",
                    "/api/x%2F..%2Flogin",
                    "/api/x/%2e%2e%2Flogin",
                    "/api/a/b/..%2F..%2Flogin",
                    "/api/.%2Flogin")) {
                answers.add(spelling + " -> " + post(port, spelling));
            }
            assertThat(answers)
                    .as(
                            "the login served under spellings whose dot segments appear once %2F is decoded; the limit is 3 a"
                                    + " minute and none of these was refused")
                    .allMatch(answer -> answer.contains("HTTP/1.1 400"));
        } finally {
            server.stop();
        }
    }

    private static String post(int port, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int body = answer.indexOf("\r\n\r\n");
            return answer.substring(0, answer.indexOf("\r\n")) + " " + (body < 0 ? "" : answer.substring(body + 4));
        }
    }
}
