package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Spellings of the anonymous health paths, sent byte for byte (an HTTP client would normalise some): each
 * either never reaches HTTP Basic (a wrong password is answered exactly as the right one) or is counted by
 * {@code actuator-login}, so ten wrong passwords ban the address. The probe found {@code /actuator/health/}
 * exempt for abuse-guard but sent to the password check by Spring Security: guesses without end.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            // each spelling guesses from a fresh address: 18 of them would put the Actuator under attack (the
            // crowd defence ActuatorCrowdTest shows), and this test is about each spelling being counted
            "abuse-guard.failure.rules.actuator-login.under-attack.enabled=false",
            Operator.NAME,
            Operator.PASSWORD,
            Operator.ROLES
        })
class ActuatorPathVariantsTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);
    private static final String WRONG =
            "Basic " + Base64.getEncoder().encodeToString("ops:wrong".getBytes(StandardCharsets.UTF_8));

    @LocalServerPort
    int port;

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "/actuator/health/",
                "//actuator/health",
                "/actuator//health",
                "/actuator/health//",
                "/actuator/health;x",
                "/actuator/health;x=1/",
                "/actuator/health/.",
                "/actuator/health/liveness/",
                "/actuator/health/readiness/",
                "/actuator/health/liveness;x/",
                "/actuator/%68ealth/",
                "/actuator/%68ealth/liveness/",
                "/actuator/health%2F",
                "/actuator/health%2f",
                "/actuator/health/%2e",
                "/actuator/health/x/..",
                "/actuator/health/liveness/%2e/",
                "/actuator/health?x=/"
            })
    void noSpellingOfAHealthPathIsAPasswordOracleThatNoRuleCounts(String path) throws IOException {
        String client = "203.0.113." + CLIENTS.getAndIncrement();
        int first = status(path, client, WRONG);
        if (first != 401) {
            assertThat(status(path, client, Operator.AUTHORIZATION))
                    .as(path + " answers a wrong password with " + first + ": so must it answer the right one")
                    .isEqualTo(first);
            return;
        }
        for (int i = 1; i < 10; i++) {
            assertThat(status(path, client, WRONG))
                    .as(path + ", wrong password " + (i + 1))
                    .isEqualTo(401);
        }
        assertThat(status(path, client, Operator.AUTHORIZATION))
                .as(path + " checked ten wrong passwords: actuator-login must have banned the address")
                .isEqualTo(429);
    }

    /** Sends one request with exactly this request target and answers its status code. */
    private int status(String target, String client, String authorization) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Forwarded-For: " + client
                            + "\r\nAuthorization: " + authorization + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = readAll(socket.getInputStream());
            assertThat(response).as(target + ": a status line").startsWith("HTTP/1.1 ");
            return Integer.parseInt(response.substring(9, 12));
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int read; (read = in.read(buffer)) >= 0 && bytes.size() < 1 << 20; ) {
            bytes.write(buffer, 0, read);
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
