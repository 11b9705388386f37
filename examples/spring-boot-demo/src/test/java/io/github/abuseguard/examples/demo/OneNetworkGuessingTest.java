package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe49b F3: the addresses of one rented /24, each of which solved the browser proof before (so the under-attack
 * mode the guesses start lets it through) and each under its own address-and-user-name ban, put 900 of 900 guesses at one account in 119 s. The
 * demo's {@code login-per-network-and-user} bans the network from that account at its 30th failure; the account's
 * owner signs in from another network, and the network's other users are not banned.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            "abuse-guard.tarpit.delay=20ms",
            "spring.application.name=one-network-guessing"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OneNetworkGuessingTest {
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    /** A sign-in from the demo's page in a browser at {@code address}, behind the trusted loopback proxy. */
    private HttpResponse<String> login(String address, String user, String password) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}"))
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", address)
                .header("User-Agent", CHROME)
                .header("Accept-Language", "en-GB,en;q=0.9")
                .header("Origin", "http://127.0.0.1:" + port)
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAddressesOfOneNetworkGuessingAtOneAccountAreBannedFromItTogether() throws Exception {
        for (int address = 1; address <= 20; address++) {
            DemoProof.prove(DemoProof.forwarded(port, "198.51.100." + address)); // before any mode: a history
            assertThat(login("198.51.100." + address, "user" + (100 + address), "secret-" + (100 + address))
                            .statusCode())
                    .as("each address signs in to an account of its own")
                    .isEqualTo(200);
        }
        DemoProof.prove(DemoProof.forwarded(port, "198.51.100.50"));
        DemoProof.prove(DemoProof.forwarded(port, "203.0.113.77"));

        int checked = 0;
        for (int address = 1; address <= 20; address++) {
            for (int guess = 0; guess < 3; guess++) {
                HttpResponse<String> answer = login("198.51.100." + address, "user77", "guess" + address + "-" + guess);
                assertThat(answer.statusCode()).as(answer.body()).isIn(401, 429);
                checked += answer.statusCode() == 401 ? 1 : 0;
            }
        }
        assertThat(checked)
                .as("guesses the password check answered, of 60 from 20 addresses of one /24 (60 before)")
                .isEqualTo(30);

        HttpResponse<String> refused = login("198.51.100.20", "user77", "secret-77");
        assertThat(refused.statusCode())
                .as("the network is banned from the account")
                .isEqualTo(429);
        assertThat(refused.body()).contains("\"rule\":\"login-per-network-and-user\"");
        assertThat(login("203.0.113.77", "user77", "secret-77").statusCode())
                .as("the account's owner, from another network")
                .isEqualTo(200);
        assertThat(login("198.51.100.50", "user78", "secret-78").statusCode())
                .as("another user of the network")
                .isEqualTo(200);
    }
}
