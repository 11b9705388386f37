package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * review77 F9: behind a proxy that talks to Jetty over a Unix-domain socket, the connection's peer has no IP address,
 * so the filter took the container's {@code getRemoteAddr()}, which Jetty's {@code ForwardedRequestCustomizer} takes
 * from the leftmost {@code X-Forwarded-For} hop the client writes: a fresh header bought a fresh budget. A Unix-domain
 * peer is on this machine, and is now the loopback address: one client unless {@code 127.0.0.1} is a trusted proxy,
 * whose forwarded hops are then read from the right, as over TCP.
 */
class UnixDomainPeerTest {

    @TempDir
    Path directory;

    private final List<String> seenPeers = new ArrayList<>();

    private Server start(Path socket, ClientResolver clients) throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(RateLimitGuard.builder()
                                .rule(RateLimitRule.builder("per-ip")
                                        .path("/api/**")
                                        .limit(Limit.of(3, Duration.ofMinutes(5)))
                                        .build())
                                .build())
                        .build())
                .clientResolver(clients)
                .build();
        Server server = new Server();
        HttpConfiguration configuration = new HttpConfiguration();
        configuration.addCustomizer(new ForwardedRequestCustomizer());
        UnixDomainServerConnector connector =
                new UnixDomainServerConnector(server, new HttpConnectionFactory(configuration));
        connector.setUnixDomainPath(socket);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(
                new ServletHolder(new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                        synchronized (seenPeers) {
                            seenPeers.add(ConnectionPeer.of(request));
                        }
                        response.getWriter().print("ok");
                    }
                }),
                "/*");
        server.setHandler(context);
        server.start();
        return server;
    }

    /** The status line of one GET over the socket, with {@code X-Forwarded-For: forwardedFor}. */
    private static String get(Path socket, String path, String forwardedFor) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            String request = "GET " + path + " HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-For: " + forwardedFor
                    + "\r\nConnection: close\r\n\r\n";
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            StringBuilder answer = new StringBuilder();
            while (channel.read(buffer) > 0) {
                buffer.flip();
                answer.append(StandardCharsets.ISO_8859_1.decode(buffer));
                buffer.clear();
            }
            return answer.substring(0, answer.indexOf("\r\n"));
        }
    }

    @Test
    void aFreshXForwardedForOverAUnixSocketBuysNoFreshBudget() throws Exception {
        Path socket = directory.resolve("jetty.sock");
        Server server = start(socket, ClientResolver.peerOnly());
        try {
            int passed = 0;
            for (int i = 1; i <= 10; i++) {
                if (get(socket, "/api/images/" + i, "198.51.100." + i).contains(" 200 ")) {
                    passed++;
                }
            }
            assertThat(passed)
                    .as("requests over one Unix socket that passed a limit of 3")
                    .isEqualTo(3);
            assertThat(seenPeers).containsOnly("127.0.0.1");
        } finally {
            server.stop();
        }
    }

    @Test
    void theLoopbackAsATrustedProxyReadsTheForwardedClientFromTheRight() throws Exception {
        Path socket = directory.resolve("jetty.sock");
        Server server = start(
                socket, ClientResolver.builder().trustedProxies("127.0.0.1/32").build());
        try {
            int passed = 0;
            for (int i = 1; i <= 10; i++) {
                // the client writes the left hop; the proxy appends the address it saw, the same each time
                if (get(socket, "/api/images/" + i, "203.0.113." + i + ", 198.51.100.7")
                        .contains(" 200 ")) {
                    passed++;
                }
            }
            assertThat(passed)
                    .as("one forwarded client behind the trusted local proxy")
                    .isEqualTo(3);
            // two clients the proxy tells apart each get their own budget
            assertThat(get(socket, "/api/images/x", "198.51.100.8")).contains(" 200 ");
        } finally {
            server.stop();
        }
    }
}
