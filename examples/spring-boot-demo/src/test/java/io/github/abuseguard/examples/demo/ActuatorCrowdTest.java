package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The operator's password guessed at from a crowd of addresses with a few guesses each, which no per-address
 * count stops (the probe: 1,800 of 1,800 guesses from 200 addresses reached the password check). The demo's
 * {@code actuator-login} puts the Actuator under attack, and fresh addresses are refused before the password
 * is checked, even after each opened the public page (the rule keeps its own history); an operator who signed
 * in before goes on. Its own application context: the mode it starts
 * would refuse other tests' fresh clients.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"abuse-guard.client.trusted-proxies=127.0.0.1", Operator.NAME, Operator.PASSWORD, Operator.ROLES})
class ActuatorCrowdTest {
    private static final String OPERATOR_ADDRESS = "192.0.2.10";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private int status(String client, String authorization) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .header("X-Forwarded-For", client)
                .header("User-Agent", "python-requests/2.32")
                .header("Authorization", authorization)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void openThePage(String client) throws Exception {
        HttpRequest page = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("X-Forwarded-For", client)
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.0.0 Safari/537.36")
                .header("Accept", "text/html")
                .build();
        assertThat(http.send(page, HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aCrowdGuessingTheOperatorPasswordIsRefusedWhileTheKnownOperatorGoesOn() throws Exception {
        assertThat(status(OPERATOR_ADDRESS, Operator.AUTHORIZATION)).isEqualTo(200);
        int checked = 0;
        int refused = 0;
        for (int address = 1; address <= 40; address++) {
            // the public page first, as probe4's crowd did: it earns a history of the app, not of the Actuator
            openThePage("203.0.113." + address);
            for (int guess = 0; guess < 3; guess++) {
                String wrong = "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        ("ops:guess-" + address + "-" + guess).getBytes(StandardCharsets.UTF_8));
                int status = status("203.0.113." + address, wrong);
                if (status == 401) {
                    checked++;
                } else {
                    assertThat(status).as("refused before the password check").isEqualTo(429);
                    refused++;
                }
            }
        }
        // about the first ten addresses' guesses reach it before the mode starts; a loaded machine's
        // slower requests let a few more in (31 seen at load 15), all of them would without the mode
        assertThat(checked)
                .as("of 120 guesses from 40 addresses, those that reached the password check")
                .isLessThanOrEqualTo(40);
        assertThat(refused).isEqualTo(120 - checked);
        assertThat(status(OPERATOR_ADDRESS, Operator.AUTHORIZATION))
                .as("the operator, known from before the attack, still signs in")
                .isEqualTo(200);
    }
}
