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
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * review88: review86 F1's fix (a forwarding header from a peer that is not a named proxy is no sign of the site's own
 * proxy) is set only from {@code abuse-guard.client.trusted-proxies} in SettingsAssembler. The README's own code
 * example names the proxies on the filter's ClientResolver ({@code trustedProxies("10.0.0.0/8")}), as does a Spring
 * application's own {@code ClientResolver} bean: there the engine's policy never learns that proxies are named, and a
 * clone relayed through Caddy/Apache/Traefik (X-Forwarded-For added) from an unnamed peer still passes.
 */
class Review88BuilderNamedProxiesTest {
    private static final String CLONE = "https://cartoonify-free.example";

    @Test
    void aRelayAddingXForwardedForIsRefusedWhereTheResolverNamesTheProxies() throws Exception {
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
        Server server = new Server(0);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(
                new ServletHolder(new HttpServlet() {
                    @Override
                    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
                        response.getWriter().print("created");
                    }
                }),
                "/*");
        server.setHandler(context);
        server.start();
        try {
            int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            HttpResponse<String> signUp = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
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
                                    .header("X-Forwarded-For", "203.0.113.40")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@gmail.com\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(signUp.statusCode()).as(signUp.body()).isEqualTo(403);
            assertThat(signUp.body()).contains("proxied-cross-site-request");
        } finally {
            server.stop();
            filter.destroy();
        }
    }
}
