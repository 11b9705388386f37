package io.github.abuseguard.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** probe72a: the plain servlet demo attacked as its login's abuser would. */
class Probe72aTest {
    private ServletDemo demo;

    @BeforeEach
    void start() throws Exception {
        demo = new ServletDemo(0).start();
    }

    @AfterEach
    void stop() throws Exception {
        demo.stop();
    }

    private HttpResponse<String> login(String body) throws Exception {
        // a connection of its own per guess: ci72e once met a kept-alive connection closed with no answer ("header
        // parser received no bytes"), a race of the JDK client's connection reuse this test is not about
        HttpClient client = HttpClient.newHttpClient();
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/api/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * F1: the servlet checks the password alone, so the login limit keyed {@code ip+body:/username} gives every guess
     * a bucket of its own when the guesser writes a fresh user name each time; only the per-address limit of the
     * whole API (100 per 5 minutes, shared with the images) bounds it. The Spring demo's login bounds one address at
     * 30 a minute ({@code login-address}) and bans it after 20 failed names ({@code login-per-address}).
     */
    @Test
    void oneAddressGuessingThePasswordUnderFreshUserNamesIsBoundedAsTheSpringDemoBoundsIt() throws Exception {
        int reached = 0;
        for (int i = 0; i < 40; i++) {
            int status = login("{\"username\":\"name" + i + "\",\"password\":\"guess" + i + "\"}")
                    .statusCode();
            if (status == 401 || status == 200) {
                reached++;
            }
        }
        assertThat(reached)
                .as("password guesses from one address that reached the servlet")
                .isLessThanOrEqualTo(30);
    }

    /**
     * F2: the login servlet looks for the text {@code "password":"demo"} anywhere in the body instead of reading
     * the JSON's {@code password}: a wrong password signs in when the right one sits in a nested object or in a
     * second copy of the key, and the right one is refused when written with a space around the colon.
     */
    @Test
    void theLoginReadsThePasswordFieldNotATextAnywhereInTheBody() throws Exception {
        assertThat(login("{\"username\":\"alice\",\"password\":\"nope\",\"x\":{\"password\":\"demo\"}}")
                        .statusCode())
                .as("a wrong password with the right one nested elsewhere")
                .isEqualTo(401);
        assertThat(login("{\"username\":\"bob\",\"password\" : \"demo\"}").statusCode())
                .as("the right password in well-formed JSON with spaces")
                .isEqualTo(200);
        assertThat(login("{\"username\":\"carol\",\"password\":\"nope\",\"password\":\"demo\"}")
                        .statusCode())
                .as("a second password key: which one counts is ambiguous, so neither does")
                .isEqualTo(400);
        assertThat(login("{\"username\":\"dave\",\"password\":\"\\u0064emo\"}").statusCode())
                .as("the right password written with an escape")
                .isEqualTo(200);
    }
}
