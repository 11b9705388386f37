package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.AbuseGuardSettings;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * review88: an application whose endpoints a filter serves (Jersey's ServletContainer or Struts 2 registered as a
 * filter, a pac4j/Shiro login filter) on an embedded Jetty context with no servlet: Jetty's Default404Servlet is
 * skipped, nothing is "served", and every rule path is reported as one that "never applies", while the abuse-guard
 * filter runs on every request and the rule is in force.
 */
class Review88UnmappedRulePathsTest {

    @Test
    void aPathAFilterServesIsNoUnmappedPath() throws Exception {
        AbuseGuardFilter guard = AbuseGuardFilter.fromSettings(AbuseGuardSettings.bind(Map.of(
                "abuse-guard.rate-limit.rules.login.paths[0]", "/api/login",
                "abuse-guard.rate-limit.rules.login.limits[0].capacity", "2",
                "abuse-guard.rate-limit.rules.login.limits[0].period", "1m")));
        Filter endpoint = (request, response, chain) -> {
            // the framework's filter answers the endpoint itself, as Jersey-as-a-filter or Struts 2 do
            ((HttpServletResponse) response).setStatus(200);
            response.getWriter().print("ok");
        };
        Server server = new Server(0);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(guard), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(endpoint), "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int refused = 0;
        try {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            server.start();
            System.setErr(original);
            int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> answer = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/login"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 429) {
                    refused++;
                }
            }
        } finally {
            System.setErr(original);
            server.stop();
            guard.destroy();
        }
        assertThat(refused)
                .as("the rule is in force: the third request is over its limit")
                .isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .as("a rule in force is not one that never applies")
                .doesNotContain("matches no servlet mapping");
    }
}
