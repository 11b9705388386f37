package io.github.abuseguard.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServletDemoTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private ServletDemo demo;

    @BeforeEach
    void start() throws Exception {
        demo = new ServletDemo(0).start();
    }

    @AfterEach
    void stop() throws Exception {
        demo.stop();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + path));
    }

    @Test
    void theHundredAndFirstImageRequestWithinFiveMinutesIsThrottled() throws Exception {
        long start = System.nanoTime();
        for (int i = 1; i <= 100; i++) {
            assertThat(send(request("/api/images/" + i)).statusCode()).isEqualTo(200);
        }
        // A token comes back every 3 s while they are sent: on a slow machine a few more pass, each one
        // a token that came back, before the limit answers.
        long refilled = (System.nanoTime() - start) / 3_000_000_000L;
        HttpResponse<String> denied = send(request("/api/images/101"));
        for (int extra = 0; denied.statusCode() == 200 && extra < refilled; extra++) {
            denied = send(request("/api/images/" + (102 + extra)));
        }

        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.headers().firstValue("RateLimit-Policy")).hasValue("\"per-ip\";q=100;w=300");
        // A token comes back every 3 s (100 per 300 s, greedy); the real clock has run while 100 requests
        // were sent, so the wait left is at most 3 s and at least 1.
        assertThat(denied.headers().firstValue("Retry-After"))
                .hasValueSatisfying(
                        seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 3));
        assertThat(send(request("/health")).statusCode()).as("exempt route").isEqualTo(200);
    }

    @Test
    void loginAttemptsAreLimitedPerAddressAndUserName() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(send(login("alice", "wrong")).statusCode()).isEqualTo(401);
        }
        assertThat(send(login("alice", "demo")).statusCode()).isEqualTo(429);
        assertThat(send(login("bob", "demo")).statusCode()).isEqualTo(200);
    }

    /**
     * probe59c F1: the login servlet reads its body as JSON whatever the declared type, while the guard reads a
     * body declared as a form as a form: a JSON body declared {@code application/x-www-form-urlencoded}, carrying
     * {@code &username=<fresh>&} inside a string value, was keyed by the fresh form field each time, so 30 of 30
     * guesses for alice reached the servlet (5 with {@code application/json}).
     */
    @Test
    void aJsonLoginDeclaredAsAFormIsLimitedAsTheUserItNames() throws Exception {
        int reached = 0;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = send(request("/api/login")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"guess" + i
                            + "\",\"z\":\"&username=r" + i + "&\"}")));
            if (response.statusCode() == 401 || response.statusCode() == 200) {
                reached++;
            }
        }
        assertThat(reached).as("guesses for alice that reached the servlet").isLessThanOrEqualTo(5);
    }

    private HttpRequest.Builder login(String user, String password) {
        return request("/api/login")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}"));
    }
}
