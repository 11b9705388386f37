package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.store.LocalStateStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * probe47a F3: with {@code session: session}, a log-in that creates the session was recorded under the client's
 * address, never under the session it created, so "card requires login" refused every user right after logging
 * in. The step is recorded under the session the application gave the client too.
 */
class SessionGivenStepTest {

    @Test
    void aStepThatCreatesTheSessionCountsForThatSession() throws Exception {
        LocalStateStore store = LocalStateStore.builder().build();
        SequenceGuard sequence = SequenceGuard.builder()
                .session(KeyResolver.session())
                .trails(store.trails("sequence", 20, Duration.ofMinutes(30)))
                .inventory(EndpointInventory.withDefaults(io.github.abuseguard.TimeSource.system()))
                .rule(new PrecedenceRule(
                        "card-after-login",
                        PrecedenceRule.Kind.REQUIRES,
                        "POST /card",
                        "POST /login",
                        2,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "test"))
                .build();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(sequence).build())
                .build();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(
                new ServletHolder(new HttpServlet() {
                    @Override
                    protected void service(HttpServletRequest request, HttpServletResponse response)
                            throws IOException {
                        if (request.getRequestURI().equals("/login")) {
                            request.getSession(true); // the log-in creates the session
                        }
                        response.getWriter().write("ok");
                    }
                }),
                "/*");
        server.setHandler(context);
        server.start();
        try {
            HttpClient browser =
                    HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
            assertThat(post(browser, base.resolve("/card")).statusCode())
                    .as("no log-in yet")
                    .isEqualTo(403);
            assertThat(post(browser, base.resolve("/login")).statusCode()).isEqualTo(200);
            assertThat(post(browser, base.resolve("/card")).statusCode())
                    .as("the user who just logged in, presenting the session the log-in created")
                    .isEqualTo(200);
            HttpClient stranger =
                    HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            stranger.send(HttpRequest.newBuilder(base.resolve("/other")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post(stranger, base.resolve("/login")).statusCode()).isEqualTo(200);
            assertThat(post(stranger, base.resolve("/card")).statusCode())
                    .as("another browser logging in")
                    .isEqualTo(200);
        } finally {
            server.stop();
        }
    }

    private static HttpResponse<String> post(HttpClient client, URI uri) throws Exception {
        return client.send(
                HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
