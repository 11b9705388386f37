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
 * review80: sign-ups the combined reading of 919e2585 still lets through, each from a network of its own. F1: a
 * trailing comment holding '%' switches the combined reading off; F2: a control that Character.isWhitespace splits at
 * instead of U+00A0; F4: ł, which Commons Lang's stripAccents reads as l. Each was answered 201, and each has a mailbox
 * key of its own per local part (botN@gmail.com, botN@xn--yopmai-8db.com).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // a context of their own: their refused sign-ups spend the shared unusual mailbox's budget, which
        // MailboxSignUpTest counts in the shared context
        properties = {"abuse-guard.client.trusted-proxies=127.0.0.1", "spring.application.name=careless-readings"})
class CarelessReadingsReview80DemoTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private int signUp(String client, String jsonEmail) throws Exception {
        String json = "{\"email\":\"" + jsonEmail + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.getBytes(StandardCharsets.UTF_8)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void listedDomainsToACarelessApplicationGetNoAccount() throws Exception {
        // JSON escapes, as a client sends them
        String[] emails = {
            "bot0@(maildrop.cc)\\u00a0gmail.com(%)",
            "bot1@(mailinator.com)\\u3000gmail.com(%)",
            "bot2@(maildrop.cc)\\u001fgmail.com",
            "bot3@(yopmail.com)\\u001fgmail.com",
            "bot4@yopmai\\u0142.com",
            "bot5@guerri\\u0142lamail.com",
            // F7: a quoted-pair in the quoted domain (JSON: \\\\ is one backslash)
            "bot6@\\\"yop\\\\mail.com\\\"\\u00a0gmail.com",
        };
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < emails.length; i++) {
            answered.add(emails[i] + " -> " + signUp("198." + (60 + i) + ".0.1", emails[i]));
        }
        assertThat(answered).allMatch(line -> line.endsWith("422"), "every listed domain refused");
    }
}
