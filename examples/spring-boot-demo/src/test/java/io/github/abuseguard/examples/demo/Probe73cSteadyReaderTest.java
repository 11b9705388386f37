package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe73c F1: the demo's scores rule (max-distinct 30 per 10 minutes) counts a reader's distinct games as this
 * window's plus the previous window's, weighed by its overlap, without telling the same game in both apart. A fan
 * who follows the evening's 20 matches, each looked at once a minute, reads 20 games and no more, yet right after
 * each 10-minute boundary counts as up to 40 and is refused (429 many-distinct-resources, Retry-After 10 minutes).
 * README: "A key is refused ... only once it certainly passed max-distinct"; "Polling one resource as often as you
 * like is not enumeration".
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.application.name=probe73c-steady-reader") // a context of its own, never shared
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Probe73cSteadyReaderTest {
    @LocalServerPort
    int port;

    @Autowired
    StillClock clock;

    /** A clock that moves only when the test moves it: every guard and the store read it. */
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

    @Test
    void aFanFollowingTwentyMatchesIsNeverRefusedAtABoundOfThirty() throws Exception {
        LoopbackClient fan = new LoopbackClient(port);
        String address = "127.94.0.1";
        fan.prove(address);
        List<String> refusals = new ArrayList<>();
        int sent = 0;
        for (int minute = 0; minute < 25; minute++) { // an evening's 25 minutes, each match once a minute
            for (int match = 0; match < 20; match++) {
                LoopbackClient.Answer answer = fan.browse(address, "/api/scores/match-" + match);
                sent++;
                if (answer.status() != 200) {
                    refusals.add("minute " + minute + " match " + match + ": " + answer.status() + " "
                            + answer.body().replaceAll(".*\"reason\":\"([^\"]*)\".*", "$1"));
                }
                clock.advance(Duration.ofSeconds(3));
            }
        }
        assertThat(refusals)
                .as(
                        "20 distinct games, the same 20 all evening, under a bound of 30: %d of %d refused",
                        refusals.size(), sent)
                .isEmpty();
    }
}
