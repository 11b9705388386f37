package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.servlet.ProofSolver;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe17 F1 scaled down: an enumerator solves the browser proof once per address, then guesses a few gift-card
 * codes from each, under every per-address bound. The guesses put the route under attack, and then only an
 * address that looked a card up before goes on, whether the enumerator's proofs came before the mode or
 * during it. Each client speaks from its own loopback address; the context is the test's own, because the
 * route stays under attack for minutes.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.application.name=giftcard-enumeration") // a context of its own, never shared
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class GiftCardEnumerationTest {
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    @LocalServerPort
    int port;

    private record Answer(int status, String body) {}

    private Answer send(String source, String method, String path, String body, String... headers) throws Exception {
        StringBuilder head = new StringBuilder()
                .append(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            if (!head.toString().contains("\r\nContent-Type: ")) {
                head.append("Content-Type: application/json\r\n");
            }
            head.append("Content-Length: " + content.length + "\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            String text = response.toString(StandardCharsets.UTF_8);
            return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(text.indexOf("\r\n\r\n") + 4));
        }
    }

    private Answer browse(String source, String path) throws Exception {
        return send(source, "GET", path, null, "User-Agent", CHROME, "Accept-Language", "en");
    }

    /** What the demo page's proof script does in a visitor's browser: solves a challenge for its address. */
    private void prove(String source) throws Exception {
        Answer challenge = browse(source, "/abuse-guard/proof");
        String form = ProofSolver.form(challenge.body());
        Answer proved = send(
                source,
                "POST",
                "/abuse-guard/proof",
                form,
                "User-Agent",
                CHROME,
                "Content-Type",
                "application/x-www-form-urlencoded");
        assertThat(proved.status()).as(proved.body()).isEqualTo(204);
    }

    @Test
    void proofsOnManyAddressesBuyNoGiftCardGuessesOnceTheRouteIsUnderAttack() throws Exception {
        prove("127.82.0.1");
        // A success vouches on a route only for a method the rule has been heard failing with (the instance
        // learns it from the route's first 404): the customer mistypes a code first.
        assertThat(browse("127.82.0.1", "/api/giftcards/GIFT-100").status()).isEqualTo(404);
        assertThat(browse("127.82.0.1", "/api/giftcards/GIFT-1000").status())
                .as("a customer looks a card up before the attack")
                .isEqualTo(200);
        for (int a = 0; a < 40; a++) {
            prove("127.83." + (a + 1) + ".1"); // the enumerator's proofs, solved before the mode
        }
        int reached = 0;
        int refused = 0;
        for (int i = 0; i < 9; i++) { // 9 guesses per address: under max-retry and max-distinct (10)
            for (int a = 0; a < 40; a++) {
                Answer answer = browse("127.83." + (a + 1) + ".1", "/api/giftcards/GUESS-" + a + "-" + i);
                if (answer.status() == 404) {
                    reached++;
                } else {
                    assertThat(answer.status()).as(answer.body()).isEqualTo(429);
                    assertThat(answer.body())
                            .contains("\"rule\":\"giftcard-guesses\"")
                            .contains("\"reason\":\"under-attack\"");
                    refused++;
                }
            }
        }
        assertThat(reached)
                .as("probe17: 360 of 360 reached the handler with the proofs vouching; the mode's threshold (19"
                        + " measured) is what passes now")
                .isLessThanOrEqualTo(40);
        assertThat(refused).isEqualTo(360 - reached);

        prove("127.84.0.1"); // a proof solved during the mode
        assertThat(browse("127.84.0.1", "/api/giftcards/GUESS-late").status())
                .as("an address that proved during the mode")
                .isEqualTo(429);
        assertThat(browse("127.82.0.1", "/api/giftcards/GIFT-2500").status())
                .as("the customer who looked a card up before goes on during the mode")
                .isEqualTo(200);
    }
}
