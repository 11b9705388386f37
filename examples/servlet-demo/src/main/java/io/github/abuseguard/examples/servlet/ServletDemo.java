package io.github.abuseguard.examples.servlet;

import io.github.abuseguard.RouteTable;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.servlet.SettingsFile;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * A small image API on embedded Jetty 12, protected by {@link AbuseGuardFilter} configured from
 * {@code abuse-guard.yml} on the class path. Port from the {@code port} system property, 8081 by default.
 */
public final class ServletDemo {
    private final Server server;

    public ServletDemo(int port) {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        // the routes the servlets below serve: the engine plans each once, and the decision log names templates
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(
                SettingsFile.load("classpath:abuse-guard.yml", ServletDemo.class.getClassLoader()),
                add -> add.routes(RouteTable.of(List.of("/api/images/{id}", "/api/login", "/health"))));
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new ImageServlet()), "/api/images/*");
        context.addServlet(new ServletHolder(new LoginServlet()), "/api/login");
        context.addServlet(new ServletHolder(new HealthServlet()), "/health");
        server.setHandler(context);
    }

    public ServletDemo start() throws Exception {
        server.start();
        return this;
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public void stop() throws Exception {
        server.stop();
    }

    public static void main(String[] args) throws Exception {
        ServletDemo demo = new ServletDemo(Integer.getInteger("port", 8081)).start();
        LoggerFactory.getLogger(ServletDemo.class)
                .info("servlet demo on http://localhost:{}/api/images/1", demo.port());
        demo.server.join();
    }

    private static void json(HttpServletResponse response, int status, String body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write(body);
    }

    static final class ImageServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String id =
                    request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
            if (!id.matches("\\d{1,9}")) {
                json(response, 404, "{\"error\":\"no such image\"}");
                return;
            }
            json(response, 200, "{\"id\":" + id + ",\"url\":\"/images/" + id + ".png\",\"width\":640,\"height\":480}");
        }
    }

    static final class LoginServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            // Read JSON only when JSON is declared: the guard reads the body as its Content-Type says, and a JSON
            // body declared a form was keyed by a form field hidden in a string value (probe59c F1: 30 of 30 guesses
            // at one user). A servlet that reads its body in one format refuses every other, as Spring MVC does.
            String type = request.getContentType();
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                json(response, 415, "{\"error\":\"send application/json\"}");
                return;
            }
            Credentials credentials = Credentials.read(request);
            if (credentials == null) {
                json(response, 400, "{\"error\":\"send a JSON object with one username and one password\"}");
                return;
            }
            // any user name, one password: a demo. The JSON is read as a parser reads it, not searched as text, so a
            // wrong password with the right one elsewhere in the body does not sign in (probe72a F2)
            boolean ok =
                    !credentials.username().isEmpty() && credentials.password().equals("demo");
            json(response, ok ? 200 : 401, ok ? "{\"token\":\"demo-token\"}" : "{\"error\":\"bad credentials\"}");
        }
    }

    /** A login's top-level {@code username} and {@code password}. */
    record Credentials(String username, String password) {
        private static final JsonFactory JSON = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();

        /** The body's credentials, or {@code null} if it is no JSON object with exactly one string of each. */
        static @Nullable Credentials read(HttpServletRequest request) throws IOException {
            String username = null;
            String password = null;
            try (JsonParser json = JSON.createParser(ObjectReadContext.empty(), request.getInputStream())) {
                if (json.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                for (String name = json.nextName(); name != null; name = json.nextName()) {
                    JsonToken value = json.nextToken();
                    if (name.equals("username") || name.equals("password")) {
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        if (name.equals("username")) {
                            username = json.getString();
                        } else {
                            password = json.getString();
                        }
                    } else {
                        json.skipChildren();
                    }
                }
                if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
                    return null;
                }
            } catch (JacksonException notOneObject) {
                return null; // malformed, a duplicate key, or trailing content: the client's 400
            }
            return username == null || password == null ? null : new Credentials(username, password);
        }
    }

    static final class HealthServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            json(response, 200, "{\"status\":\"UP\"}");
        }
    }
}
