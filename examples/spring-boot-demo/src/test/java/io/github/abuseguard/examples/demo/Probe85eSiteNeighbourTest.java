package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.servlet.ProofSolver;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe85e F1: one subscriber of a carrier's IPv6 /48 who fails about two gift-card look-ups a minute, from a fresh
 * proved /64 every nine, keeps the /48 under attack on its own most of the time (each time the site's mode ends, its
 * next guesses pass until the site's find-time count is back at min-failures). Under the demo's {@code history:
 * resource} a card a neighbour never looked up from its own /64 is "fresh", a risk signal, so during the site's mode
 * every other subscriber of the /48 who proved long before, and proves again when refused (as abuseGuard.fetch does),
 * is refused any card it has not looked up before: measured 24 of 25 neighbours' new cards refused over an hour, while
 * the attacker put 126 guesses through. The route's own mode lets such a customer try newcomer-attempts (probe47b F3);
 * the site's mode gives none. README ("A site is under attack on its own"): "neighbours who used the app before sign
 * in as usual", "a household that starts the mode does not lock its neighbours out by that (review74 F3)".
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"abuse-guard.client.trusted-proxies=127.0.0.1", "spring.application.name=probe85e-site-neighbour"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Probe85eSiteNeighbourTest {
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    @LocalServerPort
    int port;

    @Autowired
    StillClock clock;

    static final class StillClock implements TimeSource {
        private final long startNanos = System.nanoTime();
        private final Instant startInstant = Instant.now();
        private final AtomicLong aheadNanos = new AtomicLong();

        @Override
        public long nanoTime() {
            return startNanos + aheadNanos.get();
        }

        @Override
        public Instant instant() {
            return startInstant.plusNanos(aheadNanos.get());
        }

        void advance(Duration duration) {
            aheadNanos.addAndGet(duration.toNanos());
        }
    }

    @TestConfiguration
    static class Clock {
        @Bean
        StillClock abuseGuardTimeSource() {
            return new StillClock();
        }
    }

    LoopbackClient client;

    LoopbackClient.Answer get(String address, String path) throws Exception {
        return client.send(
                "127.0.0.1",
                "GET",
                path,
                null,
                "User-Agent",
                CHROME,
                "Accept-Language",
                "en",
                "X-Forwarded-For",
                address);
    }

    void prove(String address) throws Exception {
        LoopbackClient.Answer challenge = get(address, "/abuse-guard/proof");
        LoopbackClient.Answer proved = client.send(
                "127.0.0.1",
                "POST",
                "/abuse-guard/proof",
                ProofSolver.form(challenge.body()),
                "User-Agent",
                CHROME,
                "Content-Type",
                "application/x-www-form-urlencoded",
                "X-Forwarded-For",
                address);
        assertThat(proved.status()).as(address + " " + proved.body()).isEqualTo(204);
    }

    @Test
    void aNeighbourInTheAttackersSlash48LooksUpItsNewCard() throws Exception {
        client = new LoopbackClient(port);
        prove("198.51.100.1");
        assertThat(get("198.51.100.1", "/api/giftcards/GIFT-100").status()).isEqualTo(404); // the route learns GET
        for (int n = 1; n <= 30; n++) { // thirty subscribers of the carrier's /48 who used the app before
            prove("2001:db8:aaaa:" + n + "::1");
        }
        clock.advance(Duration.ofHours(1));
        int attackerPrefix = 0x100;
        int onPrefix = 0;
        int attackerReached = 0;
        int attackerSent = 0;
        prove("2001:db8:aaaa:" + Integer.toHexString(attackerPrefix) + "::1");
        StringBuilder neighbourAnswers = new StringBuilder();
        int neighbourServed = 0;
        int neighbourTries = 0;
        for (int step = 1; step <= 120; step++) { // an hour in steps of 30 s
            clock.advance(Duration.ofSeconds(30));
            // the attacker sends guesses until its site is refused (site-under-attack), at most 12 a step
            for (int burst = 0; burst < 12; burst++) {
                if (onPrefix == 9) {
                    attackerPrefix++;
                    onPrefix = 0;
                    prove("2001:db8:aaaa:" + Integer.toHexString(attackerPrefix) + "::1");
                }
                String attacker = "2001:db8:aaaa:" + Integer.toHexString(attackerPrefix) + "::1";
                attackerSent++;
                int status =
                        get(attacker, "/api/giftcards/X-" + step + "-" + burst).status();
                if (status != 404) {
                    break;
                }
                attackerReached++;
                onPrefix++;
            }
            if (step % 4 == 0 && step > 20) { // every 2 minutes, from 12 minutes in: another neighbour's new card
                neighbourTries++;
                String neighbour = "2001:db8:aaaa:" + neighbourTries + "::1";
                LoopbackClient.Answer answer = get(neighbour, "/api/giftcards/GIFT-2500");
                if (answer.status() == 429) {
                    prove(neighbour); // abuseGuard.fetch proves again and retries once
                    answer = get(neighbour, "/api/giftcards/GIFT-2500");
                }
                if (answer.status() == 200) {
                    neighbourServed++;
                }
                neighbourAnswers
                        .append(answer.status())
                        .append(' ')
                        .append(answer.body()
                                .replaceAll(".*\"reason\":\"([^\"]*)\".*", "$1")
                                .replaceAll("\\{.*", ""))
                        .append("; ");
            }
        }
        String other = "2001:db8:bbbb:1::1";
        prove(other);
        assertThat(get(other, "/api/giftcards/GIFT-2500").status())
                .as("another /48's customer")
                .isEqualTo(200);
        System.out.println("PROBE85E neighbour: attacker reached " + attackerReached + " of " + attackerSent + " (/64s "
                + (attackerPrefix - 0xff) + "); neighbour's new card: " + neighbourAnswers);
        assertThat(neighbourServed)
                .as("the neighbour's new card, of a neighbour every 2 minutes (proving again when refused) while one"
                        + " /48 neighbour fails about 2 look-ups a minute (" + attackerReached + " reached): "
                        + neighbourAnswers)
                .isEqualTo(neighbourTries);
    }
}
