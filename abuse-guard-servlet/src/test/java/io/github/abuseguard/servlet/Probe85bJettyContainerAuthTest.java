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
import org.eclipse.jetty.security.Authenticator;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.security.authentication.FormAuthenticator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Credential;
import org.junit.jupiter.api.Test;

/**
 * probe85b F2 on Jetty 12: a plain servlet application that lets the container check passwords (Jetty's {@code
 * ConstraintSecurityHandler} with a BASIC or FORM authenticator, as a {@code <login-config>} makes) has them checked
 * before any filter runs: 12 of 12 wrong passwords from one address reached the check through a limit of 5 a minute
 * and a ban after 3 failures, and nothing said so. No filter can see them; start-up now says so with a WARN.
 */
class Probe85bJettyContainerAuthTest {

    static final class Page extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print("page for " + request.getRemoteUser());
        }
    }

    @Test
    void jettysOwnBasicLoginIsWarnedOfAtStartUp() throws Exception {
        String printed =
                StandardError.printedBy(() -> start(new BasicAuthenticator()).stop());
        assertThat(warnings(printed, "(BASIC authentication)")).as(printed).isEqualTo(1);
    }

    @Test
    void jettysOwnFormLoginIsWarnedOfAtStartUp() throws Exception {
        String printed =
                StandardError.printedBy(() -> start(new FormAuthenticator("/login.html", "/login.html?error", false))
                        .stop());
        assertThat(warnings(printed, "(FORM authentication)")).as(printed).isEqualTo(1);
    }

    @Test
    void aContextWithoutTheContainersLoginIsQuiet() throws Exception {
        String printed = StandardError.printedBy(() -> start(null).stop());
        assertThat(printed).doesNotContain("The container checks passwords itself");
    }

    /**
     * review158 F5: a security handler that checks no password (a {@code <security-constraint>} with an empty
     * auth-constraint and no login-config; or the handler every Jetty WebAppContext has, Spring Boot's on Jetty too,
     * with nothing configured) was warned of as "(null authentication)".
     */
    @Test
    void aSecurityHandlerThatOnlyForbidsOrHoldsNothingIsQuiet() throws Exception {
        for (boolean forbidding : new boolean[] {true, false}) {
            String printed =
                    StandardError.printedBy(() -> start(null, true, forbidding).stop());
            assertThat(printed).as("forbidding: " + forbidding).doesNotContain("The container checks passwords itself");
        }
    }

    private static long warnings(String printed, String method) {
        return printed.lines()
                .filter(line ->
                        line.contains("WARN") && line.contains("The container checks passwords itself " + method))
                .count();
    }

    private static Server start(Authenticator authenticator) throws Exception {
        return start(authenticator, authenticator != null, false);
    }

    /** A context with a security handler where {@code withSecurity}: an authenticator, a forbidding rule, or nothing. */
    private static Server start(Authenticator authenticator, boolean withSecurity, boolean forbidding)
            throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(
                ServletContextHandler.SESSIONS | (withSecurity ? ServletContextHandler.SECURITY : 0));
        if (forbidding) {
            ConstraintMapping forbidden = new ConstraintMapping();
            forbidden.setPathSpec("/private/*");
            forbidden.setConstraint(Constraint.FORBIDDEN);
            ((ConstraintSecurityHandler) context.getSecurityHandler()).addConstraintMapping(forbidden);
        }
        if (authenticator != null) {
            ConstraintSecurityHandler security = (ConstraintSecurityHandler) context.getSecurityHandler();
            HashLoginService users = new HashLoginService("demo");
            UserStore store = new UserStore();
            store.addUser("alice", Credential.getCredential("right"), new String[] {"user"});
            users.setUserStore(store);
            security.setLoginService(users);
            security.setAuthenticator(authenticator);
            ConstraintMapping secured = new ConstraintMapping();
            secured.setPathSpec("/api/secure/*");
            secured.setConstraint(Constraint.from("user"));
            security.addConstraintMapping(secured);
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
