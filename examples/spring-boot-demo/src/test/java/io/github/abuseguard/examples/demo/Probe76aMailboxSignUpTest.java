package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * probe76a F1: the Turkish i in an inbox's domain. The e-mail guard reads {@code a@MAİLİNATOR.COM} as
 * mailinator.com, as a Turkish or Azerbaijani default locale's {@code toLowerCase()} does; the {@code mailbox:} key,
 * whose domain README says is "the one the e-mail guard reads", reads {@code gus@GMAİL.COM} and {@code gus@gmaıl.com}
 * as two more inboxes. Once gus@gmail.com had its three sign-ups of the day, each such spelling had three more, from
 * addresses and networks of their own.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "abuse-guard.client.trusted-proxies=127.0.0.1")
class Probe76aMailboxSignUpTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void theTurkishSpellingsOfOneGmailInboxOpenNoMoreThanItsThreeAccounts() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (String spelling : List.of(
                "gus@gmail.com",
                "g.us+1@gmail.com",
                "GUS@googlemail.com",
                "gus@GMA\u0130L.COM",
                "gus@gma\u0131l.com",
                "g.us+2@gma\u0131l.com",
                "gus+3@googlema\u0131l.com",
                "gus@googlema\u0130l.com")) {
            statuses.add(signUp(spelling));
        }

        assertThat(statuses.subList(0, 3)).as(statuses.toString()).containsOnly(201);
        assertThat(statuses.subList(3, statuses.size()))
                .as("%s: one inbox, the Turkish i in its domain", statuses)
                .containsOnly(429);
    }

    private int signUp(String address) throws Exception {
        int n = CLIENTS.getAndIncrement();
        String client = "10.76." + (n & 255) + ".1";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + address + "\"}", StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
