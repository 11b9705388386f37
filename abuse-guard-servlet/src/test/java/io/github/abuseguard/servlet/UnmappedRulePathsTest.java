package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.AbuseGuardSettings;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/**
 * user61 F3: a plain servlet application whose rule names a path no servlet serves, or a path outside the filter's
 * own mapping, got no word at start-up; the rule looked in force and never applied. The Spring Boot starter warns
 * about the first against Spring MVC's routes; the servlet filter now reads the container's mappings.
 */
class UnmappedRulePathsTest {

    /** What starting a Jetty context logs with the filter of these rule paths mapped to {@code filterMapping}. */
    private static String startUp(String filterMapping, Map<String, String> servlets, String... paths)
            throws Exception {
        return startUp(io.github.abuseguard.RouteTable.empty(), filterMapping, servlets, paths);
    }

    private static String startUp(
            io.github.abuseguard.RouteTable routes, String filterMapping, Map<String, String> servlets, String... paths)
            throws Exception {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < paths.length; i++) {
            properties.put("abuse-guard.rate-limit.rules.login.paths[" + i + "]", paths[i]);
        }
        properties.put("abuse-guard.rate-limit.rules.login.limits[0].capacity", "5");
        properties.put("abuse-guard.rate-limit.rules.login.limits[0].period", "1m");
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        AbuseGuardFilter filter;
        try {
            filter = AbuseGuardFilter.fromSettings(AbuseGuardSettings.bind(properties), added -> added.routes(routes));
        } finally {
            System.setErr(original);
        }
        Server server = new Server(0);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(filter), filterMapping, EnumSet.of(DispatcherType.REQUEST));
        servlets.forEach((mapping, name) -> {
            ServletHolder holder = new ServletHolder(name, new HttpServlet() {});
            context.addServlet(holder, mapping);
        });
        server.setHandler(context);
        try {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            server.start();
        } finally {
            server.stop();
            System.setErr(original);
            filter.destroy();
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMisspeltPathIsAWarningNamingTheRule() throws Exception {
        String log = startUp("/*", Map.of("/api/login", "login", "/api/images/*", "images"), "/api/logn");

        assertThat(log)
                .contains("WARN")
                .contains("rate-limit rule 'login'")
                .contains("path '/api/logn' matches no servlet mapping of this context");
    }

    /** user65 F9: a path that matches none of the routes given to the filter is one warning, naming its property. */
    @Test
    void aMisspeltPathBesideGivenRoutesIsOneWarning() throws Exception {
        String log = startUp(
                io.github.abuseguard.RouteTable.of(java.util.List.of("/api/login", "/api/images/{id}")),
                "/*",
                Map.of("/api/login", "login", "/api/images/*", "images"),
                "/api/logn");

        assertThat(log).contains("abuse-guard.rate-limit.rules.login.paths[0]: '/api/logn' matches no route given");
        assertThat(log).doesNotContain("matches no servlet mapping");
    }

    @Test
    void servedPathsAreNotWarnedAbout() throws Exception {
        String log = startUp(
                "/*",
                Map.of("/api/login", "login", "/api/images/*", "images", "*.do", "actions"),
                "/api/login",
                "/api/images/{id}",
                "/api/images",
                "/api/**",
                "/reports/monthly.do");

        assertThat(log).doesNotContain("matches no servlet mapping").doesNotContain("outside the abuse-guard filter");
    }

    @Test
    void aDefaultServletServesEveryPath() throws Exception {
        String log = startUp("/*", Map.of("/", "default"), "/api/logn", "/anything/**");

        assertThat(log).doesNotContain("matches no servlet mapping");
    }

    @Test
    void aPathOutsideTheFiltersMappingIsAWarning() throws Exception {
        String log = startUp("/api/*", Map.of("/api/*", "api", "/admin/*", "admin"), "/admin/**", "/api/login");

        assertThat(log)
                .contains("path '/admin/**' is outside the abuse-guard filter's mappings [/api/*]")
                .doesNotContain("path '/api/login' is outside");
    }

    @Test
    void aWildcardUnderNoMappedPrefixIsAWarning() throws Exception {
        String log = startUp("/*", Map.of("/api/*", "api"), "/apii/**", "/{version}/login");

        assertThat(log)
                .contains("path '/apii/**' matches no servlet mapping")
                .doesNotContain("path '/{version}/login' matches no servlet mapping");
    }
}
