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
 * probe85c F1: {@code xn--gmail-} is no valid A-label (Punycode of plain ASCII, which IDNA never produces and no
 * registry delegates), and the e-mail guard itself reads it as {@code gmail} for the lists ({@code
 * DomainNames.toUnicode}, review87 F1: {@code bot@xn--yopmail-.com} is refused as yopmail.com), as a lenient Punycode
 * decoder such as punycode.js's {@code toUnicode} does. The {@code mailbox:} key keeps it as a domain of its own, so
 * {@code kim@xn--gmail-.com} and {@code kim@xn--googlemail-.com} are two more inboxes beside {@code kim@gmail.com},
 * each with three sign-ups a day; no real domain can be spelt that way, so folding it costs no one a budget.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "abuse-guard.client.trusted-proxies=127.0.0.1")
class Probe85cUnrealDomainInboxTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void theGuardReadsAnAsciiALabelAsItsLettersForTheLists() throws Exception {
        assertThat(signUp("bot@xn--yopmail-.com")).as("the lists' reading").isEqualTo(422);
    }

    @Test
    void asciiALabelSpellingsOfOneGmailInboxOpenNoMoreThanItsThreeAccounts() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (String domain : List.of("gmail.com", "xn--gmail-.com", "XN--GOOGLEMAIL-.COM")) {
            for (int i = 0; i < 3; i++) {
                statuses.add(signUp("Pun.y+" + i + "@" + domain));
            }
        }
        assertThat(statuses.subList(0, 3)).as(statuses.toString()).containsOnly(201);
        assertThat(statuses.stream().filter(status -> status == 201))
                .as("%s: one inbox, pun.y@gmail.com, spelt with xn-- labels that decode to gmail", statuses)
                .hasSize(3);
    }

    /**
     * probe85c F1, without bound: the Punycode of {@code gmail} with an invisible character inside ({@code gm\u200Bail},
     * {@code gmai\u2060l}, a variation selector, a tag character) is an A-label no registry takes (IDNA refuses such a
     * U-label) and the guard's list reading drops the character ({@code bot@xn--yopmail-...} naming {@code yop\u200Bmail}
     * is refused as yopmail.com); the mailbox key keeps each as an inbox of its own, so one Gmail inbox has as many
     * accounts as there are invisible characters and places to put them.
     */
    @Test
    void invisibleCharactersInsideAPunycodedGmailAreNotMoreInboxes() throws Exception {
        assertThat(signUp("bot@xn--" + punycode("yop\u200Bmail") + ".com"))
                .as("the lists' reading of an invisible character inside a Punycode label")
                .isEqualTo(422);
        int[] invisible = {
            0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0xFE00, 0xFE0F, 0xE0041, 0x180B, 0x034F, 0x2061
        };
        List<Integer> statuses = new ArrayList<>();
        statuses.add(signUp("zero.width@gmail.com"));
        for (int i = 0; i < invisible.length; i++) {
            String label = "gm" + new String(Character.toChars(invisible[i])) + "ail";
            statuses.add(signUp("zero.width+" + i + "@xn--" + punycode(label) + ".com"));
        }
        assertThat(statuses.stream().filter(status -> status == 201))
                .as("%s: one inbox, zerowidth@gmail.com", statuses)
                .hasSizeLessThanOrEqualTo(3);
    }

    /**
     * probe85c F1, the same without Punycode: an underscore, which no registry takes in a domain's label, is dropped
     * by the lists' careless reading ({@code bot@yop_mail.com} is refused as yopmail.com) and kept by the mailbox key,
     * so {@code g_mail.com}, {@code gm_ail.com}, {@code g__mail.com}, ... are inboxes of their own; so is a symbol no
     * IDNA2008 registry takes, {@code gm\u2713ail.com}, which the careless reading drops as it drops an accent.
     */
    @Test
    void characterNoRegistryTakesInAGmailDomainIsNoNewInbox() throws Exception {
        assertThat(signUp("bot@yop_mail.com"))
                .as("the lists' reading of an underscore")
                .isEqualTo(422);
        List<Integer> statuses = new ArrayList<>();
        statuses.add(signUp("under.score@gmail.com"));
        List<String> domains = List.of(
                "g_mail.com",
                "gm_ail.com",
                "gma_il.com",
                "gmai_l.com",
                "g__mail.com",
                "g_m_ail.com",
                "googlemail_.com",
                "gm\u2713ail.com",
                "gm\u2605ail.com");
        for (int i = 0; i < domains.size(); i++) {
            statuses.add(signUp("under.score+" + i + "@" + domains.get(i)));
        }
        assertThat(statuses.stream().filter(status -> status == 201))
                .as("%s: one inbox, underscore@gmail.com", statuses)
                .hasSizeLessThanOrEqualTo(3);
    }

    /** RFC 3492 Punycode of one label, without any IDNA mapping or check: what a careless encoder writes. */
    /**
     * review159 F3: a dash, quote or middle dot inside a Gmail label (IDNA2008 DISALLOWED, or CONTEXTO out of context)
     * is read as gmail.com by the lists' careless reading (so the sign-up is allowed), and was an inbox key of its own.
     */
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

    static String punycode(String input) {
        int[] cps = input.codePoints().toArray();
        StringBuilder out = new StringBuilder();
        for (int c : cps) {
            if (c < 128) {
                out.append((char) c);
            }
        }
        int b = out.length();
        int h = b;
        if (b > 0) {
            out.append('-');
        }
        int n = 128;
        int delta = 0;
        int bias = 72;
        while (h < cps.length) {
            int m = Integer.MAX_VALUE;
            for (int c : cps) {
                if (c >= n && c < m) {
                    m = c;
                }
            }
            delta += (m - n) * (h + 1);
            n = m;
            for (int c : cps) {
                if (c < n) {
                    delta++;
                }
                if (c == n) {
                    int q = delta;
                    for (int k = 36; ; k += 36) {
                        int t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
                        if (q < t) {
                            break;
                        }
                        out.append(digit(t + (q - t) % (36 - t)));
                        q = (q - t) / (36 - t);
                    }
                    out.append(digit(q));
                    bias = adapt(delta, h + 1, h == b);
                    delta = 0;
                    h++;
                }
            }
            delta++;
            n++;
        }
        return out.toString();
    }

    private static char digit(int d) {
        return (char) (d < 26 ? 'a' + d : '0' + d - 26);
    }

    private static int adapt(int delta, int points, boolean first) {
        delta = first ? delta / 700 : delta / 2;
        delta += delta / points;
        int k = 0;
        while (delta > 455) {
            delta /= 35;
            k += 36;
        }
        return k + (36 * delta) / (delta + 38);
    }

    private int signUp(String address) throws Exception {
        int n = CLIENTS.getAndIncrement();
        String client = "10." + (85 + n) + ".3.1"; // a /16 of its own: no network or allocation rule sees two
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + address + "\"}", StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
