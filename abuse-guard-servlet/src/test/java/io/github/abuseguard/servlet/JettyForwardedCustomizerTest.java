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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * probe59c F2: Jetty's {@link ForwardedRequestCustomizer}, the way a Jetty application behind a proxy gets its
 * scheme, host and client address, believes {@code X-Forwarded-For} from every peer and takes its leftmost hop,
 * which the client writes. It rewrites the address inside the container, so the filter's {@code getRemoteAddr()}
 * is the client's choice: 300 of 300 requests with a fresh header each passed a 100 per 5 minutes per-address
 * limit (100 of 300 without the header). As Spring's {@code ForwardedHeaderFilter} is looked through, the guard
 * should key such a client by the connection's peer (its {@code trusted-proxies} alone deciding whose hops are
 * believed), or refuse to start, naming the customizer.
 */
class JettyForwardedCustomizerTest {

    @Test
    void anAddressTheClientWritesInXForwardedForDoesNotBuyAFreshBudgetOnJetty() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(RateLimitGuard.builder()
                                .rule(RateLimitRule.builder("per-ip")
                                        .path("/api/**")
                                        .limit(Limit.of(3, Duration.ofMinutes(5)))
                                        .build())
                                .build())
                        .build())
                .build();
        Server server = new Server();
        HttpConfiguration configuration = new HttpConfiguration();
        configuration.addCustomizer(new ForwardedRequestCustomizer());
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(configuration));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(
                new ServletHolder(new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                        response.getWriter().print("ok");
                    }
                }),
                "/*");
        server.setHandler(context);
        server.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            int passed = 0;
            for (int i = 1; i <= 10; i++) {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/api/images/" + i))
                                .header("X-Forwarded-For", "198.51.100." + i)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    passed++;
                }
            }
            assertThat(passed)
                    .as("requests of one connection's peer that passed a limit of 3")
                    .isLessThanOrEqualTo(3);
        } finally {
            server.stop();
        }
    }
}
