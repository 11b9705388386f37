package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * probe82b F1: what an answer's {@code RateLimit} field tells a client about other people. A site-wide cap is never
 * reported ("what is left of it is the site's traffic"), nor a rule keyed by a value others may send (review45 F6),
 * yet a rule keyed {@code network} (IPv4 /24) or {@code allocation} (IPv4 /16), whose bucket every neighbour spends,
 * reports its remaining quota on every allowed answer: a client reads, request by request, how many accounts the
 * other addresses of its office, school, carrier NAT pool or provider block opened, and when.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"abuse-guard.client.trusted-proxies=127.0.0.1"})
class Probe82bNeighboursQuotaTest {
    private static final Pattern ITEM = Pattern.compile("\"([^\"]+)\";r=(\\d+)");

    @LocalServerPort
    int port;

    @Test
    void aClientsQuotaFiguresDoNotMoveWithItsNeighboursRequests() throws Exception {
        Map<String, Integer> before = remaining(signUp("198.51.100.10", "ann1@example.org"));
        assertThat(before).as("the demo's sign-up reports its per-address rule").containsKey("sign-up");

        // two other people: one in the same /24, one in the same /16 (another /24)
        signUp("198.51.100.11", "bob1@example.org");
        signUp("198.51.100.11", "bob2@example.org");
        signUp("198.51.7.12", "carl1@example.org");

        Map<String, Integer> after = remaining(signUp("198.51.100.10", "ann2@example.org"));
        Map<String, Integer> moved = new LinkedHashMap<>();
        before.forEach((policy, r) -> {
            Integer now = after.get(policy);
            if (now != null && now < r - 1) {
                moved.put(policy, r - now);
            }
        });
        assertThat(moved)
                .as("policies whose remaining quota told this client of requests it did not send (policy -> tokens"
                        + " gone between its two sign-ups, of which one was its own); before " + before + ", after "
                        + after)
                .isEmpty();
    }

    private static Map<String, Integer> remaining(String response) {
        Map<String, Integer> policies = new LinkedHashMap<>();
        for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
            if (line.regionMatches(true, 0, "RateLimit:", 0, 10)) {
                Matcher item = ITEM.matcher(line);
                while (item.find()) {
                    policies.put(item.group(1), Integer.parseInt(item.group(2)));
                }
            }
        }
        return policies;
    }

    private String signUp(String client, String email) throws Exception {
        String response = send(client, "{\"email\":\"" + email + "\"}");
        assertThat(response).as(client + " signs up " + email).startsWith("HTTP/1.1 201 ");
        return response;
    }

    private String send(String client, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST /api/accounts HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                + "X-Forwarded-For: " + client + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(response);
            return response.toString(StandardCharsets.UTF_8);
        }
    }
}
