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
 * review82: sign-ups the folded-skeleton careless readings of d4b19125 still let through, each from a network of its
 * own (all answered 201 on the demo at 5dba953f). F1: a careless domain before a later full-width at sign (the parser
 * names both, the candidates come only after the last); F2: letters and dashes iconv ASCII//TRANSLIT folds; F3: a
 * parenthesised letter (NFKC "(c)"); F4: a tag in the comment.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // a context of their own: their refused sign-ups spend the shared unusual mailbox's budget, which
        // MailboxSignUpTest counts in the shared context
        properties = {"abuse-guard.client.trusted-proxies=127.0.0.1", "spring.application.name=careless-readings"})
class CarelessReadingsReview82DemoTest {
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
            "bot0@yopmai\\u0142.com\\uff20gmail.com",
            "bot1@yo\\u0301pmail.com\\uff20gmail.com",
            "bot2@(maildrop.cc)\\u00a0gmail.com\\uff20gmail.com",
            "bot3@yopma\\u0268l.com",
            "bot4@guerri\\u0140lamail.com",
            "bot5@temp\\u2010mail.org",
            "bot6@(yopmail.\\u249eom)\\u00a0gmail.com",
        };
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < emails.length; i++) {
            answered.add(emails[i] + " -> " + signUp("198." + (82 + i) + ".0.1", emails[i]));
        }
        assertThat(answered).allMatch(line -> line.endsWith("422"), "every listed domain refused");
    }
}
