package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe74a F1: the demo with Jackson's {@code UNWRAP_SINGLE_VALUE_ARRAYS} on
 * ({@code spring.jackson.deserialization.unwrap-single-value-arrays=true}, a common leniency). Jackson then binds
 * {@code [{"email":"bot@yopmail.com"}]} to the sign-up's record exactly as {@code {"email":"bot@yopmail.com"}}; the
 * e-mail guard and the mailbox key read {@code /email} only as a member of the root object, find no field in a
 * root array, and let the sign-up through as one without an address (README: "The field is read from the whole
 * body as the application binds it"; an array at the pointer is read because "a binder that unwraps single-element
 * arrays would bind them", but an array around the object holding it is not).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            "spring.jackson.deserialization.unwrap-single-value-arrays=true"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Probe74aSingleValueArrayTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    /** A sign-up from a client of its own (a /16 of its own, so no per-network rule is shared between them). */
    private HttpResponse<String> signUp(String json) throws Exception {
        String client = "198." + (18 + CLIENTS.get() % 2) + "." + CLIENTS.getAndIncrement() + ".7";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApplicationBindsAnAddressInAOneElementArrayAsItBindsThePlainOne() throws Exception {
        // the binding this configuration gives: the clean address in an array opens an account
        assertThat(signUp("[{\"email\":\"ann.probe74a@gmail.com\"}]").statusCode())
                .isEqualTo(201);
        // and the plain throw-away address is refused, as always
        assertThat(signUp("{\"email\":\"bot@yopmail.com\"}").statusCode()).isEqualTo(422);
        // and one inbox in the plain layout gets its three accounts a day, from however many addresses
        int opened = 0;
        for (int i = 0; i < 5; i++) {
            if (signUp("{\"email\":\"carol.probe74a@gmail.com\"}").statusCode() == 201) {
                opened++;
            }
        }
        assertThat(opened).isEqualTo(3);
    }

    @Test
    void aThrowAwayAddressInsideAOneElementArrayOpensNoAccount() throws Exception {
        HttpResponse<String> wrapped = signUp("[{\"email\":\"bot@yopmail.com\"}]");
        assertThat(wrapped.statusCode()).as(wrapped.body()).isEqualTo(422);
    }

    @Test
    void oneInboxInsideOneElementArraysGetsNoMoreThanThreeAccountsADay() throws Exception {
        int opened = 0;
        for (int i = 0; i < 6; i++) {
            if (signUp("[{\"email\":\"bob.probe74a@gmail.com\"}]").statusCode() == 201) {
                opened++;
            }
        }
        assertThat(opened)
                .as("accounts opened for one inbox (sign-up-mailbox: 3 a day)")
                .isLessThanOrEqualTo(3);
    }
}
