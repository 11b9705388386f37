package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.StandardError;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * review158 (control for ContainerAuthentication): a Jetty context with a security handler that only forbids a path
 * (a {@code <security-constraint>} with an empty auth-constraint, no login-config), where the container checks no
 * password, must not be warned of.
 */
class Review158JettyConstraintOnlyTest {

    static final class Page extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print("page");
        }
    }

    @Test
    void aConstraintWithoutALoginIsQuiet() throws Exception {
        String printed = StandardError.printedBy(() -> start(true).stop());
        assertThat(printed).doesNotContain("The container checks passwords itself");
    }

    /** The security handler every Jetty WebAppContext has (Spring Boot's on Jetty too), with nothing configured. */
    @Test
    void aSecurityHandlerWithNothingConfiguredIsQuiet() throws Exception {
        String printed = StandardError.printedBy(() -> start(false).stop());
        assertThat(printed).doesNotContain("The container checks passwords itself");
    }

    private static Server start(boolean constrained) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context =
                new ServletContextHandler(ServletContextHandler.SESSIONS | ServletContextHandler.SECURITY);
        ConstraintSecurityHandler security = (ConstraintSecurityHandler) context.getSecurityHandler();
        ConstraintMapping forbidden = new ConstraintMapping();
        forbidden.setPathSpec("/private/*");
        forbidden.setConstraint(Constraint.FORBIDDEN);
        if (constrained) {
            security.addConstraintMapping(forbidden);
        }
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(FailureGuard.builder()
                                .store(LocalStateStore.builder().build())
                                .rule(FailureRule.builder("guesses")
                                        .path("/**")
                                        .statuses("401")
                                        .maxRetry(3)
                                        .findTime(Duration.ofMinutes(10))
                                        .banTime(Duration.ofMinutes(15))
                                        .build())
                                .build())
                        .build())
                .build();
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Page()), "/");
        server.setHandler(context);
        server.start();
        return server;
    }
}
