package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe85a F1, F2 against the demo as it ships: one address (which ran the page's proof) guesses at one account, spelled
 * as a case- and accent-insensitive database collation finds it: MySQL's default utf8mb4_0900_ai_ci, MariaDB's
 * uca1400_ai_ci, PostgreSQL's nondeterministic ICU collations ({@code und-u-ks-level2}, checked in PostgreSQL 15 with
 * ICU 72 for every spelling below). The demo's handler compares names exactly, so here the answers are for no account;
 * an application looking the name up in such a database checks the one account's password each time. A 401 is a guess
 * the guards let through to the password check; the "login" limit allows 5 a minute per address and user name.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.application.name=probe85a-collation-spellings")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Probe85aCollationSpellingsLoginTest {
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    @LocalServerPort
    int port;

    /** F1: さとう with each kana in hiragana or katakana ({@code 'さとう' = 'サトウ' COLLATE ci} is true). */
    @Test
    void kanaSpellingsOfOneAccountEachGetALoginBudget() throws Exception {
        List<String> spellings = new ArrayList<>();
        for (int mask = 0; mask < 6; mask++) {
            StringBuilder name = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                name.append(((mask >> i) & 1) == 0 ? "さとう".charAt(i) : "サトウ".charAt(i));
            }
            spellings.add(name.toString());
        }
        int checked = guess("127.85.1.1", spellings, "kana spellings of さとう");
        assertThat(checked)
                .as("login: 5 a minute per address and user name, whatever spelling the database takes for it")
                .isLessThanOrEqualTo(5);
    }

    /**
     * F2: user1234 with digits in Kawi (U+11F50-U+11F59, Unicode 15), dropped from the key as code points Java 17 does
     * not assign ({@code ('user' || chr(x'11F51'::int) || '234') = 'user1234' COLLATE ci} is true).
     */
    @Test
    void laterUnicodeDigitSpellingsOfOneAccountEachGetALoginBudget() throws Exception {
        List<String> spellings = new ArrayList<>();
        for (int mask = 0; mask < 6; mask++) {
            StringBuilder name = new StringBuilder("user");
            for (int i = 0; i < 4; i++) {
                int d = "1234".charAt(i) - '0';
                name.appendCodePoint(((mask >> i) & 1) == 0 ? '0' + d : 0x11F50 + d);
            }
            spellings.add(name.toString());
        }
        int checked = guess("127.85.2.1", spellings, "Kawi-digit spellings of user1234");
        assertThat(checked)
                .as("login: 5 a minute per address and user name, whatever spelling the database takes for it")
                .isLessThanOrEqualTo(5);
    }

    /** Five wrong passwords for each spelling from {@code address}; how many reached the password check. */
    private int guess(String address, List<String> spellings, String what) throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        client.prove(address);
        Map<String, Integer> tally = new TreeMap<>();
        int checked = 0;
        int n = 0;
        for (String spelling : spellings) {
            for (int i = 0; i < 5; i++) {
                LoopbackClient.Answer answer = client.send(
                        address,
                        "POST",
                        "/api/login",
                        "{\"username\":\"" + spelling + "\",\"password\":\"guess-" + n++ + "\"}",
                        "User-Agent",
                        CHROME,
                        "Accept-Language",
                        "en",
                        "Origin",
                        "http://127.0.0.1:" + port);
                tally.merge(
                        answer.status() + (answer.status() == 429 ? " " + reason(answer.body()) : ""), 1, Integer::sum);
                checked += answer.status() == 401 ? 1 : 0;
            }
        }
        System.out.println("PROBE85A " + what + ", one address, one minute: " + tally);
        return checked;
    }

    private static String reason(String body) {
        int s = body.indexOf("\"reason\":\"");
        return s < 0 ? "" : body.substring(s + 10, body.indexOf('"', s + 10));
    }
}
