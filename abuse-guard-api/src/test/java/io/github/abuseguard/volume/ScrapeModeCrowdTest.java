package io.github.abuseguard.volume;

import static io.github.abuseguard.volume.DemoScoresRule.get;
import static io.github.abuseguard.volume.DemoScoresRule.prove;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Small crowds against the under-scrape mode (probe22 F2 and F3): one that rotates a few addresses per
 * window to stay under the count of contributors, and one that starts the mode and keeps it on by coming
 * back with the same addresses.
 */
class ScrapeModeCrowdTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    private VolumeGuard demoLike() {
        return DemoScoresRule.on(store, clock);
    }

    @Test
    void aScrapeRotatingNineAddressesAWindowIsPutUnderScrape() {
        VolumeGuard guard = demoLike();
        // probe22 F3: 25 new games a second, each proved address reading 30 (its max-distinct) and then the
        // next: 8 or 9 addresses per 10 s window, never ten in one window
        int through = 0;
        int sent = 1_000;
        for (int i = 0; i < sent; i++) {
            String address = "172.30.0." + (i / 30 + 1);
            if (i % 30 == 0) {
                prove(guard, address);
            }
            if (guard.check(get(address, "/api/scores/new-" + i)).isAllow()) {
                through++;
            }
            clock.advance(Duration.ofMillis(40));
        }
        System.out.printf("rotating nine addresses a window: %d of %d through%n", through, sent);
        assertThat(guard.underScrape())
                .as("nine addresses this window and nine the last are eighteen contributors")
                .containsExactly("scores");
        assertThat(through)
                .as("through of %d: about the first 12 s, then 10 of each address's 30", sent)
                .isLessThan(600);
    }

    /** {@code n} proved addresses of {@code group} each read {@code games} new games, 20 ms apart. */
    private int crowd(VolumeGuard guard, String group, int n, int games, int[] item) {
        int through = 0;
        for (int a = 0; a < n; a++) {
            prove(guard, group + (a + 1));
        }
        for (int g = 0; g < games; g++) {
            for (int a = 0; a < n; a++) {
                if (guard.check(get(group + (a + 1), "/api/scores/new-" + item[0]++))
                        .isAllow()) {
                    through++;
                }
                clock.advance(Duration.ofMillis(20));
            }
        }
        return through;
    }

    @Test
    void aCrowdCannotKeepTheModeOnByComingBackWithTheSameAddresses() {
        VolumeGuard guard = demoLike();
        int[] item = {0};
        // probe22 F2, with a pool of 24 addresses: twelve start the mode, and every 200 s twelve of the pool
        // (the other half, then the first again) read 10 new games each, within the mode's bound, to extend it;
        // meanwhile a new reader with a proof comes every 25 s and reads 20 popular games 0.3 s apart
        crowd(guard, "172.31.0.", 12, 25, item);
        assertThat(guard.underScrape()).as("started by twelve addresses").containsExactly("scores");
        long start = clock.epochMillis();
        int readersThrough = 0;
        int readersSent = 0;
        int lateThrough = 0;
        int lateSent = 0;
        int reader = 0;
        long nextCrowd = start + 200_000;
        int round = 1;
        while (clock.epochMillis() - start < 13 * 60_000) {
            if (clock.epochMillis() >= nextCrowd) {
                crowd(guard, round % 2 == 1 ? "172.31.1." : "172.31.0.", 12, 10, item);
                round++;
                nextCrowd += 200_000;
            }
            String address = "10.8." + (reader / 250) + "." + (reader % 250 + 1);
            reader++;
            prove(guard, address);
            boolean late = clock.epochMillis() - start >= 9 * 60_000;
            for (int g = 0; g < 20; g++) {
                boolean allowed =
                        guard.check(get(address, "/api/scores/game-" + g)).isAllow();
                readersSent++;
                readersThrough += allowed ? 1 : 0;
                if (late) {
                    lateSent++;
                    lateThrough += allowed ? 1 : 0;
                }
                clock.advance(Duration.ofMillis(300));
            }
            clock.advance(Duration.ofMillis(25_000 - 20 * 300));
        }
        System.out.printf(
                "a pool of 24 addresses: readers %d of %d through, after 9 minutes %d of %d; under scrape %s%n",
                readersThrough, readersSent, lateThrough, lateSent, guard.underScrape());
        assertThat(guard.underScrape())
                .as("a site that started or extended the mode is no evidence for it: ended 5 minutes after the"
                        + " second half extended it")
                .isEmpty();
        assertThat(lateThrough)
                .as("readers' games through of %d in the last four minutes", lateSent)
                .isEqualTo(lateSent);
    }

    @Test
    void aSiteThatStartedTheModeIsRefusedOnItsOwnAfterItWhileNewReadersAreNot() {
        VolumeGuard guard = demoLike();
        int[] item = {0};
        // twelve addresses without a proof each read 25 new games at once: the mode starts
        for (int g = 0; g < 25; g++) {
            for (int a = 0; a < 12; a++) {
                guard.check(get("172.31.2." + (a + 1), "/api/scores/new-" + item[0]++));
                clock.advance(Duration.ofMillis(20));
            }
        }
        assertThat(guard.underScrape()).containsExactly("scores");
        clock.advance(UnderScrape.defaults().duration().plusSeconds(1));
        assertThat(guard.underScrape()).isEmpty();
        for (int r = 0; r < 50; r++) {
            String address = "10.9.0." + (r + 1);
            assertThat(guard.check(get(address, "/api/scores/game-" + r)).isAllow())
                    .as("a new reader without a proof after the mode, %s", address)
                    .isTrue();
        }
        prove(guard, "10.9.1.1");
        for (int g = 0; g < 30; g++) {
            assertThat(guard.check(get("10.9.1.1", "/api/scores/title-" + g)).isAllow())
                    .as("a new reader with a proof reads up to the rule's own bound, game %d", g)
                    .isTrue();
        }
        Decision starter = guard.check(get("172.31.2.1", "/api/scores/game-1"));
        assertThat(starter.isDeny())
                .as("a site that started the mode, without a proof, after it")
                .isTrue();
        assertThat(starter.reason()).isEqualTo("under-scrape");
        // remembered for three durations from the start: the mode's five minutes and ten more
        clock.advance(UnderScrape.defaults().duration().multipliedBy(2));
        assertThat(guard.check(get("172.31.2.2", "/api/scores/game-1")).isAllow())
                .as("forgotten three durations after it started the mode")
                .isTrue();
    }
}
