package io.github.abuseguard.examples.servlet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.RouteTable;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.servlet.SettingsFile;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * probe77b F1 through real HTTP on Jetty: an IPv6-only site whose IPv4 clients arrive through a stateless translator
 * (SIIT / NAT64, RFC 6052 well-known prefix) lists that prefix in {@code trusted-proxies}. The filter starts without a
 * word (where {@code 0.0.0.0/0}, the same clients, fails start-up), and each IPv4 client on the Internet then names
 * its own address in {@code X-Forwarded-For}: a fresh rate-limit bucket per request, a denied block passes, and an
 * allow-listed address is claimed and exempted from every guard. The translated peer address is set with the PROXY
 * protocol (as a load balancer in front of Jetty would write it), which Jetty's connection reports as the peer.
 */
class Probe77bTranslatedPeerHttpTest {

    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private void start(Path dir) throws Exception {
        start(dir, "allow-broad-trusted-proxies: true");
    }

    private void start(Path dir, String allowBroad) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, """
                abuse-guard:
                  client:
                    trusted-proxies: ["64:ff9b::/96"]
                    %s
                  ip-lists:
                    deny: ["203.0.113.0/24"]
                    allow: ["198.51.100.10"]
                  rate-limit:
                    rules:
                      per-ip:
                        paths: [/api/**]
                        limits:
                          - capacity: 3
                            period: 1m
                """.formatted(allowBroad));
        server = new Server();
        ServerConnector connector =
                new ServerConnector(server, new ProxyConnectionFactory(), new HttpConnectionFactory());
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
                        response.getWriter().write("ok");
                    }
                }),
                "/api/items/*");
        server.setHandler(context);
        server.start();
    }

    /** One request from {@code peer} (PROXY protocol v1), with {@code X-Forwarded-For: xff}; its status. */
    private int send(String peer, String xff) throws Exception {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PROXY TCP6 " + peer + " 2001:db8::80 40000 443\r\n"
                            + "GET /api/items/1 HTTP/1.1\r\nHost: api.example\r\n"
                            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0\r\nAccept-Language: en\r\n"
                            + "X-Forwarded-For: " + xff + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(read);
            String answer = read.toString(StandardCharsets.ISO_8859_1);
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    /** The fix: such a block spans public address space, and start-up says so, naming the property. */
    @Test
    void aWholeTranslationPrefixTrustedFailsStartUp(@TempDir Path dir) {
        assertThatThrownBy(() -> start(dir, ""))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("abuse-guard.client.trusted-proxies[0]")
                .hasMessageContaining("64:ff9b::/96");
    }

    /**
     * Even where the operator insists ({@code allow-broad-trusted-proxies}), a translated client is trusted by its IPv4
     * address, never by its written form inside the whole prefix.
     */
    @Test
    void anInternetClientThroughTheTranslatorCannotNameItsOwnAddress(@TempDir Path dir) throws Exception {
        start(dir);
        // 64:ff9b::c633:6407 is 198.51.100.7, an ordinary IPv4 client on the Internet, through the site's translator
        List<Integer> rotated = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            rotated.add(send("64:ff9b::c633:6407", "192.0.2." + i));
        }
        // 64:ff9b::cb00:7109 is 203.0.113.9, in the denied block
        int denied = send("64:ff9b::cb00:7109", "192.0.2.99");
        // a client claiming the allow-listed address is exempt from every guard, the rate limit included
        List<Integer> claimedAllowed = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            claimedAllowed.add(send("64:ff9b::cb00:7109", "198.51.100.10"));
        }
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(rotated.stream().filter(status -> status == 200).count())
                .as("one client, limited to 3 a minute, with a fresh X-Forwarded-For each time: " + rotated)
                .isEqualTo(3);
        softly.assertThat(denied).as("203.0.113.9 is denied").isEqualTo(403);
        softly.assertThat(claimedAllowed)
                .as("203.0.113.9 claiming the allow-listed 198.51.100.10")
                .containsOnly(403);
        softly.assertAll();
    }
}
