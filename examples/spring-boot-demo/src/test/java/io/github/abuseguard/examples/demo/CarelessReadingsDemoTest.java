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
 * Sign-ups with a throw-away mailbox that a careless application (one that strips quotes and brackets, folds letters to
 * ASCII, drops or splits at spaces and controls, takes the first address) delivers to a listed domain, while a mail
 * parser reads another (probe60a F1, F2; review80 F1-F4, F7; review82 F1-F3): each is refused 422 on the demo.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // a context of their own: their refused sign-ups spend the shared unusual mailbox's budget, which
        // MailboxSignUpTest counts in the shared context
        properties = {"abuse-guard.client.trusted-proxies=127.0.0.1", "spring.application.name=careless-readings"})
class CarelessReadingsDemoTest {
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
            // probe60a F1: a listed domain in a comment before a Unicode space
            "bot0@(yopmail.com)\\u00a0gmail.com",
            "bot1@(mailinator.com)\\u00a0gmail.com",
            "bot2@(guerrillamail.com)\\u00a0gmail.com",
            "bot3@(10minutemail.com)\\u00a0gmail.com",
            // review80 F1, F2, F4, F7
            "bot4@(maildrop.cc)\\u00a0gmail.com(%)",
            "bot5@(mailinator.com)\\u3000gmail.com(%)",
            "bot6@(maildrop.cc)\\u001fgmail.com",
            "bot7@yopmai\\u0142.com",
            "bot8@\\\"yop\\\\mail.com\\\"\\u00a0gmail.com",
            // review82 F1-F3
            "bot9@yo\\u0301pmail.com\\uff20gmail.com",
            "bot10@(maildrop.cc)\\u00a0gmail.com\\uff20gmail.com",
            "bot11@yopma\\u0268l.com",
            "bot12@guerri\\u0140lamail.com",
            "bot13@temp\\u2010mail.org",
            "bot14@(yopmail.\\u249eom)\\u00a0gmail.com",
            // review85 F1-F3, F5, F6: each opened an account
            "bot15@yo\\u0301pmail(x).com",
            "bot16@(x)yo\\u0301pmail.com",
            "\\\"bot17@yo\\u0301pmail.com\\\"",
            "bot18@yo\\u0301pmail.com.(x)",
            "bot19@gmail.com(\\u00a0b\\uff20yo\\u0301pmail.com",
            "bot20@maili\\u0149ator.com",
        };
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < emails.length; i++) {
            answered.add(emails[i] + " -> " + signUp("198." + (10 + i) + ".0.1", emails[i]));
        }
        assertThat(answered).allMatch(line -> line.endsWith("422"), "every listed domain refused");
    }
}
