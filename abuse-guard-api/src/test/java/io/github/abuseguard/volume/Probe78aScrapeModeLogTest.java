package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * probe78a F2: two instances of the demo on one Redis, a scrape crowd spread over both. README (Enumeration and
 * scraping, "The log"): the instance that starts a route's under-scrape mode writes one WARN; an instance that finds
 * the mode started by another writes one INFO. Observed on the demo: three WARNs "put its routes under scrape" for one
 * start at the same millisecond (two request threads of one instance, one of the other) and no INFO.
 * RouteScrapeWatch.decide asks {@code isUnderScrape(now)}, the read this instance cached up to a second ago, before
 * {@code enter}: an instance whose last read (off) is younger than a second "starts" the mode another instance
 * started, and logs it as its own (RouteSurge, the failure rules' twin, reads the store there and logs one WARN).
 */
class Probe78aScrapeModeLogTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    /** One instance of the demo's scores rule on the shared store (the seed is shared, as on Redis). */
    private VolumeGuard instance() {
        return VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(1234)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(30)
                        .underScrape(UnderScrape.defaults())
                        .build())
                .build();
    }

    private static GuardRequest get(String address, String path) {
        return GuardRequest.builder("GET", path).client(address).build();
    }

    private static void prove(VolumeGuard guard, String address) {
        GuardRequest page =
                GuardRequest.builder("GET", "/api/cart").client(address).build();
        assertThat(guard.check(page).isAllow()).isTrue();
        guard.observe(page, 200, true);
    }

    @Test
    void aScrapeModeStartedOnOneInstanceIsLoggedAsStartedOnce() {
        VolumeGuard first = instance();
        VolumeGuard second = instance();
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            int item = 0;
            for (int a = 0; a < 12; a++) {
                prove(first, "172.31.0." + (a + 1));
            }
            prove(second, "10.9.0.1");
            for (int a = 0; a < 12; a++) {
                prove(second, "172.31.1." + (a + 1)); // more of the crowd, on the second instance
            }
            // twelve proved addresses read new games on the first instance, 20 ms apart; a reader of one popular game
            // asks the second every 100 ms (every request of the routes reads the mode, at most once a second)
            for (int g = 0; g < 25 && first.underScrape().isEmpty(); g++) {
                for (int a = 0; a < 12 && first.underScrape().isEmpty(); a++) {
                    if (item % 5 == 0) {
                        second.check(get("10.9.0.1", "/api/scores/chess"));
                    }
                    first.check(get("172.31.0." + (a + 1), "/api/scores/new-" + item++));
                    clock.advance(Duration.ofMillis(20));
                }
            }
            assertThat(first.underScrape()).as("the crowd started the mode").containsExactly("scores");
            // more of the crowd goes on on the second instance, within the second after the start
            for (int a = 0; a < 12; a++) {
                second.check(get("172.31.1." + (a + 1), "/api/scores/new-" + item++));
            }
        } finally {
            System.setErr(original);
        }
        String log = printed.toString(StandardCharsets.UTF_8);
        Matcher started = Pattern.compile("volume rule 'scores' put its routes under scrape")
                .matcher(log);
        int starts = 0;
        while (started.find()) {
            starts++;
        }
        assertThat(starts)
                .as("one start of the mode, one WARN (the second instance found it started: an INFO)")
                .isEqualTo(1);
    }
}
