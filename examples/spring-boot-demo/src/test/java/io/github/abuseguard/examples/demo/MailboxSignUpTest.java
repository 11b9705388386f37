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
                default -> "kimlee@gmail.com(c)" + ",".repeat(i);
            };
            statuses.add(signUp(spelling));
        }

        assertThat(statuses.stream().filter(status -> status == 201))
                .as(statuses.toString())
                .hasSize(3);
        assertThat(statuses.subList(3, 20)).containsOnly(429);
        assertThat(signUp("kim.lee.2@gmail.com")).as("another inbox").isEqualTo(201);
    }

    /**
     * probe44a F4, F5: spellings whose inbox cannot be told (a Unicode space or a comment inside the address,
     * text after it) share one budget, whoever's inbox they might be: three accounts a day among all of them.
     */
    @Test
    void spellingsWhoseInboxCannotBeToldShareOneBudget() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String spelling = switch (i % 4) {
                case 0 -> "da(" + i + ")n@gmail.com";
                case 1 -> "d(" + i + ")an@gmail.com";
                case 2 -> "eve@gm\\u00a0ail.com".replace("eve", "eve" + i);
                default -> "joe" + i + "@gmail.com(x)y" + i;
            };
            statuses.add(signUp(spelling));
        }
        assertThat(statuses.stream().filter(status -> status == 201))
                .as(statuses.toString())
                .hasSize(3);
        assertThat(statuses.subList(3, 12)).containsOnly(429);
        assertThat(signUp("dan@gmail.com")).as("the inbox as a person types it").isEqualTo(201);
    }

    /**
     * probe44a F7: three sign-ups naming a victim's inbox that the handler refuses (400: a display name is no
     * address to it) opened no account, so they spend nothing of the inbox's day.
     */
    @Test
    void signUpsTheHandlerRefusesDoNotSpendTheInboxsDay() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(signUp("Vic <vic.tim+" + i + "@gmail.com>"))
                    .as("refused by the handler")
                    .isEqualTo(400);
        }
        assertThat(signUp("victim@gmail.com"))
                .as("the owner, after a stranger's four")
                .isEqualTo(201);
        assertThat(signUp("v.ictim@gmail.com")).isEqualTo(201);
        assertThat(signUp("vi.ctim@gmail.com")).isEqualTo(201);
        assertThat(signUp("vic.tim@gmail.com")).as("the inbox's fourth account").isEqualTo(429);
    }

    /**
     * review44 F4: Spring answers 406 after the handler ran when it cannot write the answer in the client's
     * {@code Accept}; the account was opened, so the token stays spent.
     */
    @Test
    void aSignUpAnswered406AfterTheHandlerRanIsNotRefunded() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(signUp("xml.reader+" + i + "@gmail.com", "application/xml"))
                    .as("written after the handler opened the account")
                    .isEqualTo(406);
        }
        assertThat(signUp("xmlreader@gmail.com"))
                .as("the inbox's fourth account")
                .isEqualTo(429);
    }

    /**
     * probe57a F6: the e-mail change had no mailbox limit, so a bot opened accounts with addresses of its own and moved
     * any number of them onto one inbox. The change spends the inbox's budget as a sign-up does.
     */
    @Test
    void accountsMovedOntoOneInboxCountAsItsSignUps() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> account = signUpAnswer("mover" + i + ".own@gmail.com");
            assertThat(account.statusCode()).isEqualTo(201);
            statuses.add(changeEmail(account.body(), "Moved.Inbox+" + i + "@gmail.com"));
        }
        assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
        assertThat(signUp("movedinbox@gmail.com"))
                .as("a sign-up with the inbox, after three accounts moved onto it")
                .isEqualTo(429);
    }

    /**
     * probe70a F1: an e-mail change the handler refuses because the account does not exist (404) or the token is
     * wrong (401) changed nothing, as a 400 does, yet it spends the inbox's day: a stranger's three such requests,
     * needing no account at all, refuse the owner's sign-up for 24 hours.
     */
    @Test
    void changesTheHandlerRefusesForAnotherAccountDoNotSpendTheInboxsDay() throws Exception {
        String stranger = signUpAnswer("stranger.own@gmail.com").body();
        String id = stranger.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        for (int i = 0; i < 2; i++) {
            assertThat(changeEmail("{\"id\":\"000000000000\",\"token\":\"x\"}", "lock.ed.out+" + i + "@gmail.com"))
                    .as("no such account")
                    .isEqualTo(404);
        }
        assertThat(changeEmail("{\"id\":\"" + id + "\",\"token\":\"wrong\"}", "lockedout+2@gmail.com"))
                .as("not the stranger's token")
                .isEqualTo(401);
        assertThat(signUp("lockedout@gmail.com"))
                .as("the owner, after a stranger's three refused changes")
                .isEqualTo(201);
    }

    /**
     * probe73b F1: a stranger's changes of a made-up account are refunded (404), but each holds one of the inbox's
     * three tokens while it is in flight; kept up three at a time from the many /64s of one /48, they refused the
     * owner's sign-up, 'Retry-After: 86400'. One network's changes are bounded (30 per 10 minutes) before the inbox's
     * rule is asked, so a /48 cannot keep them up.
     */
    @Test
    void oneNetworksChangesOfMadeUpAccountsAreBoundedBeforeTheyHoldAnInbox() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            statuses.add(changeEmail(
                    "{\"id\":\"000000000000\",\"token\":\"x\"}",
                    "held.inbox+" + i + "@gmail.com",
                    "2001:db8:7b:" + Integer.toHexString(i + 1) + "::1"));
        }
        assertThat(statuses.subList(0, 30)).as("no such account").containsOnly(404);
        assertThat(statuses.subList(30, 32)).as("the network's 31st and 32nd").containsOnly(429);
        assertThat(signUp("heldinbox@gmail.com")).as("the owner").isEqualTo(201);
    }

    private int changeEmail(String account, String address) throws Exception {
        int n = CLIENTS.getAndIncrement();
        return changeEmail(account, address, "10.78." + (n & 255) + ".1");
    }

    private int changeEmail(String account, String address, String client) throws Exception {
        String id = account.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        String token = account.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/accounts/" + id + "/email"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "email=" + java.net.URLEncoder.encode(address, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpResponse<String> signUpAnswer(String address) throws Exception {
        int n = CLIENTS.getAndIncrement();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("X-Forwarded-For", "10.77." + (n & 255) + ".1")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + address + "\"}", StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private int signUp(String address) throws Exception {
        return signUp(address, "application/json");
    }

    private int signUp(String address, String accept) throws Exception {
        int n = CLIENTS.getAndIncrement();
        String client = "10.77." + (n & 255) + ".1";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + address + "\"}", StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
