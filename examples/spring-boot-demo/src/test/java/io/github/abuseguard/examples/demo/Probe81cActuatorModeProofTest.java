package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe81c F1: the Actuator's under-attack mode ({@code actuator-login}: 10 failures from 10 sites in 5 minutes,
 * {@code history: rule}, 15 minutes) is started by one request with a junk {@code Authorization} from each of ten
 * addresses, and while it lasts every visitor of the site is asked the proof at {@code attack-difficulty} (18 bits,
 * 16 times the work) instead of {@code difficulty} (14). Under {@code history: rule} a proof buys nothing on the
 * Actuator (no newcomer attempts, no history there), so the dearer proof makes no attacker address of that mode cost
 * more: the visitors pay 16 times the work for 15 minutes per ten requests, for no protection.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.application.name=probe81c-actuator-mode") // a context of its own, never shared
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Probe81cActuatorModeProofTest {
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    @LocalServerPort
    int port;

    private static int difficulty(LoopbackClient.Answer challenge) {
        String body = challenge.body();
        int at = body.indexOf("\"difficulty\":") + "\"difficulty\":".length();
        int end = at;
        while (Character.isDigit(body.charAt(end))) {
            end++;
        }
        return Integer.parseInt(body.substring(at, end));
    }

    @Test
    void tenJunkPasswordsOnTheActuatorDoNotMakeEveryVisitorsProofSixteenTimesDearer() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        // no challenge asked before: the first one asked reads the modes at once (they are read at most once a second)
        for (int a = 1; a <= 10; a++) {
            // one request each, as any page's <img> could not send (it carries no Authorization), but any script can
            LoopbackClient.Answer guess = client.send(
                    "127.81.10." + a, "GET", "/actuator/prometheus", null, "Authorization", "Basic anVuazpqdW5r");
            assertThat(guess.status()).as(guess.body()).isEqualTo(401);
        }
        LoopbackClient.Answer after =
                client.send("127.81.10.11", "GET", "/actuator/prometheus", null, "Authorization", "Basic anVuazpqdW5r");
        assertThat(after.status())
                .as("the Actuator is under attack: " + after.body())
                .isEqualTo(429);
        // a visitor of the public page, nowhere near the Actuator
        int asked = difficulty(client.browse("127.81.11.1", "/abuse-guard/proof"));
        assertThat(asked)
                .as("every visitor's proof while the Actuator's mode lasts (15 minutes), which a proof buys nothing on")
                .isEqualTo(14);
    }
}
