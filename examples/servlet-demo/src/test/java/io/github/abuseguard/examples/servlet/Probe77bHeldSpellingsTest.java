package io.github.abuseguard.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.RouteTable;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.servlet.SettingsFile;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * probe77b, what held (these pass): through real HTTP on Jetty, behind a trusted proxy (the test's socket, 127.0.0.1,
 * and 10.0.0.0/8), every spelling a proxy may write of a denied address is denied, spellings and /64 rotation of one
 * client share one bucket, the forwarded header not configured is never read, and RFC 7239 elements are read from the
 * right in every casing and quoting. Also the helpers of the other probe77b HTTP tests.
 */
class Probe77bHeldSpellingsTest {

    static Server start(Path dir, String yaml) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, yaml);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(
                SettingsFile.load(file), add -> add.routes(RouteTable.of(List.of("/api/items/{id}"))));
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(
                new ServletHolder(new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest request, HttpServletResponse response)
                            throws java.io.IOException {
                        response.setStatus(200);
                        response.getWriter().write("ok");
                    }
                }),
                "/api/items/*");
        server.setHandler(context);
        server.start();
        return server;
    }

    static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Sends one raw HTTP/1.1 request (headers as written, CRLF added) and answers its status line and body. */
    static String send(Server server, String head) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port(server))) {
            OutputStream out = socket.getOutputStream();
            out.write((head.replace("\n", "\r\n") + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            in.transferTo(read);
            String answer = read.toString(StandardCharsets.ISO_8859_1);
            int eol = answer.indexOf("\r\n");
            int body = answer.indexOf("\r\n\r\n");
            return (eol < 0 ? answer : answer.substring(0, eol)) + " | "
                    + (body < 0
                            ? ""
                            : answer.substring(body + 4, Math.min(answer.length(), body + 4 + 160))
                                    .replace("\n", " "));
        }
    }

    private static void expectDenied(String what, String answer) {
        assertThat(answer).as(what).startsWith("HTTP/1.1 403");
    }

    private static void expectAllowed(String what, String answer) {
        assertThat(answer).as(what).startsWith("HTTP/1.1 200");
    }

    static final String YAML = """
            abuse-guard:
              client:
                trusted-proxies: [127.0.0.1, "10.0.0.0/8"]
              ip-lists:
                deny: ["203.0.113.0/24", "2001:db8:bad::/48"]
                allow: ["198.51.100.10"]
              rate-limit:
                rules:
                  per-ip:
                    paths: [/api/**]
                    limits:
                      - capacity: 3
                        period: 1m
            """;

    @Test
    void attackToolsAreRefusedInEveryCasingAndOrder(@TempDir Path dir) throws Exception {
        Server server = start(dir, """
                abuse-guard:
                  rate-limit:
                    rules:
                      per-ip:
                        paths: [/api/**]
                        limits:
                          - capacity: 1000
                            period: 1m
                """);
        try {
            String base = "GET /api/items/1 HTTP/1.1\nHost: x\n";
            String[][] cases = {
                {"sqlmap", "User-Agent: sqlmap/1.7.2#stable (https://sqlmap.org)\n"},
                {"SQLMAP upper", "User-Agent: SQLMAP/1.7\n"},
                {"dup tool first", "User-Agent: sqlmap/1.7\nUser-Agent: Mozilla/5.0 Chrome/120\n"},
                {"lowercase name", "user-agent: sqlmap/1.7\n"},
                {"nikto in browser", "User-Agent: Mozilla/5.0 (compatible; Nikto/2.5)\n"},
                {"nmap", "User-Agent: Mozilla/5.0 (compatible; Nmap Scripting Engine)\n"},
            };
            for (String[] c : cases) {
                assertThat(send(server, base + c[1])).as(c[0]).startsWith("HTTP/1.1 403");
            }
            // probe77b F2: an HTTP library's read through a CDN (20 + the traces' cap of 79) is flagged, not refused:
            // the same read sent straight scores 20, and a site's own app through its own CDN must not be refused
            assertThat(send(
                            server,
                            base
                                    + "User-Agent: curl/8.5\nX-Forwarded-For: 1.2.3.4\nVia: 1.1 x\nCDN-Loop: cloudflare\n"
                                    + "X-Amz-Cf-Id: abc\n"))
                    .as("curl + XFF + Via + CDN-Loop + X-Amz-Cf-Id")
                    .startsWith("HTTP/1.1 200");
            assertThat(send(server, "GET /api/items/1 HTTP/1.0\n"))
                    .as("HTTP/1.0, no Host, no User-Agent: flagged 15")
                    .startsWith("HTTP/1.1 200");
        } finally {
            server.stop();
        }
    }

    @Test
    void rfc7239ElementsAreReadFromTheRightInEverySpelling(@TempDir Path dir) throws Exception {
        Server server = start(
                dir,
                YAML.replace(
                        "trusted-proxies: [127.0.0.1, \"10.0.0.0/8\"]",
                        "trusted-proxies: [127.0.0.1, \"10.0.0.0/8\"]\n    forwarded-header: forwarded"));
        try {
            String base = "GET /api/items/1 HTTP/1.1\nHost: x\nUser-Agent: Mozilla/5.0 Chrome/120\n";
            String[] cases = {
                "Forwarded: for=6.6.6.6, for=203.0.113.9, for=10.0.0.5\n",
                "Forwarded: for=203.0.113.9\nX-Forwarded-For: 1.1.1.1\n",
                "Forwarded: for=\"[2001:db8:bad::1]:443\";proto=https, for=10.0.0.5\n",
                "Forwarded: for=203.0.113.9;by=x,for=10.0.0.5\n",
                "Forwarded: for=6.6.6.6\nForwarded: for=203.0.113.9\n",
                "Forwarded: for=\"6.6.6.6, for=1.1.1.1\", for=203.0.113.9\n",
                "Forwarded: for=\"x, for=203.0.113.9\n",
                "Forwarded: FOR=203.0.113.9 ; proto=http\n",
                "Forwarded: proto=http;For=\"203.0.113.9\"\n",
                "Forwarded: for=203.0.113.9, for=10.0.0.1, for=10.0.0.2, for=10.0.0.3\n",
            };
            for (String c : cases) {
                assertThat(send(server, base + c)).as(c).startsWith("HTTP/1.1 403");
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void everySpellingOfADeniedAddressIsDeniedAndOneClientIsOneBucket(@TempDir Path dir) throws Exception {
        Server server = start(dir, YAML);
        try {
            String ua = "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0\n";
            String[] denied = {
                "203.0.113.9",
                "203.0.113.009",
                "203.000.113.9",
                "::ffff:203.0.113.9",
                "[::ffff:cb00:7109]:80",
                "203.0.113.9:443",
                "64:ff9b::203.0.113.9",
                "::ffff:0:203.0.113.9",
                "2002:cb00:7109::1",
                "2001:0:4136:e378:8000:63bf:34ff:8ef6",
                "::203.0.113.9",
                "::FFFF:203.0.113.9",
                "2001:db8:bad:1::1",
                "2001:DB8:BAD::1%eth0",
                "[2001:db8:bad::1]",
                " 203.0.113.9 ",
                "\t203.0.113.9",
                "203.0.113.9, 10.0.0.5",
                "203.0.113.9,10.0.0.5,10.1.1.1"
            };
            String get = "GET /api/items/1 HTTP/1.1\nHost: x\n" + ua;
            for (String spelling : denied) {
                expectDenied(spelling, send(server, get + "X-Forwarded-For: " + spelling + "\n"));
            }
            String[] fwd = {
                "for=203.0.113.9",
                "for=\"203.0.113.9:80\"",
                "FOR = 203.0.113.9",
                "for=\"[2001:db8:bad::1]:8080\"",
                "proto=http;for=203.0.113.9",
                "for=\"[::ffff:203.0.113.9]\""
            };
            // Forwarded is not the configured header: never read
            for (String spelling : fwd) {
                assertThat(send(server, get + "Forwarded: " + spelling + "\n"))
                        .as("Forwarded, not the configured header: " + spelling)
                        .doesNotStartWith("HTTP/1.1 403");
            }
            expectDenied("two lines", send(server, get + "X-Forwarded-For: 203.0.113.9\nX-Forwarded-For: 10.0.0.3\n"));
            expectDenied(
                    "two lines reversed",
                    send(server, get + "X-Forwarded-For: 10.0.0.3\nX-Forwarded-For: 203.0.113.9\n"));
            expectDenied("lower-case name", send(server, get + "x-forwarded-for: 203.0.113.9\n"));
            expectAllowed("allow list, mapped form", send(server, get + "X-Forwarded-For: ::ffff:198.51.100.10\n"));
            expectDenied("7000 commas", send(server, get + "X-Forwarded-For: 203.0.113.9" + ",".repeat(7000) + "\n"));
            expectDenied(
                    "90 empty lines",
                    send(server, get + "X-Forwarded-For: 203.0.113.9\n" + "X-Forwarded-For: ,\n".repeat(90)));
            StringBuilder statuses = new StringBuilder();
            for (int i = 1; i <= 5; i++) {
                statuses.append(send(server, get + "X-Forwarded-For: 2001:db8:1:2::" + i + "\n"), 0, 12)
                        .append(';');
            }
            assertThat(statuses.toString())
                    .as("one /64, five addresses, 3 a minute")
                    .endsWith("HTTP/1.1 429;HTTP/1.1 429;");
            statuses.setLength(0);
            for (String spelling : List.of(
                    "198.51.100.7",
                    "198.51.100.007",
                    "::ffff:198.51.100.7",
                    "64:ff9b::c633:6407",
                    "[::ffff:c633:6407]:9")) {
                statuses.append(send(server, get + "X-Forwarded-For: " + spelling + "\n"), 0, 12)
                        .append(';');
            }
            assertThat(statuses.toString())
                    .as("one address, five spellings, 3 a minute")
                    .endsWith("HTTP/1.1 429;HTTP/1.1 429;");
        } finally {
            server.stop();
        }
    }
}
