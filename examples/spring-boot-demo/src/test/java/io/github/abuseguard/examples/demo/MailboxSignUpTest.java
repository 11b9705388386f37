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
 * One inbox, many accounts: a bot signs up with the spellings Gmail delivers to one inbox (sub-addresses, dots,
 * case, googlemail.com), each from an address and network of its own, so no per-address or per-network limit
 * sees it twice. The demo's {@code mailbox:/email} rule counts them as one mailbox.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "abuse-guard.client.trusted-proxies=127.0.0.1")
class MailboxSignUpTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void twentySpellingsOfOneInboxFromTwentyNetworksOpenThreeAccounts() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String spelling = switch (i % 6) {
                case 0 -> "Kim.Lee+" + i + "@gmail.com";
                case 1 -> "k.i.m.l.e.e+" + i + "@googlemail.com";
                case 2 -> "KIMLEE+" + i + "@GMAIL.COM";
                case 3 -> "kimlee\uFF0B" + i + "@gmail.com";
                // review43 F1: what follows the address, which a mail parser stops before
                case 4 -> "<kim.lee+" + i + "@gmail.com>" + i;
                default -> "kimlee@gmail.com(c)" + i + ",".repeat(i);
            };
            statuses.add(signUp(spelling));
        }

        assertThat(statuses.stream().filter(status -> status == 201)).hasSize(3);
        assertThat(statuses.subList(3, 20)).containsOnly(429);
        assertThat(signUp("kim.lee.2@gmail.com")).as("another inbox").isEqualTo(201);
    }

    private int signUp(String address) throws Exception {
        int n = CLIENTS.getAndIncrement();
        String client = "10.77." + (n & 255) + ".1";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + address + "\"}", StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
