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
 * The attacks of the attack simulator, scaled down, against the demo as it ships: each client speaks
 * from its own loopback address (127.0.0.0/8), so no proxy header is needed or trusted. The context is
 * the test's own and is thrown away afterwards, because the routes stay under attack for minutes.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.application.name=abuse-stories") // a context of its own, never shared
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AbuseStoriesTest {
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

    private Answer login(String source, String user, String password, String... headers) throws Exception {
        return send(
                source,
                "POST",
                "/api/login",
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}",
                headers);
    }

    @Test
    void stuffingFromManyAddressesPutsSignInUnderAttackWhileKnownBrowsersStillSignIn() throws Exception {
        browse("127.77.1.1", "/");
        prove("127.77.1.1");
        browse("127.77.3.1", "/"); // opens the page, but its script never ran
        int refused = 0;
        for (int i = 0; i < 80; i++) {
            Answer answer = login(
                    "127.78." + (i + 1) + ".1", // each from its own address
                    "leaked" + i + "@mail.example",
                    "hunter2",
                    "User-Agent",
                    CHROME,
                    "Accept-Language",
                    "en");
            if (answer.status() == 429) {
                assertThat(answer.body()).contains("\"guard\":\"failure\"").contains("\"reason\":\"under-attack\"");
                refused++;
            } else {
                assertThat(answer.status()).isEqualTo(401);
            }
        }
        assertThat(refused)
                .as("all but the first tries, once the failure surge is seen")
                .isGreaterThanOrEqualTo(55);

        assertThat(login("127.77.1.1", "user7", "secret-7", "User-Agent", CHROME, "Accept-Language", "en")
                        .status())
                .as("the same address and browser headers without the Origin every browser sends on a POST")
                .isEqualTo(429);
        assertThat(login(
                                "127.77.1.1",
                                "user7",
                                "secret-7",
                                "User-Agent",
                                CHROME,
                                "Accept-Language",
                                "en",
                                "Origin",
                                "http://localhost")
                        .status())
                .as("a browser that used the app before signs in")
                .isEqualTo(200);
        assertThat(login(
                                "127.77.3.1",
                                "user8",
                                "secret-8",
                                "User-Agent",
                                CHROME,
                                "Accept-Language",
                                "en",
                                "Origin",
                                "http://localhost")
                        .status())
                .as("an address that only opened the page, with the right password, is refused while the route"
                        + " is under attack")
                .isEqualTo(429);
    }

    @Test
    void guessingGiftCardsFromOneAddressBansItAfterTenMisses() throws Exception {
        Answer unproved = browse("127.77.4.3", "/api/giftcards/GUESS-0");
        assertThat(unproved.status())
                .as("a script that never ran the page's proof")
                .isEqualTo(403);
        assertThat(unproved.body()).contains("\"reason\":\"proof-required\"");
        // a guesser that solves the proof itself meets the failure rule
        prove("127.77.4.1");
        prove("127.77.4.2");
        for (int i = 0; i < 10; i++) {
            Answer miss = browse("127.77.4.1", "/api/giftcards/GUESS-" + i);
            assertThat(miss.status()).as(miss.body()).isEqualTo(404);
        }
        Answer banned = browse("127.77.4.1", "/api/giftcards/GIFT-1000");
        assertThat(banned.status()).isEqualTo(429);
        assertThat(banned.body()).contains("\"guard\":\"failure\"").contains("\"rule\":\"giftcard-guesses\"");
        assertThat(browse("127.77.4.2", "/api/giftcards/GIFT-1000").status())
                .as("another address is not affected")
                .isEqualTo(200);
    }

    @Test
    void walkingEveryScoreIsThrottledAndPutsTheRouteUnderScrapeWhileAReaderPollingOneIsNot() throws Exception {
        browse("127.77.5.2", "/");
        prove("127.77.5.2");
        // the walkers solve the proof themselves: the volume rule and the under-scrape mode meet them
        for (String walker : new String[] {"127.77.5.1", "127.77.5.3"}) {
            prove(walker);
        }
        int allowed = 0;
        for (int i = 0; i < 300; i++) {
            Answer answer = browse("127.77.5.1", "/api/scores/game-" + i);
            if (answer.status() == 200) {
                allowed++;
            } else {
                assertThat(answer.body()).contains("\"guard\":\"volume\"");
            }
        }
        assertThat(allowed).isBetween(25, 40);
        assertThat(browse("127.77.5.3", "/api/scores/finals").status())
                .as("one walker alone does not put the route under scrape")
                .isEqualTo(200);
        // ten more walkers, each within its own bound: together they walk 250 fresh games in
        // seconds
        for (int walker = 0; walker < 10; walker++) {
            prove("127.79." + (walker + 1) + ".1");
            for (int i = 0; i < 25; i++) {
                browse("127.79." + (walker + 1) + ".1", "/api/scores/walk-" + walker + "-" + i);
            }
        }
        for (int i = 0; i < 100; i++) {
            assertThat(browse("127.77.5.2", "/api/scores/finals").status())
                    .as("a reader who opened the page polls one score as often as it likes")
                    .isEqualTo(200);
        }
        Answer walking = browse("127.79.1.1", "/api/scores/walk-on");
        assertThat(walking.status())
                .as("the walk of several clients put the route under scrape: a walker past its bound there waits")
                .isEqualTo(429);
        assertThat(walking.body()).contains("\"reason\":\"under-scrape\"");
    }
}
