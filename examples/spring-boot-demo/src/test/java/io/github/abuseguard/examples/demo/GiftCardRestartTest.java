package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.TimeSource;
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
 * probe20 F2 on the demo: 14 proved addresses guess two gift-card codes each, which puts the route under
 * attack; once the mode's 5 minutes are over they guessed again and started it at once, refusing every new
 * customer (364 of 365 over 13 minutes). Now the addresses whose guesses started the mode are refused on their
 * own after it, and new customers are not. The guards' clock is moved past the mode, not waited for.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.application.name=giftcard-restart") // a context of its own, never shared
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class GiftCardRestartTest {
    @LocalServerPort
    int port;

    @Autowired
    MovableClock clock;

    /** The system clock, moved on by what a test adds: every guard and the store read it. */
    static final class MovableClock implements TimeSource {
        private final AtomicLong aheadNanos = new AtomicLong();

        @Override
        public long nanoTime() {
            return System.nanoTime() + aheadNanos.get();
        }

        @Override
        public Instant instant() {
            return Instant.now().plusNanos(aheadNanos.get());
        }

        void advance(Duration duration) {
            aheadNanos.addAndGet(duration.toNanos());
        }
    }

    @TestConfiguration
    static class Clock {
        @Bean
        MovableClock abuseGuardTimeSource() {
            return new MovableClock();
        }
    }

    @Test
    void theAddressesThatStartedTheGiftCardModeCannotStartItAgainWhenItEnds() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        client.prove("127.86.0.1");
        assertThat(client.browse("127.86.0.1", "/api/giftcards/GIFT-100").status())
                .as("a customer mistypes: the instance hears the route fail with GET")
                .isEqualTo(404);
        for (int a = 1; a <= 14; a++) {
            client.prove("127.87." + a + ".1");
        }
        int reached = guesses(client, 0);
        assertThat(reached).as("the guesses before the mode").isBetween(19, 28);
        client.prove("127.88.0.1");
        assertThat(client.browse("127.88.0.1", "/api/giftcards/GIFT-1000").status())
                .as("probe47b F3: a new customer who proved while the route is under attack tries newcomer-attempts")
                .isEqualTo(200);

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        LoopbackClient.Answer again = client.browse("127.87.1.1", "/api/giftcards/GUESS-again");
        assertThat(again.status()).as(again.body()).isEqualTo(429);
        assertThat(again.body()).contains("\"rule\":\"giftcard-guesses\"").contains("\"reason\":\"site-under-attack\"");
        guesses(client, 1);
        client.prove("127.88.0.2");
        for (String card : new String[] {"GIFT-2500", "GIFT-1000", "GIFT-0042", "GIFT-2500"}) {
            assertThat(client.browse("127.88.0.2", "/api/giftcards/" + card).status())
                    .as("probe20 F2: the crowd started the mode again, and this new customer was refused (past its"
                            + " newcomer attempts, were the mode on)")
                    .isEqualTo(200);
        }
    }

    /** Two guesses from each of the crowd's 14 addresses; answers how many reached the handler (404). */
    private static int guesses(LoopbackClient client, int round) throws Exception {
        int reached = 0;
        for (int a = 1; a <= 14; a++) {
            for (int g = 0; g < 2; g++) {
                LoopbackClient.Answer answer =
                        client.browse("127.87." + a + ".1", "/api/giftcards/GUESS-" + round + "-" + a + "-" + g);
                if (answer.status() == 404) {
                    reached++;
                } else {
                    assertThat(answer.status()).as(answer.body()).isEqualTo(429);
                }
            }
        }
        return reached;
    }
}
