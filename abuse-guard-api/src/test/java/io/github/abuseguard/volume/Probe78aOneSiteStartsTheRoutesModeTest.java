package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * probe78a F1: one IPv6 /48 (one subscriber: a tunnel broker hands them out for free) whose /64s solved the browser
 * proof beforehand walks the demo's scores, 100 /64s reading 25 new games each, spread over two instances on Redis:
 * 402 of 2,500 served, and the route's own mode started ("put its routes under scrape ... fresh resources found by
 * many client sites within a window"), capping every proved reader of every other site at 10 games per 10 minutes
 * for its duration (a reader with 4 games read before was refused its 5th new game). README: "the mode starts only
 * once about ten different clients ... found fresh resources ..., so no single client, nor a handful of addresses,
 * starts it on purpose to keep API-only readers out"; VolumeGuardTest's one-site test says "The site is one
 * contributor, so it cannot put the route under scrape for everyone". Without the proof that holds (the site's /64s
 * are refused once it is under scrape on its own, and refusals are no evidence); with it, the /64s that read on by
 * their histories within the site's budget (twice min-distinct) each count as contributors again, one per
 * min-distinct / 4 fresh games (probe47b F1), and 300 fresh games are twelve contributors. Thirty proved /64s
 * suffice here (10 games each under the site's mode: 302 served and the route's mode); thirteen do not.
 */
class Probe78aOneSiteStartsTheRoutesModeTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    /** The demo's scores rule: 30 distinct per 10 minutes, the under-scrape defaults (10 s, min-distinct 100, 5 m). */
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
                        .underScrape(new UnderScrape(
                                Duration.ofSeconds(10), 5.0, 100, Duration.ofMinutes(5), Action.THROTTLE))
                        .build())
                .build();
    }

    /** As the servlet filter passes a request on with the browser proof on: only a proof earns a history. */
    private static GuardRequest proven(String address, String path) {
        GuardRequest request = GuardRequest.builder("GET", path).client(address).build();
        request.historySettled(true);
        return request;
    }

    @Test
    void oneSlash48WhoseSlash64sProvedBeforehandDoesNotPutTheRouteUnderScrape() {
        VolumeGuard guard = demoLike();
        String reader = "198.51.100.7"; // a reader elsewhere, proved, who reads a few games more than ten
        guard.earnHistory(proven(reader, "/abuse-guard/proof"));
        for (int prefix = 0; prefix < 100; prefix++) {
            guard.earnHistory(proven("2001:db8:99:" + Integer.toHexString(prefix + 1) + "::/64", "/abuse-guard/proof"));
        }
        int served = 0;
        for (int game = 0; game < 25; game++) {
            for (int prefix = 0; prefix < 100; prefix++) {
                String scraper = "2001:db8:99:" + Integer.toHexString(prefix + 1) + "::/64";
                if (guard.check(proven(scraper, "/api/scores/s" + prefix + "-" + game))
                        .isAllow()) {
                    served++;
                }
                clock.advance(Duration.ofMillis(2));
            }
        }
        System.out.printf(
                "one /48, 100 proved /64s x 25 new games: %d of 2,500 served; route under scrape %s%n",
                served, guard.underScrape());
        assertThat(guard.underScrape())
                .as(
                        "one client site (%d of its 2,500 reads served) is no crowd: the route's mode refuses every other"
                                + " site's readers past 10 games",
                        served)
                .isEmpty();
        int read = 0;
        for (int game = 0; game < 15; game++) {
            if (guard.check(proven(reader, "/api/scores/popular-" + game)).isAllow()) {
                read++;
            }
        }
        assertThat(read)
                .as("a proved reader of another site, 15 games (its bound is 30)")
                .isEqualTo(15);
    }
}
