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
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * review92 (410d47bc): Jetty's ForwardedRequestCustomizer unquotes a Forwarded parameter's quoted name, so
 * {@code Forwarded: "host"=clone} makes the target the clone's host, while forwardsHost looks for the text
 * {@code host=} only. (Class Javadoc below copied from review91's test.)
 *
 * review91 F3: where proxies are named, a request from another peer that forwards a host is refused as another site's
 * proxy; Jetty's ForwardedRequestCustomizer also takes the host from {@code X-Forwarded-Server} (and rewrites the
 * {@code Host} field the check reads), so a relay sending that alone made the target the clone's own host and passed.
 */
class Review92ForwardedHostSpellingTest {
    private static final int PORT = 19951;
    private static final String CLONE = "https://cartoonify-free.example";
    private static String HEADER = "X-Forwarded-Server";
    private static String VALUE = "cartoonify-free.example";

    private static int status(boolean customizer, boolean forwardedHost) throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(RateLimitGuard.builder()
                                .rule(RateLimitRule.builder("per-ip")
                                        .path("/api/**")
                                        .limit(Limit.of(100, Duration.ofMinutes(5)))
                                        .build())
                                .build())
                        .build())
                .clientResolver(
                        ClientResolver.builder().trustedProxies("10.0.0.0/8").build())
                .build();
        Server server = new Server(PORT);
        if (customizer) {
            ((ServerConnector) server.getConnectors()[0])
                    .getConnectionFactory(HttpConnectionFactory.class)
                    .getHttpConfiguration()
                    .addCustomizer(new ForwardedRequestCustomizer());
        }
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(
                new ServletHolder(new HttpServlet() {
                    @Override
                    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
                        seenHost = request.getServerName() + " Host=" + request.getHeader("Host");
                        response.getWriter().print("created");
                    }
                }),
                "/*");
        server.setHandler(context);
        server.start();
        try {
            int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            HttpRequest.Builder relayed = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                    .header(
                            "User-Agent",
                            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                                    + " Chrome/130.0.0.0 Safari/537.36")
                    .header("Accept-Language", "en-GB,en;q=0.9")
                    .header("Content-Type", "application/json")
                    .header("Origin", CLONE)
                    .header("Sec-Fetch-Site", "same-origin")
                    .header("Sec-Fetch-Mode", "cors")
                    .header("Sec-Fetch-Dest", "empty")
                    // what Caddy's reverse_proxy adds by default: the clone's visitor, scheme and host
                    .header("X-Forwarded-For", "203.0.113.40")
                    .header("X-Forwarded-Proto", "https");
            if (forwardedHost) {
                relayed.header(HEADER, VALUE);
            }
            HttpResponse<String> signUp = HttpClient.newHttpClient()
                    .send(
                            relayed.POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@gmail.com\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return signUp.statusCode();
        } finally {
            server.stop();
            filter.destroy();
        }
    }

    /** what the customizer made of the request: its server name, as the application sees it */
    static volatile String seenHost;

    private static void expectRefused(String header, String value) throws Exception {
        HEADER = header;
        VALUE = value;
        seenHost = null;
        int status = status(true, true);
        assertThat(status)
                .as(header + ": " + value + " from an unnamed peer; the application saw host " + seenHost)
                .isIn(400, 403); // 400: Jetty's customizer itself rejects the value
        assertThat(seenHost).isNull();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "\"host\"=cartoonify-free.example",
                "\"HOST\"=\"cartoonify-free.example\"",
                "for=203.0.113.40;\"host\"=cartoonify-free.example",
                "ho\"st\"=cartoonify-free.example",
                "host =cartoonify-free.example",
                "host= cartoonify-free.example",
                "for=203.0.113.40;host=cartoonify-free.example",
                "HOST=cartoonify-free.example",
            })
    void aForwardedHostInAnySpellingJettyReadsIsRefused(String value) throws Exception {
        expectRefused("Forwarded", value);
    }
}
