package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * probe60a F1: a throw-away domain in a comment or quotes, followed by a Unicode space and an ordinary domain, names
 * the throw-away domain to an application that strips brackets and quotes and cuts at white space, two readings the
 * README judges one at a time only. Each such sign-up was answered 201; the parenthesised ones also get a mailbox key
 * of their own ({@code botN@gmail.com}), so the per-mailbox limit does not stop them either.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // a context of their own: their refused sign-ups spend the shared unusual mailbox's budget, which
        // MailboxSignUpTest counts in the shared context
        properties = {"abuse-guard.client.trusted-proxies=127.0.0.1", "spring.application.name=careless-readings"})
class CarelessCombinationDemoTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private int signUp(String client, String email) throws Exception {
        String json = "{\"email\":\"" + email + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.getBytes(StandardCharsets.UTF_8)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aListedDomainInACommentBeforeAUnicodeSpaceGetsNoAccount() throws Exception {
        String[] listed = {"yopmail.com", "mailinator.com", "guerrillamail.com", "10minutemail.com", "maildrop.cc"};
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < listed.length; i++) {
            String email = "bot" + i + "@(" + listed[i] + ")\\u00a0gmail.com";
            answered.add(email + " -> " + signUp("198." + (10 + i) + ".0.1", email));
        }
        assertThat(answered).allMatch(line -> line.endsWith("422"), "every listed domain refused");
    }
}
