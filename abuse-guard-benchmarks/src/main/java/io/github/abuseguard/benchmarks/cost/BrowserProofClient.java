package io.github.abuseguard.benchmarks.cost;

import io.github.abuseguard.servlet.ProofSettings;
import io.github.abuseguard.servlet.ProofSolver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Gives the browser proof for the harness's loopback address, as the demo page's script does in a
 * visitor's browser: the demo requires it on the measured route ({@code abuse-guard.proof.required-paths}),
 * and a proof vouches for the client address, so one proof before the warm-up lets every keep-alive
 * connection of the load through, the way a visitor who opened the page is let through.
 */
final class BrowserProofClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private BrowserProofClient() {}

    /**
     * Asks the server on {@code port} for a challenge at the default proof path, solves it and sends the
     * solution.
     *
     * @throws IllegalStateException when the server hands out no challenge or refuses the solution
     */
    static void prove(int port, String userAgent) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        URI uri = URI.create("http://127.0.0.1:" + port + ProofSettings.DEFAULT_PATH);
        HttpResponse<String> challenge = http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(TIMEOUT)
                        .header("User-Agent", userAgent)
                        .header("Accept", "application/json")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (challenge.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + uri + " answered " + challenge.statusCode() + ", not a challenge of the browser proof");
        }
        HttpResponse<String> proved = http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(TIMEOUT)
                        .header("User-Agent", userAgent)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(ProofSolver.form(challenge.body())))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (proved.statusCode() != 204) {
            throw new IllegalStateException(
                    "POST " + uri + " refused the proof: " + proved.statusCode() + " " + proved.body());
        }
    }
}
