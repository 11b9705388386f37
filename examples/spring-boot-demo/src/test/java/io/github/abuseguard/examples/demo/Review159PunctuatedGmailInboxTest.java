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
 * review159 F3: probe85c F1's fix drops {@code _} and symbols from a name no registry can hold, not punctuation. A
 * dash, quote or middle dot inside a Gmail label (IDNA2008 DISALLOWED or CONTEXTO out of context) is read as
 * gmail.com by the lists' careless reading (so the sign-up is allowed) and is an inbox key of its own, so each spelling
 * opens three more accounts on one Gmail inbox.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "abuse-guard.client.trusted-proxies=127.0.0.1")
class Review159PunctuatedGmailInboxTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void punctuationInAGmailLabelIsNoNewInbox() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        statuses.add(signUp("dash.dot@gmail.com"));
        List<String> domains = List.of(
                "gm\u2010ail.com",
                "g\u2011mail.com",
                "gma\u2013il.com",
                "gmai\u2014l.com",
                "g\u2019mail.com",
                "gma\u2027il.com",
                "gm\u00b7ail.com",
                "g\u30fbmail.com");
        for (int i = 0; i < domains.size(); i++) {
            statuses.add(signUp("dash.dot+" + i + "@" + domains.get(i)));
        }
        assertThat(statuses.stream().filter(status -> status == 201))
                .as("%s: one inbox, dashdot@gmail.com", statuses)
                .hasSizeLessThanOrEqualTo(3);
    }

    private int signUp(String address) throws Exception {
        int n = CLIENTS.getAndIncrement();
        String client = "10." + (159 + n) + ".3.1"; // a /16 of its own
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + address + "\"}", StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
