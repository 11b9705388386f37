package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe23 F3: a session keyed by cookie:NAME must not be a new trail for a made-up cookie in front of the real
 * one: Tomcat (JSESSIONID) and Spring Session (SESSION) take the first VALID cookie, so it is the same session
 * to the application. A cookie named with different values is refused as ambiguous, a 400 problem. Before: 50 of
 * 50 more redemptions by one container session passed a once-only rule.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.sequence.session=cookie:JSESSIONID",
            "abuse-guard.sequence.rules.once.operation=POST /keys/redeem",
            "abuse-guard.sequence.rules.once.forbids=POST /keys/redeem",
            "abuse-guard.sequence.rules.once.within=24h",
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Import(CookieSessionTest.Voucher.class)
class CookieSessionTest {

    /** A shop's once-per-session voucher: sign in (a container session), then redeem. */
    @RestController
    static class Voucher {
        @GetMapping("/keys/signin")
        Map<String, String> signIn(HttpServletRequest request) {
            return Map.of("session", request.getSession(true).getId());
        }

        @PostMapping("/keys/redeem")
        ResponseEntity<Map<String, String>> redeem(HttpServletRequest request) {
            HttpSession session = request.getSession(false);
            if (session == null) {
                return ResponseEntity.status(401).body(Map.of("error", "sign in"));
            }
            return ResponseEntity.ok(Map.of("redeemed-by", session.getId()));
        }
    }

    @LocalServerPort
    int port;

    @Test
    void aJunkCookieInFrontOfTheRealOneIsRefusedNotANewSession() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        LoopbackClient.Answer signedIn = client.send("127.0.6.1", "GET", "/keys/signin", null);
        Matcher session = Pattern.compile("\"session\":\"([^\"]+)\"").matcher(signedIn.body());
        assertThat(session.find()).as(signedIn.body()).isTrue();
        String id = session.group(1);

        LoopbackClient.Answer first =
                client.send("127.0.6.1", "POST", "/keys/redeem", "{}", "Cookie", "JSESSIONID=" + id);
        assertThat(first.status()).as("first %s", first.body()).isEqualTo(200);
        assertThat(client.send("127.0.6.1", "POST", "/keys/redeem", "{}", "Cookie", "JSESSIONID=" + id)
                        .status())
                .as("the rule holds for the plain cookie")
                .isEqualTo(403);

        int redeemed = 0;
        int refused = 0;
        for (int i = 0; i < 50; i++) {
            LoopbackClient.Answer answer = client.send(
                    "127.0.6.1", "POST", "/keys/redeem", "{}", "Cookie", "JSESSIONID=junk" + i + "; JSESSIONID=" + id);
            if (answer.status() == 200 && answer.body().contains(id)) {
                redeemed++;
            }
            if (answer.status() == 400 && answer.body().contains("ambiguous-header")) {
                refused++;
            }
        }
        assertThat(redeemed).as("more redemptions of one container session").isZero();
        assertThat(refused)
                .as("refused as ambiguous, a problem naming the reason")
                .isEqualTo(50);
    }

    @Test
    void theSameCookieTwiceIsThatSession() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        LoopbackClient.Answer signedIn = client.send("127.0.6.2", "GET", "/keys/signin", null);
        Matcher session = Pattern.compile("\"session\":\"([^\"]+)\"").matcher(signedIn.body());
        assertThat(session.find()).as(signedIn.body()).isTrue();
        String cookie = "JSESSIONID=" + session.group(1) + "; JSESSIONID=" + session.group(1);
        assertThat(client.send("127.0.6.2", "POST", "/keys/redeem", "{}", "Cookie", cookie)
                        .status())
                .isEqualTo(200);
        assertThat(client.send("127.0.6.2", "POST", "/keys/redeem", "{}", "Cookie", cookie)
                        .status())
                .isEqualTo(403);
    }
}
