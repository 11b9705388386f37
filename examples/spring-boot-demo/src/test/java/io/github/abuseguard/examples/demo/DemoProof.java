package io.github.abuseguard.examples.demo;

import io.github.abuseguard.servlet.ProofSolver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * What the demo page's proof script does in a visitor's browser, for tests: asks for a challenge, solves
 * it and sends the solution, so that the client may call the routes that require the proof.
 */
final class DemoProof {

    /** Sends one request as a test's client: method, path, content type (or null) and body (or null). */
    @FunctionalInterface
    interface Sender {
        HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception;
    }

    private DemoProof() {}

    /** A client on 127.0.0.1 of the demo on {@code port}, as tests that send no forwarded address are. */
    static Sender loopback(int port) {
        return forwarded(port, null);
    }

    /**
     * A client of the demo on {@code port} behind the trusted proxy 127.0.0.1, at {@code address} ({@code
     * X-Forwarded-For}; {@code null}: the loopback address itself).
     */
    static Sender forwarded(int port, String address) {
        HttpClient http = HttpClient.newHttpClient();
        return (method, path, contentType, body) -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            if (address != null) {
                request.header("X-Forwarded-For", address);
            }
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        };
    }

    static void prove(Sender client) throws Exception {
        HttpResponse<String> challenge = client.send("GET", "/abuse-guard/proof", null, null);
        HttpResponse<String> proved = client.send(
                "POST", "/abuse-guard/proof", "application/x-www-form-urlencoded", ProofSolver.form(challenge.body()));
        if (proved.statusCode() != 204) {
            throw new AssertionError("the proof was refused: " + proved.statusCode() + " " + proved.body());
        }
    }
}
