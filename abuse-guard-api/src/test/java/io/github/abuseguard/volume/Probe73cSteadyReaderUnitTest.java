package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * probe73c F1 at the guard: the sliding distinct count adds the previous window's filled registers (weighed by its
 * overlap) to this window's without telling the same resource in both apart, so a reader of the same K resources
 * counts as up to 2K just after each boundary. Under the mode the tighter bound (under-scrape.max-distinct, 10) is
 * hit the same way by a reader of six games.
 */
class Probe73cSteadyReaderUnitTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    private VolumeGuard demoLike() {
        return VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(1234)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(30)
                        .window(Duration.ofMinutes(10))
                        .build())
                .build();
    }

    @Test
    void aReaderOfTheSameTwentyGamesAllEveningIsNeverRefusedAtABoundOfThirty() {
        VolumeGuard guard = demoLike();
        int refused = 0;
        int sent = 0;
        for (int minute = 0; minute < 60; minute++) {
            for (int game = 0; game < 20; game++) {
                GuardRequest read = GuardRequest.builder("GET", "/api/scores/match-" + game)
                        .client("203.0.113.20")
                        .build();
                sent++;
                if (!guard.check(read).isAllow()) {
                    refused++;
                }
                clock.advance(Duration.ofSeconds(3));
            }
        }
        assertThat(refused)
                .as("20 distinct games all hour under a bound of 30: %d of %d refused", refused, sent)
                .isZero();
    }

    @Test
    void underScrapeAProvedReaderOfTheSameSixGamesIsNotRefusedAtABoundOfTen() {
        VolumeGuard guard = VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(1234)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(30)
                        .window(Duration.ofMinutes(10))
                        .underScrape(UnderScrape.defaults())
                        .build())
                .build();
        // three minutes before a 10-minute boundary
        long intoWindow = Math.floorMod(clock.epochMillis(), 600_000L);
        clock.advance(Duration.ofMillis(Math.floorMod(420_000L - intoWindow, 600_000L)));
        String reader = "203.0.113.30";
        history(guard, reader);
        for (int minute = 0; minute < 2; minute++) {
            assertThat(readSix(guard, reader)).isZero(); // six games a minute, the same six
        }
        clock.advance(Duration.ofSeconds(30)); // the reader is no starter of the mode: nothing read in its last 20 s
        int item = 0;
        for (int a = 1; a <= 12; a++) {
            history(guard, "198.51.100." + a);
        }
        for (int g = 0; g < 25; g++) { // a dozen addresses, 25 new games each: the route is under scrape
            for (int a = 1; a <= 12; a++) {
                guard.check(GuardRequest.builder("GET", "/api/scores/new-" + item++)
                        .client("198.51.100." + a)
                        .build());
                clock.advance(Duration.ofMillis(20));
            }
        }
        assertThat(guard.underScrape()).containsExactly("scores");
        int refused = 0;
        for (int minute = 0; minute < 3; minute++) { // across the boundary, within the mode
            refused += readSix(guard, reader);
        }
        assertThat(refused)
                .as("the same six games, under the mode's bound of 10: %d of 18 refused", refused)
                .isZero();
    }

    private static void history(VolumeGuard guard, String address) {
        GuardRequest page =
                GuardRequest.builder("GET", "/api/cart").client(address).build();
        assertThat(guard.check(page).isAllow()).isTrue();
        guard.observe(page, 200, true);
    }

    /** One minute of a reader: six games, 10 s apart; how many were refused. */
    private int readSix(VolumeGuard guard, String address) {
        int refused = 0;
        for (int game = 0; game < 6; game++) {
            if (!guard.check(GuardRequest.builder("GET", "/api/scores/match-" + game)
                            .client(address)
                            .build())
                    .isAllow()) {
                refused++;
            }
            clock.advance(Duration.ofSeconds(10));
        }
        return refused;
    }
}
