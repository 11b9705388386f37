package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
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

    private LoopbackClient client;

    @BeforeEach
    void client() {
        client = new LoopbackClient(port);
    }

    private LoopbackClient.Answer login(String source, String user, String password, String... headers)
            throws Exception {
        return client.send(
                source,
                "POST",
                "/api/login",
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}",
                headers);
    }

    @Test
    void stuffingFromManyAddressesPutsSignInUnderAttackWhileKnownBrowsersStillSignIn() throws Exception {
        client.browse("127.77.1.1", "/");
        client.prove("127.77.1.1");
        client.browse("127.77.3.1", "/"); // opens the page, but its script never ran
        int refused = 0;
        for (int i = 0; i < 80; i++) {
            LoopbackClient.Answer answer = login(
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
        client.prove("127.77.3.1"); // its script runs at last (abuseGuard.fetch proves on such a refusal)
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
                .as("probe45b F1: a new user who solved the proof during the mode signs in (newcomer-attempts)")
                .isEqualTo(200);
    }

    @Test
    void guessingGiftCardsFromOneAddressBansItAfterTenMisses() throws Exception {
        LoopbackClient.Answer unproved = client.browse("127.77.4.3", "/api/giftcards/GUESS-0");
        assertThat(unproved.status())
                .as("a script that never ran the page's proof")
                .isEqualTo(403);
        assertThat(unproved.body()).contains("\"reason\":\"proof-required\"");
        // a guesser that solves the proof itself meets the failure rule
        client.prove("127.77.4.1");
        client.prove("127.77.4.2");
        for (int i = 0; i < 10; i++) {
            LoopbackClient.Answer miss = client.browse("127.77.4.1", "/api/giftcards/GUESS-" + i);
            assertThat(miss.status()).as(miss.body()).isEqualTo(404);
        }
        LoopbackClient.Answer banned = client.browse("127.77.4.1", "/api/giftcards/GIFT-1000");
        assertThat(banned.status()).isEqualTo(429);
        assertThat(banned.body()).contains("\"guard\":\"failure\"").contains("\"rule\":\"giftcard-guesses\"");
        assertThat(client.browse("127.77.4.2", "/api/giftcards/GIFT-1000").status())
                .as("another address is not affected")
                .isEqualTo(200);
    }

    @Test
    void walkingEveryScoreIsThrottledAndPutsTheRouteUnderScrapeWhileAReaderPollingOneIsNot() throws Exception {
        client.browse("127.77.5.2", "/");
        client.prove("127.77.5.2");
        // the walkers solve the proof themselves: the volume rule and the under-scrape mode meet them
        for (String walker : new String[] {"127.77.5.1", "127.77.5.3"}) {
            client.prove(walker);
        }
        int allowed = 0;
        for (int i = 0; i < 300; i++) {
            LoopbackClient.Answer answer = client.browse("127.77.5.1", "/api/scores/game-" + i);
            if (answer.status() == 200) {
                allowed++;
            } else {
                assertThat(answer.body()).contains("\"guard\":\"volume\"");
            }
        }
        assertThat(allowed).isBetween(25, 40);
        assertThat(client.browse("127.77.5.3", "/api/scores/finals").status())
                .as("one walker alone does not put the route under scrape")
                .isEqualTo(200);
        // ten more walkers, each within its own bound: together they walk 250 fresh games in
        // seconds
        for (int walker = 0; walker < 10; walker++) {
            client.prove("127.79." + (walker + 1) + ".1");
            for (int i = 0; i < 25; i++) {
                client.browse("127.79." + (walker + 1) + ".1", "/api/scores/walk-" + walker + "-" + i);
            }
        }
        for (int i = 0; i < 100; i++) {
            assertThat(client.browse("127.77.5.2", "/api/scores/finals").status())
                    .as("a reader who opened the page polls one score as often as it likes")
                    .isEqualTo(200);
        }
        LoopbackClient.Answer walking = client.browse("127.79.1.1", "/api/scores/walk-on");
        assertThat(walking.status())
                .as("the walk of several clients put the route under scrape: a walker past its bound there waits")
                .isEqualTo(429);
        assertThat(walking.body()).contains("\"reason\":\"under-scrape\"");
    }
}
