package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** probe73b: a decoy of another guard than the rate-limit guard, on a route a rate limit watches. */
class Probe73bDecoyTellTest {

    @TempDir
    Path dir;

    static List<String> post(TestServer server, String path, String body) throws IOException {
        return post(server, path, body, "");
    }

    static List<String> post(TestServer server, String path, String body, String extra) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.uri("/").getPort())) {
            socket.setSoTimeout(60_000); // bounds a failure only: the read ends at the server's answer
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream()
                    .write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra
                                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(bytes);
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            List<String> lines = new ArrayList<>(List.of(text.substring(0, end).split("\r\n")));
            lines.add("BODY " + text.substring(end + 4));
            return lines;
        }
    }

    @Test
    void anEmailDecoyCarriesTheRouteRateLimitFieldsAsRealAnswersDo() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, """
                abuse-guard:
                  email:
                    rules:
                      sign-up:
                        paths: ["/api/accounts"]
                        methods: [POST]
                        field: /email
                        response: decoy
                  rate-limit:
                    rules:
                      sign-up:
                        paths: ["/api/accounts"]
                        methods: [POST]
                        limits:
                          - capacity: 10
                            period: 1h
                """);
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(SettingsFile.load(file));
        try (TestServer server = new TestServer(filter, new DecoyLookTest.ScoresApplication())) {
            List<String> real = post(server, "/api/accounts", "{\"email\":\"ann@example.com\"}");
            List<String> decoy = post(server, "/api/accounts", "{\"email\":\"bot@mailinator.com\"}");
            List<String> real2 = post(server, "/api/accounts", "{\"email\":\"bob@example.com\"}");
            assertThat(decoy).as("the decoy").contains("BODY {\"status\":\"ok\"}");
            assertThat(names(decoy))
                    .as("an e-mail decoy's fields are a real answer's; real: %s, decoy: %s", real, decoy)
                    .isEqualTo(names(real2));
        }
    }

    /**
     * probe73b F1: a clone site's request refused with an origin rule's decoy is answered before the rate limits
     * are asked and carried no {@code RateLimit} fields where the route's real answers did: one request told them
     * apart. No answer of a route a rule may decoy on carries them now.
     */
    @Test
    void anOriginDecoyAndTheRoutesRealAnswersCarryTheSameFields() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, """
                abuse-guard:
                  origin:
                    own-origins: ["https://shop.example"]
                    rules:
                      orders:
                        paths: ["/api/orders"]
                        action: decoy
                  rate-limit:
                    rules:
                      orders:
                        paths: ["/api/orders"]
                        methods: [POST]
                        limits:
                          - capacity: 10
                            period: 1h
                """);
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(SettingsFile.load(file));
        try (TestServer server = new TestServer(filter, new DecoyLookTest.ScoresApplication())) {
            List<String> real = post(server, "/api/orders", "{}", "Origin: https://shop.example\r\n");
            List<String> decoy = post(server, "/api/orders", "{}", "Origin: https://clone.example\r\n");
            assertThat(decoy).as("the decoy").contains("BODY {\"status\":\"ok\"}");
            assertThat(names(real)).as("the real answer").doesNotContain("RateLimit", "RateLimit-Policy");
            assertThat(names(decoy))
                    .as("an origin decoy's fields are a real answer's; real: %s, decoy: %s", real, decoy)
                    .isEqualTo(names(real));
        }
    }

    /** 401 for a wrong password, else a JSON success with a rate-limited route's usual fields. */
    static final class FailingLogins extends jakarta.servlet.http.HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(
                jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response)
                throws IOException {
            String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            response.setStatus(body.contains("wrong") ? 401 : 200);
            response.setContentType("application/json");
            response.getOutputStream().write("{\"token\":\"t\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The names of the head's fields in order, without Date and the body. */
    static List<String> names(List<String> head) {
        return head.stream()
                .skip(1)
                .filter(line -> !line.startsWith("BODY "))
                .map(line -> line.substring(0, line.indexOf(':')))
                .filter(name -> !name.equals("Date"))
                .toList();
    }
}
