package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.StandardError;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.Principal;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.authenticator.BasicAuthenticator;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.catalina.realm.RealmBase;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;
import org.junit.jupiter.api.Test;

/**
 * probe85b F2 on Tomcat: a {@code <login-config>} BASIC login is checked by Tomcat's authenticator valve, which runs
 * before the filter chain, so a wrong password is answered 401 without the filter: neither a rate limit of 5 a minute
 * per address nor a failure rule banning an address after 3 failures saw any of 12 guesses, and nothing said so. No
 * filter can see them; start-up now says so with a WARN naming the way out.
 */
class Probe85bTomcatContainerAuthTest {

    /** One user, {@code alice} / {@code right}, in role {@code user}. */
    static final class OneUser extends RealmBase {
        @Override
        protected String getPassword(String username) {
            return "alice".equals(username) ? "right" : null;
        }

        @Override
        protected Principal getPrincipal(String username) {
            return new GenericPrincipal(username, List.of("user"));
        }
    }

    static final class Page extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print("page for " + request.getRemoteUser());
        }
    }

    private static final String WARNING = "The container checks passwords itself (BASIC authentication)";

    @Test
    void tomcatsOwnBasicLoginIsWarnedOfAtStartUp() throws Exception {
        String printed = StandardError.printedBy(() -> serve(true, port -> {
            assertThat(send(port, "alice:right")).as("the right password").isEqualTo("200");
            assertThat(send(port, "alice:guess"))
                    .as("a wrong one, answered by Tomcat")
                    .isEqualTo("401");
        }));
        assertThat(printed.lines().filter(line -> line.contains("WARN") && line.contains(WARNING)))
                .as(printed)
                .hasSize(1);
        assertThat(printed).contains("request.login(user, password)");
    }

    @Test
    void aContextWithoutTheContainersLoginIsQuiet() throws Exception {
        String printed = StandardError.printedBy(() ->
                serve(false, port -> assertThat(send(port, "alice:guess")).isEqualTo("200")));
        assertThat(printed).doesNotContain("The container checks passwords itself");
    }

    interface Exchange {
        void run(int port) throws Exception;
    }

    private static void serve(boolean basicLogin, Exchange exchange) throws Exception {
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
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        if (basicLogin) {
            context.setRealm(new OneUser());
            LoginConfig login = new LoginConfig();
            login.setAuthMethod("BASIC");
            login.setRealmName("demo");
            context.setLoginConfig(login);
            context.getPipeline().addValve(new BasicAuthenticator());
            SecurityConstraint constraint = new SecurityConstraint();
            constraint.addAuthRole("user");
            SecurityCollection secured = new SecurityCollection();
            secured.addPattern("/api/secure/*");
            constraint.addCollection(secured);
            context.addConstraint(constraint);
            context.addSecurityRole("user");
        }
        FilterDef definition = new FilterDef();
        definition.setFilterName("abuse-guard");
        definition.setFilter(filter);
        context.addFilterDef(definition);
        FilterMap map = new FilterMap();
        map.setFilterName("abuse-guard");
        map.addURLPatternDecoded("/*");
        context.addFilterMap(map);
        Wrapper page = Tomcat.addServlet(context, "page", new Page());
        context.addServletMappingDecoded("/", page.getName());
        tomcat.start();
        try {
            exchange.run(connector.getLocalPort());
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    private static String send(int port, String credentials) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/secure/data HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Basic "
                            + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).substring(9, 12);
        }
    }
}
