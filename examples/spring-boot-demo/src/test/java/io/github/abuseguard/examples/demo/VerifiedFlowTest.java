package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * probe73d: the demo's "no payment method before the e-mail was verified" story. The guard's mechanics hold
 * (path variants, method overrides, failed verifies, other accounts); what it checks is a recent
 * {@code POST /verify} of the session, and the handler checks that the account's current address is verified.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"abuse-guard.client.trusted-proxies=127.0.0.1", Operator.NAME, Operator.PASSWORD, Operator.ROLES})
class VerifiedFlowTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    private final HttpClient http = HttpClient.newHttpClient();
    private final String client = "198.51.100." + CLIENTS.getAndIncrement();

    @LocalServerPort
    int port;

    private HttpResponse<String> send(String method, String path, String token, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-For", client)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String[] signUp(String email) throws Exception {
        HttpResponse<String> created =
                send("POST", "/api/accounts", null, "application/json", "{\"email\":\"" + email + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new String[] {field(created.body(), "id"), field(created.body(), "token")};
    }

    private int card(String id, String token) throws Exception {
        return send(
                        "POST",
                        "/api/accounts/" + id + "/payment-methods",
                        token,
                        "application/json",
                        "{\"card\":\"4111 1111 1111 1111\"}")
                .statusCode();
    }

    /**
     * probe73d F1: the verified step survived an e-mail change. The account verifies its address, moves to one nobody
     * verified, and added a card at once: the session's trail still holds {@code POST /verify} for the same {id},
     * and the handler kept {@code verified = true}. The change now unverifies the account, and the handler refuses.
     */
    @Test
    void aVerifiedStepDoesNotSurviveAnEmailChangeToAnUnverifiedAddress() throws Exception {
        String[] account = signUp("ann.probe73d@gmail.com");
        assertThat(send("POST", "/api/accounts/" + account[0] + "/verify", account[1], null, null)
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> moved = send(
                "PUT",
                "/api/accounts/" + account[0] + "/email",
                account[1],
                "application/x-www-form-urlencoded",
                "email=never-verified.probe73d%40example.org");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);

        assertThat(card(account[0], account[1]))
                .as("a payment method right after moving the account to an address nobody verified")
                .isEqualTo(403);
    }

    /** Another account's verification, shared token or not, and an OPTIONS of verify never count for this one. */
    @Test
    void anotherAccountsVerificationAndFailedVerifiesDoNotCount() throws Exception {
        String[] a = signUp("a.probe73d@example.com");
        String[] b = signUp("b.probe73d@example.com");
        assertThat(send("POST", "/api/accounts/" + a[0] + "/verify", a[1], null, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(send("POST", "/api/accounts/" + b[0] + "/verify", a[1], null, null)
                        .statusCode())
                .as("B's verify with A's token")
                .isEqualTo(401);
        assertThat(card(b[0], b[1])).isEqualTo(403);
        assertThat(send("OPTIONS", "/api/accounts/" + b[0] + "/verify", b[1], null, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(card(b[0], b[1]))
                .as("an OPTIONS of verify answered 200 is no verify")
                .isEqualTo(403);
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
        return matcher.group(1);
    }
}
