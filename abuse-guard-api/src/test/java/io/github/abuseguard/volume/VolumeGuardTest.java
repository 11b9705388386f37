package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeGuardTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    private VolumeGuard guard(DistinctRule rule) {
        return VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(1234)
                .rule(rule)
                .build();
    }

    private static DistinctRule.Builder scores() {
        return DistinctRule.builder("scores").path("/api/scores/{game}").methods("GET");
    }

    private static GuardRequest get(String address, String path) {
        return GuardRequest.builder("GET", path).client(address).build();
    }

    @Test
    void aClientWalkingManyResourcesIsRefusedOnceItPassesTheBound() {
        VolumeGuard guard = guard(scores().maxDistinct(30).build());
        int allowed = 0;
        for (int i = 0; i < 1_000; i++) {
            if (guard.check(get("198.51.100.1", "/api/scores/game-" + i)).isAllow()) {
                allowed++;
            }
        }
        assertThat(allowed).as("never below the bound, little above it").isBetween(30, 33);
        Decision denied = guard.check(get("198.51.100.1", "/api/scores/game-5000"));
        assertThat(denied.isDeny()).isTrue();
        assertThat(denied.action()).isEqualTo(Action.THROTTLE);
        assertThat(denied.reason()).isEqualTo("many-distinct-resources");
        assertThat(guard.check(get("198.51.100.2", "/api/scores/game-1")).isAllow())
                .as("another client is not affected")
                .isTrue();
    }

    /** probe38b F2: a request that leaves the rule's key out counts against its address, not nowhere. */
    @Test
    void aRequestWithoutTheRulesKeyCountsAgainstItsAddress() {
        VolumeGuard guard =
                guard(scores().key("header:X-Api-Key").maxDistinct(30).build());
        int allowed = 0;
        for (int i = 0; i < 200; i++) {
            if (guard.check(get("198.51.100.3", "/api/scores/game-" + i)).isAllow()) {
                allowed++;
            }
        }
        assertThat(allowed).as("never below the bound, little above it").isBetween(30, 33);
    }

    /**
     * A rule counting per request parameter (query:user) counts the parameter wherever the application's
     * {@code @RequestParam} binds it from, a form body too; a parameter given two different values, which a
     * binder joins, is refused rather than left uncounted (its key cannot be told).
     */
    @Test
    void aRuleKeyedByAParameterCountsItInAFormBodyAndRefusesItGivenTwice() {
        VolumeGuard guard = guard(DistinctRule.builder("per-user")
                .path("/api/scores/{game}")
                .methods("POST")
                .key("query:user")
                .maxDistinct(3)
                .build());
        for (int i = 0; i < 3; i++) {
            GuardRequest inQuery = GuardRequest.builder("POST", "/api/scores/game-" + i)
                    .client("198.51.100." + i)
                    .queryParameter("user", "alice")
                    .build();
            assertThat(guard.check(inQuery).isAllow()).isTrue();
        }
        GuardRequest inBody = GuardRequest.builder("POST", "/api/scores/game-9")
                .client("198.51.100.9")
                .body("application/x-www-form-urlencoded", "user=alice")
                .build();
        assertThat(guard.check(inBody).isDeny())
                .as("alice's fourth game, her name moved into the form body")
                .isTrue();

        GuardRequest twice = GuardRequest.builder("POST", "/api/scores/game-10")
                .client("198.51.100.10")
                .queryParameter("user", "bob")
                .body("application/x-www-form-urlencoded", "user=alice")
                .build();
        Decision refused = guard.check(twice);
        assertThat(refused.isDeny()).isTrue();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.reason()).isEqualTo("unreadable-body:ambiguous");
    }

    @Test
    void aClientIsNeverRefusedBelowTheBound() {
        for (int client = 0; client < 200; client++) {
            VolumeGuard guard = VolumeGuard.builder()
                    .store(store)
                    .timeSource(clock)
                    .rule(DistinctRule.builder("cards-" + client)
                            .path("/api/giftcards/{code}")
                            .maxDistinct(10)
                            .build())
                    .build();
            for (int i = 0; i < 10; i++) {
                assertThat(guard.check(get("198.51.100.1", "/api/giftcards/GUESS-" + i))
                                .isAllow())
                        .isTrue();
            }
        }
    }

    @Test
    void pollingOneResourceAsOftenAsYouLikeIsNotEnumeration() {
        VolumeGuard guard = guard(scores().maxDistinct(5).build());
        for (int i = 0; i < 10_000; i++) {
            assertThat(guard.check(get("198.51.100.1", "/api/scores/finals")).isAllow())
                    .isTrue();
        }
    }

    @Test
    void theCountSlidesOutOfTheWindow() {
        VolumeGuard guard =
                guard(scores().maxDistinct(20).window(Duration.ofMinutes(10)).build());
        for (int i = 0; i < 15; i++) {
            assertThat(guard.check(get("198.51.100.1", "/api/scores/a" + i)).isAllow())
                    .isTrue();
        }
        clock.advance(Duration.ofMinutes(20));
        for (int i = 0; i < 15; i++) {
            assertThat(guard.check(get("198.51.100.1", "/api/scores/b" + i)).isAllow())
                    .as("fifteen new ones in a new window")
                    .isTrue();
        }
    }

    @Test
    void theRecentPastCountsWithinTheSlidingWindow() {
        VolumeGuard guard =
                guard(scores().maxDistinct(20).window(Duration.ofMinutes(10)).build());
        for (int i = 0; i < 18; i++) {
            guard.check(get("198.51.100.1", "/api/scores/a" + i));
        }
        clock.advance(Duration.ofMinutes(10));
        int allowed = 0;
        for (int i = 0; i < 18; i++) {
            if (guard.check(get("198.51.100.1", "/api/scores/b" + i)).isAllow()) {
                allowed++;
            }
        }
        assertThat(allowed).as("the previous window still counts").isLessThan(10);
    }

    @Test
    void aScoringRuleFlagsInsteadOfDenying() {
        VolumeGuard guard = guard(scores().maxDistinct(3).score(40).build());
        Decision last = null;
        for (int i = 0; i < 20; i++) {
            last = guard.check(get("198.51.100.1", "/api/scores/g" + i));
        }
        assertThat(last.isFlag()).isTrue();
        assertThat(last.score()).isEqualTo(40);
    }

    @Test
    void otherRoutesAndMethodsAreNotCounted() {
        VolumeGuard guard = guard(scores().maxDistinct(2).build());
        for (int i = 0; i < 50; i++) {
            assertThat(guard.check(get("198.51.100.1", "/api/other/" + i)).isAllow())
                    .isTrue();
            assertThat(guard.check(GuardRequest.builder("POST", "/api/scores/" + i)
                                    .client("198.51.100.1")
                                    .build())
                            .isAllow())
                    .isTrue();
        }
    }

    @Test
    void aFloodOfNewClientsEachTouchingOneResourceIsNeverRefused() {
        VolumeGuard guard = guard(scores().maxDistinct(1).build());
        for (int i = 0; i < 20_000; i++) {
            assertThat(guard.check(get("10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256), "/api/scores/x"))
                            .isAllow())
                    .isTrue();
        }
        assertThat(store.maximumKeys()).isEqualTo(100_000);
    }

    @Test
    void registersAreAPowerOfTwoAtLeastTwiceTheBoundWithinLimits() {
        assertThat(VolumeGuardRegisters.of(1)).isEqualTo(64);
        assertThat(VolumeGuardRegisters.of(10)).isEqualTo(128);
        assertThat(VolumeGuardRegisters.of(30)).isEqualTo(256);
        assertThat(VolumeGuardRegisters.of(1024)).isEqualTo(8192);
    }

    @Test
    void rulesRejectValuesThatCannotWork() {
        assertThatThrownBy(() -> scores().maxDistinct(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scores().maxDistinct(5000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scores().window(Duration.ofMillis(10))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scores().score(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DistinctRule.builder("x").build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> VolumeGuard.builder()
                        .store(store)
                        .rule(scores().build())
                        .rule(scores().build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- the route-level scraping detector ---

    private VolumeGuard watched() {
        return guard(scores().maxDistinct(30)
                .underScrape(new UnderScrape(Duration.ofSeconds(10), 5.0, 300, Duration.ofMinutes(2), Action.THROTTLE))
                .build());
    }

    /** A reader who did something on a route another guard watches first, then looks at a few games. */
    private void reader(VolumeGuard guard, String address, int game) {
        GuardRequest page =
                GuardRequest.builder("GET", "/api/cart").client(address).build();
        assertThat(guard.check(page).isAllow()).isTrue();
        guard.observe(page, 200, true);
        for (int i = 0; i < 3; i++) {
            GuardRequest score = get(address, "/api/scores/game-" + (game + i));
            assertThat(guard.check(score).isAllow()).isTrue();
            guard.observe(score, 200);
        }
    }

    @Test
    void scrapingSpreadOverManyAddressesPutsTheRouteUnderScrapeAndOnlyReadersWithOtherActivityPass() {
        VolumeGuard guard = watched();
        for (int w = 0; w < 6; w++) {
            for (int i = 0; i < 30; i++) {
                reader(guard, "10.0." + w + "." + (i + 1), i);
            }
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(guard.underScrape()).isEmpty();
        int allowed = 0;
        int sent = 0;
        for (int i = 0; i < 10_000; i++) {
            String address = "172.16." + (i % 400 % 250) + "." + (i % 400 / 250 + 1);
            sent++;
            if (guard.check(get(address, "/api/scores/item-" + i)).isAllow()) {
                allowed++;
            }
            if (i % 1_000 == 999) {
                clock.advance(Duration.ofSeconds(1));
            }
        }
        assertThat(guard.underScrape()).containsExactly("scores");
        assertThat(allowed)
                .as("about the floor's worth before the mode, nothing after")
                .isLessThan(sent / 10);
        reader(guard, "10.0.0.1", 5);
        Decision fresh = guard.check(get("192.0.2.1", "/api/scores/game-1"));
        assertThat(fresh.isDeny()).isTrue();
        assertThat(fresh.reason()).isEqualTo("under-scrape");
    }

    /** Scraping from 400 addresses, 25 resources each: puts the route under scrape. */
    private void scrapeFromMany(VolumeGuard guard, int offset) {
        for (int i = 0; i < 10_000 && guard.underScrape().isEmpty(); i++) {
            guard.check(
                    get("172.16." + (i % 400 % 250) + "." + (i % 400 / 250 + 1), "/api/scores/item-" + (offset + i)));
        }
        assertThat(guard.underScrape()).containsExactly("scores");
    }

    /** Something done on a route another guard watches: the cheapest history there is. */
    private static void openPage(VolumeGuard guard, String address) {
        GuardRequest page =
                GuardRequest.builder("GET", "/api/cart").client(address).build();
        assertThat(guard.check(page).isAllow()).isTrue();
        guard.observe(page, 200, true);
    }

    @Test
    void underScrapeAHistoryVouchesForAReadersFewResourcesButNotForAWalkThroughMany() {
        VolumeGuard guard = watched(); // max-distinct 30; under scrape, 10 per client
        openPage(guard, "192.0.2.90");
        openPage(guard, "192.0.2.91");
        scrapeFromMany(guard, 0);
        clock.advance(Duration.ofMillis(RouteScrapeWatch.MODE_REFRESH_MILLIS));

        int allowed = 0;
        Decision refused = null;
        for (int i = 0; i < 30; i++) {
            Decision decision = guard.check(get("192.0.2.90", "/api/scores/match-" + i));
            if (decision.isAllow()) {
                allowed++;
            } else if (refused == null) {
                refused = decision;
            }
        }
        assertThat(allowed)
                .as("its first ten resources pass, not the rule's 30")
                .isBetween(UnderScrape.DEFAULT_MAX_DISTINCT, UnderScrape.DEFAULT_MAX_DISTINCT + 1);
        assertThat(refused.reason()).isEqualTo("under-scrape");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.detail()).contains("reading many resources");
        for (int i = 0; i < 6; i++) {
            assertThat(guard.check(get("192.0.2.91", "/api/scores/title-" + i)).isAllow())
                    .as("a reader of six titles passes")
                    .isTrue();
        }
    }

    /**
     * probe6 F1 (run_scrape_small.sh): 6,000 addresses x 4 page loads into a 2,000-key store do not push out
     * the history of a reader who opened a page before them, nor of one who opened it after.
     */
    @Test
    void aFloodOfPageLoadsFromNewAddressesDoesNotPushOutAReadersHistory() {
        LocalStateStore small =
                LocalStateStore.builder().timeSource(clock).maximumKeys(2_000).build();
        VolumeGuard guard = VolumeGuard.builder()
                .store(small)
                .timeSource(clock)
                .seed(1234)
                .rule(scores().maxDistinct(30)
                        .underScrape(new UnderScrape(
                                Duration.ofSeconds(10), 5.0, 300, Duration.ofMinutes(2), Action.THROTTLE))
                        .build())
                .build();
        openPage(guard, "192.0.2.90");
        for (int load = 0; load < 4; load++) {
            for (int i = 0; i < 6_000; i++) {
                openPage(guard, "10.9." + (i / 250) + "." + (i % 250 + 1));
            }
        }
        openPage(guard, "192.0.2.91");
        scrapeFromMany(guard, 0);
        clock.advance(Duration.ofMillis(RouteScrapeWatch.MODE_REFRESH_MILLIS));
        assertThat(guard.check(get("192.0.2.90", "/api/scores/chess")).isAllow())
                .as("the reader who opened a page before the flood")
                .isTrue();
        assertThat(guard.check(get("192.0.2.91", "/api/scores/chess")).isAllow())
                .as("the reader who opened a page after it")
                .isTrue();
        assertThat(guard.check(get("192.0.2.92", "/api/scores/chess")).reason()).isEqualTo("under-scrape");
    }

    @Test
    void outsideTheModeTheRulesOwnBoundApplies() {
        VolumeGuard guard = watched();
        openPage(guard, "192.0.2.92");
        int allowed = 0;
        for (int i = 0; i < 40; i++) {
            if (guard.check(get("192.0.2.92", "/api/scores/match-" + i)).isAllow()) {
                allowed++;
            }
        }
        assertThat(guard.underScrape()).isEmpty();
        assertThat(allowed).isBetween(30, 31);
    }

    @Test
    void theBoundUnderScrapeIsAtLeastOne() {
        assertThatThrownBy(() -> new UnderScrape(
                        Duration.ofSeconds(10), 5.0, 300, Duration.ofMinutes(2), Action.THROTTLE, 0.5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max-distinct");
    }

    @Test
    void aSuccessOnAnExemptOrUnguardedRouteIsNoActivityThatPassesTheMode() {
        VolumeGuard guard = watched();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard)
                .exemptRoute("/actuator/**")
                .timeSource(clock)
                .build();
        GuardRequest health = get("192.0.2.80", "/actuator/health");
        assertThat(engine.evaluate(health).decision().isAllow()).isTrue();
        engine.complete(health, 200);
        GuardRequest home = get("192.0.2.81", "/");
        assertThat(engine.evaluate(home).decision().isAllow()).isTrue();
        engine.complete(home, 200);
        scrapeFromMany(guard, 0);
        clock.advance(Duration.ofMillis(RouteScrapeWatch.MODE_REFRESH_MILLIS));
        assertThat(engine.evaluate(get("192.0.2.80", "/api/scores/game-1"))
                        .decision()
                        .reason())
                .as("a health check is no activity")
                .isEqualTo("under-scrape");
        assertThat(engine.evaluate(get("192.0.2.81", "/api/scores/game-1"))
                        .decision()
                        .reason())
                .as("nor is a page no guard watches")
                .isEqualTo("under-scrape");
    }

    @Test
    void oneClientWalkingManyResourcesCannotPutTheRouteUnderScrapeAlone() {
        // its own bound far above the route's floor, so that only the cap on what it adds holds it back
        VolumeGuard guard = guard(scores().maxDistinct(1_000)
                .underScrape(new UnderScrape(Duration.ofSeconds(10), 5.0, 300, Duration.ofMinutes(2), Action.THROTTLE))
                .build());
        for (int i = 0; i < 5_000; i++) {
            guard.check(get("198.51.100.7", "/api/scores/item-" + i));
            if (i % 500 == 499) {
                clock.advance(Duration.ofSeconds(1));
            }
        }
        assertThat(guard.underScrape())
                .as("one client adds at most a quarter of min-distinct")
                .isEmpty();
    }

    @Test
    void fewerThanTenClientsCannotPutTheRouteUnderScrapeAtAColdStart() {
        // the demo's rule: max-distinct 30, the default floor of 100; each client walks 30 fresh games at once
        VolumeGuard guard = underScrapeWatched();
        for (int client = 0; client < 9; client++) {
            for (int i = 0; i < 30; i++) {
                guard.check(get("198.51.100." + (client + 1), "/api/scores/c" + client + "-" + i));
            }
        }
        assertThat(guard.underScrape())
                .as("nine clients, 270 fresh resources: too few clients for a mode that refuses every API-only reader")
                .isEmpty();
        assertThat(guard.check(get("192.0.2.1", "/api/scores/chess")).isAllow())
                .as("a reader without a page history")
                .isTrue();
    }

    /**
     * probe70c F1: one IPv4 /24 paced at four fresh addresses per 10 s window, each walking 30 fresh games (120 fresh
     * a window, above min-distinct 100), never has ten contributors in a window and the last, and an IPv4 site is one
     * address: 7,200 games in ten minutes, none refused (the demo served 720 of 720 in a minute). An IPv6 /48 doing
     * the same is under scrape on its own.
     */
    @Test
    void oneIpv4NetworkPacedBelowTenContributorsPerTwoWindowsIsNotUnseen() {
        VolumeGuard guard = underScrapeWatched();
        int allowed = 0;
        int address = 0;
        for (int window = 0; window < 60; window++) {
            for (int k = 0; k < 4; k++) {
                address++;
                for (int i = 0; i < 30; i++) {
                    if (guard.check(get("198.51.100." + address, "/api/scores/n" + address + "-" + i))
                            .isAllow()) {
                        allowed++;
                    }
                }
            }
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(allowed)
                .as("240 addresses of one /24, 120 fresh games every 10 s for ten minutes")
                .isLessThanOrEqualTo(1_000);
    }

    /** review71: a crowd of four fresh addresses of one /24, each reading its bound, in every {@code every}-th window. */
    private int pacedCrowd(VolumeGuard guard, int every, int windows) {
        int allowed = 0;
        int address = 0;
        for (int window = 0; window < windows; window++) {
            if (window % every == 0) {
                for (int k = 0; k < 4; k++) {
                    address++;
                    for (int i = 0; i < 30; i++) {
                        if (guard.check(get(
                                        "198.51." + (address / 250) + "." + (address % 250 + 1),
                                        "/api/scores/n" + address + "-" + i))
                                .isAllow()) {
                            allowed++;
                        }
                    }
                }
            }
            clock.advance(Duration.ofSeconds(10));
        }
        return allowed;
    }

    private VolumeGuard demoUnderScrape() {
        return underScrapeWatched();
    }

    /** review71 (4): four fresh addresses every window: the mode starts in the third window, as CHANGELOG says. */
    @Test
    void review71FourFreshAddressesEveryWindowAreUnderScrapeByTheThirdWindow() {
        VolumeGuard guard = demoUnderScrape();
        int allowed = pacedCrowd(guard, 1, 3);
        assertThat(guard.underScrape()).containsExactly("scores");
        assertThat(allowed).as("at most three windows' 120").isLessThanOrEqualTo(360);
    }

    /** review71 (4): four fresh addresses every other window. */
    @Test
    void review71FourFreshAddressesEveryOtherWindowAreUnderScrape() {
        VolumeGuard guard = demoUnderScrape();
        int allowed = pacedCrowd(guard, 2, 60);
        assertThat(allowed).as("of 3,600 in ten minutes").isLessThanOrEqualTo(720);
    }

    /** review71 (4): four fresh addresses every 30 s. */
    @Test
    void review71FourFreshAddressesEveryThirtySecondsAreUnderScrape() {
        VolumeGuard guard = demoUnderScrape();
        int allowed = pacedCrowd(guard, 3, 60);
        assertThat(allowed).as("of 2,400 in ten minutes").isLessThanOrEqualTo(720);
    }

    /**
     * review71 (4), passes: a crowd of five then four fresh addresses a minute (nine in any two minutes), each reading
     * its bound in the first window of the minute, is never under scrape: 135 games a minute, as README's "about
     * four clients' bounds a minute" says.
     */
    @Test
    void review71NineFreshAddressesPerTwoMinutesStayUnseen() {
        VolumeGuard guard = demoUnderScrape();
        int allowed = 0;
        int address = 0;
        for (int minute = 0; minute < 10; minute++) {
            for (int k = 0; k < (minute % 2 == 0 ? 5 : 4); k++) {
                address++;
                for (int i = 0; i < 30; i++) {
                    if (guard.check(get("198.51.100." + address, "/api/scores/n" + address + "-" + i))
                            .isAllow()) {
                        allowed++;
                    }
                }
            }
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(allowed).isEqualTo(45 * 30);
        assertThat(guard.underScrape()).isEmpty();
    }

    /**
     * review71 F2: the long windows count clients up to two minutes before a start, but only the sites of the last
     * 20 s were remembered with the mode's starters. Six addresses that each read their bound 40 to 90 s before four
     * new addresses read theirs start the mode; when it has ended, the same six started it again with four new
     * addresses: the crowd that started it came back and counted (probe22 F2), and keeping every API-only reader out
     * cost four new addresses per mode instead of ten. (Six addresses reading one game each, the review's first
     * version, no longer count over the long windows at all: review71 F1.)
     */
    @Test
    void review71ClientsCountedInTheLongWindowsAreRememberedWithTheStarters() {
        VolumeGuard guard = demoUnderScrape();
        int burst = 0;
        for (int round = 0; round < 2; round++) {
            for (int seeder = 0; seeder < 6; seeder++) {
                for (int i = 0; i < 30; i++) {
                    guard.check(get("203.0.113." + (seeder + 1), "/api/scores/r" + round + "-" + seeder + "-" + i));
                }
                clock.advance(Duration.ofSeconds(10));
            }
            clock.advance(Duration.ofSeconds(30));
            for (int client = 0; client < 4; client++) {
                burst++;
                for (int i = 0; i < 30; i++) {
                    guard.check(get("198.51.100." + burst, "/api/scores/c" + burst + "-" + i));
                }
            }
            if (round == 0) {
                assertThat(guard.underScrape()).as("started by 4 + 6").containsExactly("scores");
                // past the mode's five minutes and the seeders' own ten-minute bound, to a long window's start
                clock.advance(Duration.ofSeconds(690));
                assertThat(guard.underScrape()).as("ended").isEmpty();
            }
        }
        assertThat(guard.underScrape())
                .as("the six addresses that helped start the first mode are not remembered with its starters")
                .isEmpty();
    }

    /**
     * review71 (2): four addresses, each reading its bound in one window (the cold-start test's "fewer than ten
     * clients"), plus six ordinary readers of three games each, one every 15 s over the 90 s before, none of them in
     * the last two windows. Before a5d6caaa the window pair held four contributors and the mode stayed off; now the
     * two minutes hold ten, and every API-only reader without a history is refused for five minutes.
     */
    @Test
    void review71FourAddressesAndSixReadersSpreadOverTwoMinutesDoNotStartTheMode() {
        VolumeGuard guard = demoUnderScrape();
        for (int reader = 0; reader < 6; reader++) {
            for (int i = 0; i < 3; i++) {
                assertThat(guard.check(get("203.0.113." + (reader + 1), "/api/scores/r" + reader + "-" + i))
                                .isAllow())
                        .isTrue();
            }
            clock.advance(Duration.ofSeconds(15));
        }
        for (int client = 0; client < 4; client++) {
            for (int i = 0; i < 30; i++) {
                guard.check(get("198.51.100." + (client + 1), "/api/scores/c" + client + "-" + i));
            }
        }
        assertThat(guard.underScrape())
                .as("four clients in the window pair; six readers over the 90 s before")
                .isEmpty();
        assertThat(guard.check(get("192.0.2.1", "/api/scores/chess")).isAllow())
                .as("a reader without a page history")
                .isTrue();
    }

    /**
     * review72: an honest reader of thirteen new games within one 10 s window (min-distinct / 8 = 12.5 of the demo's 100)
     * a minute before a crowd of ten fresh addresses starts the mode on its own (ten clients in the window pair: the
     * long windows play no part) is remembered with the mode's starters (e610de1b: heavy readers are noted for two
     * long windows) and refused as an API-only reader after the mode, for three durations. Before 7ad94664 only the
     * sites of the last 20 s were remembered.
     */
    @Test
    void review72AHeavyReaderOfAMinuteBeforeAModeTheWindowPairStartedIsNotRememberedAsItsStarter() {
        VolumeGuard guard = demoUnderScrape();
        for (int i = 0; i < 13; i++) {
            assertThat(guard.check(get("203.0.113.7", "/api/scores/honest-" + i))
                            .isAllow())
                    .isTrue();
        }
        clock.advance(Duration.ofSeconds(60));
        for (int client = 0; client < 10; client++) {
            for (int i = 0; i < 11; i++) {
                guard.check(get("198.51.100." + (client + 1), "/api/scores/c" + client + "-" + i));
            }
        }
        assertThat(guard.underScrape())
                .as("ten clients, 110 fresh games in one window")
                .containsExactly("scores");
        clock.advance(Duration.ofMinutes(5).plusSeconds(10));
        assertThat(guard.underScrape()).as("ended").isEmpty();
        assertThat(guard.check(get("192.0.2.1", "/api/scores/chess")).isAllow())
                .as("a reader without a page history, after the mode")
                .isTrue();
        assertThat(guard.check(get("203.0.113.7", "/api/scores/honest-0")).isAllow())
                .as("the honest reader of a minute before, who was none of the ten that started the mode")
                .isTrue();
    }

    /**
     * review72: over the long windows an IPv6 /48 whose one /64 read a client's share (25) and another /64 one game is
     * two heavy readers (the site at 12, "site#1" at 26), where an IPv4 reader of one game is none. Three such /48s
     * in windows 0, 2 and 4 (two contributors each in their window pair) and four addresses reading 25 each in the
     * seventh window make ten over the long windows, and the mode starts; three IPv4 heavy readers and three of one
     * game would make seven.
     */
    @Test
    void review72AnIpv6SiteIsNotTwoHeavyReadersForOneGameMoreThanAShare() {
        VolumeGuard guard = demoUnderScrape();
        for (int network = 0; network < 3; network++) {
            for (int i = 0; i < 25; i++) {
                guard.check(get("2001:db8:" + (network + 1) + ":1::1", "/api/scores/v" + network + "-" + i));
            }
            guard.check(get("2001:db8:" + (network + 1) + ":2::1", "/api/scores/w" + network));
            clock.advance(Duration.ofSeconds(20));
        }
        clock.advance(Duration.ofSeconds(10));
        for (int client = 0; client < 4; client++) {
            for (int i = 0; i < 25; i++) {
                guard.check(get("198.51.100." + (client + 1), "/api/scores/c" + client + "-" + i));
            }
        }
        assertThat(guard.underScrape())
                .as("three heavy /48s (one /64 each above a share by one game) and four addresses")
                .isEmpty();
    }

    @Test
    void thePrefixesOfOneIpv6SiteAreOneClientForTheMode() {
        // review: one host with a routed /56 or /48 holds hundreds of /64 client keys
        VolumeGuard guard = underScrapeWatched();
        for (int client = 0; client < 20; client++) {
            for (int i = 0; i < 30; i++) {
                guard.check(get(
                        "2001:db8:7:" + Integer.toHexString(client + 1) + "::1", "/api/scores/v6-" + client + "-" + i));
            }
        }
        assertThat(guard.underScrape())
                .as("twenty /64s of one /48 are one site: no mode that refuses every API-only reader")
                .isEmpty();
        for (int client = 0; client < 12 && guard.underScrape().isEmpty(); client++) {
            for (int i = 0; i < 30; i++) {
                guard.check(get(
                        "2001:db8:" + Integer.toHexString(100 + client) + ":1::1", "/api/scores/s" + client + "-" + i));
            }
        }
        assertThat(guard.underScrape()).as("twelve sites start it").containsExactly("scores");
    }

    /**
     * probe47b F7: the contributors' sketch placed a client by {@code String.hashCode}, which anyone can compute:
     * addresses picked to fall into nine registers never counted as more than nine clients (180 of them read 90
     * new games a second unseen). The registers are placed by the guard's secret seed.
     */
    @Test
    void addressesPickedForFewRegistersOfAPublicHashAreManyContributors() {
        List<String> picked = new java.util.ArrayList<>();
        for (int a = 0; a < 65_536 && picked.size() < 20; a++) {
            String address = "10." + (a >> 8) + "." + (a & 255) + ".7";
            int h = address.hashCode() * 0x9E3779B9;
            if (((h ^ (h >>> 16)) & 255) < 9) { // the sketch's register before the seed
                picked.add(address);
            }
        }
        VolumeGuard guard = underScrapeWatched();
        for (int client = 0; client < picked.size(); client++) {
            for (int i = 0; i < 30; i++) {
                guard.check(get(picked.get(client), "/api/scores/p" + client + "-" + i));
            }
        }
        assertThat(guard.underScrape())
                .as("twenty addresses of nine public registers, 500 fresh games")
                .containsExactly("scores");
    }

    /**
     * probe47b F1: nine /48s, each rotating /64s that read 30 fresh games apiece, 90 a site per window, ~81 new
     * games a second in all: nine sites were nine contributors, one short of the mode, and each stayed under the
     * min-distinct that puts a site under scrape on its own. A site is as many contributors as client shares
     * (min-distinct / 4) it found.
     */
    @Test
    void ipv6SitesReadingSeveralClientsWorthEachPutTheRouteUnderScrape() {
        VolumeGuard guard = underScrapeWatched();
        for (int site = 0; site < 9; site++) {
            for (int prefix = 0; prefix < 3; prefix++) {
                for (int i = 0; i < 30; i++) {
                    guard.check(get(
                            "2001:db8:" + Integer.toHexString(0x200 + site) + ":" + (prefix + 1) + "::1",
                            "/api/scores/w" + site + "-" + prefix + "-" + i));
                }
            }
        }
        assertThat(guard.underScrape()).containsExactly("scores");
    }

    /**
     * The probe's /48: 300 /64s, each walking 30 fresh games without a page load. The site is one contributor,
     * so it cannot put the route under scrape for everyone; it is under scrape on its own once it alone found
     * min-distinct fresh resources in a window, and its fresh prefixes are refused from then on.
     */
    @Test
    void oneIpv6SiteScrapingFromManyPrefixesIsUnderScrapeOnItsOwn() {
        VolumeGuard guard = underScrapeWatched();
        int allowed = 0;
        for (int client = 0; client < 300; client++) {
            for (int i = 0; i < 30; i++) {
                if (guard.check(get(
                                "2001:db8:7:" + Integer.toHexString(client + 1) + "::1",
                                "/api/scores/v6-" + client + "-" + i))
                        .isAllow()) {
                    allowed++;
                }
            }
        }
        assertThat(guard.underScrape())
                .as("the route as a whole is not under scrape")
                .isEmpty();
        assertThat(allowed)
                .as("about min-distinct of the site's 9,000 reads are served, and a prefix's first bound")
                .isLessThanOrEqualTo(150);
        Decision refused = guard.check(get("2001:db8:7:ffff::1", "/api/scores/chess"));
        assertThat(refused.reason()).isEqualTo("site-under-scrape");
        assertThat(guard.check(get("2001:db8:99:1::1", "/api/scores/chess")).isAllow())
                .as("a reader of another site, without a page history")
                .isTrue();
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThat(guard.check(get("2001:db8:7:fffe::1", "/api/scores/chess")).isAllow())
                .as("the site's mode ends by itself")
                .isTrue();
    }

    @Test
    void aPageLoadFromEachPrefixDoesNotBuyAnIpv6SiteUnderScrapeBack() {
        VolumeGuard guard = underScrapeWatched();
        int allowed = 0;
        for (int client = 0; client < 300; client++) {
            String address = "2001:db8:7:" + Integer.toHexString(client + 1) + "::1";
            openPage(guard, address);
            for (int i = 0; i < 30; i++) {
                if (guard.check(get(address, "/api/scores/v6-" + client + "-" + i))
                        .isAllow()) {
                    allowed++;
                }
            }
        }
        assertThat(allowed)
                .as("probe4: a page load per /64 got 3,073 of 9,000 reads served")
                .isLessThanOrEqualTo(150);
    }

    /**
     * The scores rule with its distinct bound of 30 and the under-scrape mode: windows of 10 s, {@code min-distinct}
     * 100, five minutes, throttling.
     */
    private VolumeGuard underScrapeWatched() {
        return guard(scores().maxDistinct(30)
                .underScrape(new UnderScrape(Duration.ofSeconds(10), 5.0, 100, Duration.ofMinutes(5), Action.THROTTLE))
                .build());
    }

    /** A request as the servlet filter passes it on with the browser proof on: only a proof earns its history. */
    private static GuardRequest proven(GuardRequest request) {
        request.historySettled(true);
        return request;
    }

    /**
     * probe73a F2: the /64s of one /48 that solved the proof before read on within their bound under scrape, each its
     * ten fresh games: 1,000 of them read 10,000 of 10,000 in one burst. Under scrape they share twice {@code
     * min-distinct} fresh resources over the mode's duration, after which every /64 of the site is refused as one
     * without a history; another site's proved reader is not touched.
     */
    @Test
    void theProvedSlash64sOfOneSiteShareABudgetOfFreshResourcesUnderScrape() {
        VolumeGuard guard = underScrapeWatched();
        String neighbour = "2001:db8:8:1::/64";
        guard.earnHistory(proven(get(neighbour, "/abuse-guard/proof")));
        int served = 0;
        for (int client = 0; client < 1_001; client++) {
            String scraper = "2001:db8:7:" + Integer.toHexString(client + 1) + "::/64";
            guard.earnHistory(proven(get(scraper, "/abuse-guard/proof"))); // proved before any mode
        }
        for (int client = 0; client < 1_000; client++) {
            String scraper = "2001:db8:7:" + Integer.toHexString(client + 1) + "::/64";
            for (int i = 0; i < 10; i++) {
                if (guard.check(proven(get(scraper, "/api/scores/v6-" + client + "-" + i)))
                        .isAllow()) {
                    served++;
                }
            }
        }
        assertThat(served)
                .as("10,000 of 10,000 before: min-distinct to put the site under scrape, then twice it")
                .isLessThanOrEqualTo(450);
        assertThat(guard.check(proven(get("2001:db8:7:3e9::/64", "/api/scores/chess")))
                        .reason())
                .as("a proved /64 of the site that read nothing yet")
                .isIn("under-scrape", "site-under-scrape");
        assertThat(guard.check(proven(get(neighbour, "/api/scores/chess"))).isAllow())
                .as("a proved reader of another site")
                .isTrue();
    }

    /**
     * review74 F1: while the route is under scrape (started by others), one /64 of a /48 with no proof and no history
     * at all sends 2 x min-distinct requests for made-up games, every one of them refused ("under-scrape"); each still
     * spends the site's shared budget, so its neighbour, who proved before the mode and read nothing yet, is refused
     * for the mode's duration. The budget is meant for the /64s "that read on by their histories".
     */
    @Test
    void review74ARefusedUnprovedSlash64DoesNotSpendItsNeighboursBudget() {
        VolumeGuard guard = underScrapeWatched();
        String neighbour = "2001:db8:9:1::/64";
        guard.earnHistory(proven(get(neighbour, "/abuse-guard/proof")));
        scrapeFromMany(guard, 0); // IPv4 scrapers elsewhere put the route under scrape
        int refused = 0;
        for (int i = 0; i < 200; i++) {
            if (guard.check(proven(get("2001:db8:9:bad::/64", "/api/scores/made-up-" + i)))
                    .isDeny()) {
                refused++;
            }
        }
        assertThat(refused).as("the unproved /64 is refused every time").isEqualTo(200);
        assertThat(guard.check(proven(get(neighbour, "/api/scores/chess"))).reason())
                .as("a neighbour proved before the mode, first read")
                .isNull();
    }

    /**
     * review74 F1b: the same with a proved /64 refused by its own bound under scrape: its 10 first reads are served,
     * the next 190 are refused by its bound, yet all 200 spend the site's budget.
     */
    @Test
    void review74RequestsRefusedByTheirOwnBoundDoNotSpendTheSitesBudget() {
        VolumeGuard guard = underScrapeWatched();
        String neighbour = "2001:db8:9:1::/64";
        String greedy = "2001:db8:9:2::/64";
        guard.earnHistory(proven(get(neighbour, "/abuse-guard/proof")));
        guard.earnHistory(proven(get(greedy, "/abuse-guard/proof")));
        scrapeFromMany(guard, 0);
        int served = 0;
        for (int i = 0; i < 200; i++) {
            if (guard.check(proven(get(greedy, "/api/scores/g-" + i))).isAllow()) {
                served++;
            }
        }
        assertThat(served).as("its own bound under scrape").isLessThanOrEqualTo(10);
        assertThat(guard.check(proven(get(neighbour, "/api/scores/chess"))).reason())
                .as("the site read at most 10 resources, far below twice min-distinct")
                .isNull();
    }

    /**
     * review74 F2: a big /48 (a mobile carrier's) that scrapes nothing: while the route is under scrape because of
     * others, 60 subscribers who proved before the mode each read 5 different games of a large catalogue, within their
     * bound of 10. The site's shared budget (twice min-distinct = 200 per duration) is spent by the 40th, and the
     * other subscribers are refused for the rest of the duration.
     */
    @Test
    void review74HonestSubscribersOfABigSlash48AreNotLockedOutByTheRoutesMode() {
        VolumeGuard guard = underScrapeWatched();
        for (int user = 0; user < 60; user++) {
            guard.earnHistory(
                    proven(get("2001:db8:a:" + Integer.toHexString(user + 1) + "::/64", "/abuse-guard/proof")));
        }
        scrapeFromMany(guard, 0);
        int refused = 0;
        for (int user = 0; user < 60; user++) {
            String subscriber = "2001:db8:a:" + Integer.toHexString(user + 1) + "::/64";
            for (int i = 0; i < 5; i++) {
                if (guard.check(proven(get(subscriber, "/api/scores/title-" + (user * 7 + i * 131) % 5000)))
                        .isDeny()) {
                    refused++;
                }
            }
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(refused)
                .as("reads of honest subscribers within their own bounds refused")
                .isZero();
    }

    /**
     * probe6 F2, under scrape: a /48 is many subscribers. With the browser proof on, a neighbour who proved
     * before reads on while one household's /64s put the /48 under scrape on its own; the /64s past their bound,
     * the site's clients without a history and a /64 that proves only now are refused. Client keys are /64s.
     */
    @Test
    void aNeighbourWithAProvenHistoryReadsOnWhileItsIpv6SiteIsUnderScrape() {
        VolumeGuard guard = underScrapeWatched();
        String neighbour = "2001:db8:7:4200::/64";
        guard.earnHistory(proven(get(neighbour, "/abuse-guard/proof")));
        assertThat(guard.check(proven(get(neighbour, "/api/scores/chess"))).isAllow())
                .isTrue();
        for (int client = 0; client < 20; client++) {
            String scraper = "2001:db8:7:10" + Integer.toHexString(client) + "::/64";
            guard.earnHistory(proven(get(scraper, "/abuse-guard/proof"))); // proved before, too
            for (int i = 0; i < 30; i++) {
                guard.check(proven(get(scraper, "/api/scores/v6-" + client + "-" + i)));
            }
        }
        assertThat(guard.check(proven(get("2001:db8:7:ffff::/64", "/api/scores/go")))
                        .reason())
                .as("a client of the site without a history")
                .isEqualTo("site-under-scrape");
        assertThat(guard.check(proven(get("2001:db8:7:100::/64", "/api/scores/more")))
                        .reason())
                .as("a scraping /64, with its history, past its bound")
                .isEqualTo("site-under-scrape");
        String late = "2001:db8:7:2000::/64";
        guard.earnHistory(proven(get(late, "/abuse-guard/proof")));
        assertThat(guard.check(proven(get(late, "/api/scores/go"))).reason())
                .as("a /64 that proves while its site is under scrape")
                .isEqualTo("site-under-scrape");
        assertThat(guard.check(proven(get(neighbour, "/api/scores/go"))).isAllow())
                .as("probe6: the neighbour was refused site-under-scrape, whatever its history")
                .isTrue();
        guard.earnHistory(proven(get(neighbour, "/abuse-guard/proof"))); // the script renews its proof
        assertThat(guard.check(proven(get(neighbour, "/api/scores/go2"))).isAllow())
                .as("review6 F1: a renewed proof is a client known from before")
                .isTrue();
        assertThat(guard.check(get(neighbour, "/api/scores/go")).reason())
                .as("without the proof a history is one page load per /64: the whole site is refused")
                .isEqualTo("site-under-scrape");
        assertThat(guard.underScrape()).isEmpty();
    }

    @Test
    void aSiteUnderScrapeOnItsOwnIsHeldByEveryInstanceOfTheSharedStore() {
        DistinctRule rule = scores().maxDistinct(30)
                .underScrape(new UnderScrape(Duration.ofSeconds(10), 5.0, 100, Duration.ofMinutes(5), Action.THROTTLE))
                .build();
        VolumeGuard[] instances = {guard(rule), guard(rule), guard(rule)};
        int allowed = 0;
        int next = 0;
        for (int client = 0; client < 300; client++) {
            for (int i = 0; i < 30; i++) {
                GuardRequest read = get(
                        "2001:db8:7:" + Integer.toHexString(client + 1) + "::1", "/api/scores/v6-" + client + "-" + i);
                if (instances[next++ % instances.length].check(read).isAllow()) {
                    allowed++;
                }
                clock.advance(Duration.ofMillis(10)); // 100 reads a second: an instance reads the marker once a second
            }
        }
        assertThat(allowed)
                .as("review: only the instance that saw the site reach min-distinct held it (324 of 9,000 served);"
                        + " now the others follow within a second")
                .isLessThanOrEqualTo(250);
    }

    @Test
    void aScrapeFromOneNetworkStillPutsTheRouteUnderScrape() {
        VolumeGuard guard = underScrapeWatched();
        for (int client = 0; client < 12 && guard.underScrape().isEmpty(); client++) {
            for (int i = 0; i < 30; i++) {
                guard.check(get("203.0.113." + (client + 1), "/api/scores/c" + client + "-" + i));
            }
        }
        assertThat(guard.underScrape())
                .as("twelve addresses of one /24: no cap per network")
                .containsExactly("scores");
    }

    /** The count of distinct resources that starts the under-scrape mode now. */
    private static double scrapeThreshold(VolumeGuard guard) {
        Map<?, ?> learned = (Map<?, ?>) guard.baselines().get("scores").get("underScrape");
        return ((Number) learned.get("threshold")).doubleValue();
    }

    @Test
    void scrapingThatRampsJustUnderTheThresholdCannotTeachTheRouteToIgnoreIt() {
        VolumeGuard guard = watched(); // a floor of 300, 5 × the baseline after 30 windows
        int item = 0;
        for (int w = 0; w < 90; w++) {
            // each window, new items at three fifths of the threshold the route holds now, 20 per address,
            // every address of another network, spread over the window
            int items = (int) Math.min(0.6 * scrapeThreshold(guard), 2_000); // 2,000: a bound for a test that fails
            Duration step = Duration.ofSeconds(10).dividedBy(items + 1);
            for (int i = 0; i < items; i++) {
                int network = item / 20;
                guard.check(get(
                        "100." + (network % 250) + "." + (network / 250 % 250) + ".1", "/api/scores/item-" + item++));
                clock.advance(step);
            }
            clock.advance(Duration.ofSeconds(10).minus(step.multipliedBy(items)));
        }
        assertThat(guard.underScrape()).isEmpty();
        assertThat(scrapeThreshold(guard))
                .as("fifteen minutes of ramping lift the threshold at most 2^(15 min / 1 h) above the floor")
                .isLessThanOrEqualTo(300 * Math.pow(2, 900.0 / 3600));
        for (int i = 0; i < 600 && guard.underScrape().isEmpty(); i++) {
            guard.check(get("101." + (i / 20) + ".0.1", "/api/scores/burst-" + i));
        }
        assertThat(guard.underScrape())
                .as("twice the floor at once: the learned count did not follow the ramp")
                .containsExactly("scores");
    }

    @Test
    void requestsRefusedByAClientsOwnBoundDoNotFeedTheRoutesCount() {
        VolumeGuard guard = watched(); // max-distinct 30, min-distinct 300
        for (int client = 0; client < 5; client++) {
            for (int i = 0; i < 2_000; i++) {
                guard.check(get("198.51.100." + (client + 1), "/api/scores/c" + client + "-" + i));
            }
        }
        assertThat(guard.underScrape())
                .as("five clients refused past 30 resources each are 150 resources, not 10,000")
                .isEmpty();
    }

    @Test
    void aTaggingUnderScrapeModeStillCountsTheClientsResourcesAgainstItsOwnBound() {
        VolumeGuard guard = guard(scores().maxDistinct(30)
                .underScrape(new UnderScrape(Duration.ofSeconds(10), 5.0, 300, Duration.ofMinutes(2), Action.TAG))
                .build());
        scrapeFromMany(guard, 0);
        clock.advance(Duration.ofMillis(RouteScrapeWatch.MODE_REFRESH_MILLIS));
        Decision first = guard.check(get("192.0.2.5", "/api/scores/walk-0"));
        assertThat(first.action()).isEqualTo(Action.TAG);
        assertThat(first.reason()).isEqualTo("under-scrape");
        Decision last = first;
        for (int i = 1; i < 60; i++) {
            last = guard.check(get("192.0.2.5", "/api/scores/walk-" + i));
        }
        assertThat(last.reason())
                .as("a tagged client walking 60 resources meets its own bound of 30")
                .isEqualTo("many-distinct-resources");
        assertThat(last.action().passesRequestOn()).isFalse();
    }

    @Test
    void refusedRequestsDoNotKeepTheUnderScrapeModeOn() {
        VolumeGuard guard = watched();
        scrapeFromMany(guard, 0);
        int refused = 0;
        for (int second = 0; second < 110; second++) {
            for (int i = 0; i < 20; i++) {
                if (guard.check(get("172.20." + (second % 250) + "." + (i + 1), "/api/scores/game-1"))
                        .isDeny()) {
                    refused++;
                }
            }
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(refused).isGreaterThan(2_000);
        clock.advance(Duration.ofSeconds(11));
        assertThat(guard.underScrape())
                .as("the refusals are no evidence: the mode ends after its duration")
                .isEmpty();
    }

    @Test
    void theUnderScrapeModeIsExtendedWhileScrapingGoesOnButNeverPastSixDurations() {
        VolumeGuard guard = watched();
        // scrapers with activity elsewhere pass the mode, so what they walk is evidence; each reads 10 new
        // resources (the mode's bound) and is not seen again, as the sites that extended the mode are
        // remembered and their resources no evidence for it
        int item = 0;
        int enteredAt = -1;
        for (int second = 0; second < 11 * 60; second++) {
            for (int i = 0; i < 60; i++, item++) {
                int a = item / 10;
                String address = "198.18." + (a / 250) + "." + (a % 250 + 1);
                if (item % 10 == 0) {
                    guard.observe(get(address, "/api/cart"), 200, true);
                }
                guard.check(get(address, "/api/scores/s-" + item));
            }
            if (enteredAt < 0 && !guard.underScrape().isEmpty()) {
                enteredAt = second;
            }
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(guard.underScrape())
                .as("extended while the scraping goes on, long past its two minutes")
                .containsExactly("scores");
        assertThat(enteredAt).as("entered within the first windows").isBetween(0, 30);
        clock.advance(Duration.ofSeconds(enteredAt + 12 * 60 + 1 - 11 * 60));
        assertThat(guard.underScrape())
                .as("twelve minutes (six durations) are the most one entry lasts")
                .isEmpty();
    }

    @Test
    void anInstanceSharingTheStoreRefusesOnceAnotherPutTheRouteUnderScrape() {
        VolumeGuard scraped = watched();
        VolumeGuard other = watched(); // a second instance on the same store and seed
        assertThat(other.check(get("192.0.2.1", "/api/scores/game-1")).isAllow())
                .isTrue();
        for (int i = 0; i < 20_000 && scraped.underScrape().isEmpty(); i++) {
            scraped.check(get("172.16." + (i % 250) + ".1", "/api/scores/item-" + i));
        }
        assertThat(other.underScrape()).as("read from the shared store").containsExactly("scores");
        clock.advance(Duration.ofMillis(RouteScrapeWatch.MODE_REFRESH_MILLIS));
        Decision refused = other.check(get("192.0.2.2", "/api/scores/game-1"));
        assertThat(refused.isDeny()).isTrue();
        assertThat(refused.reason()).isEqualTo("under-scrape");
    }

    @Test
    void manyInstancesEachSeeingFewRequestsTakeTheShareOfFreshResourcesOverAllTheirRequests() {
        // sixteen instances on one store, each seeing fewer requests per window than a batch: a long-tail
        // catalogue where two requests in five ask for a resource nobody asked for before (a share of 0.4,
        // under the 0.5 that starts the mode). Counting only the requests instances had sent would make
        // the share look like 1 and refuse readers.
        List<VolumeGuard> instances = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            instances.add(watched());
        }
        int item = 0;
        for (int r = 0; r < 900; r++) {
            String path = r % 5 < 2 ? "/api/scores/item-" + item++ : "/api/scores/popular-" + r % 7;
            Decision decision = instances.get(r % 16).check(get("10.2." + r % 250 + "." + (r / 250 + 1), path));
            assertThat(decision.isAllow()).as("request %d", r).isTrue();
            clock.advance(Duration.ofMillis(8));
        }
        assertThat(instances.get(0).underScrape()).isEmpty();
    }

    @Test
    void theUnderScrapeModeEndsByItselfWhenTheScrapingStops() {
        VolumeGuard guard = watched();
        for (int i = 0; i < 20_000 && guard.underScrape().isEmpty(); i++) {
            guard.check(get("172.16." + (i % 250) + ".1", "/api/scores/item-" + i));
        }
        assertThat(guard.underScrape()).containsExactly("scores");
        clock.advance(Duration.ofSeconds(119));
        assertThat(guard.underScrape()).containsExactly("scores");
        clock.advance(Duration.ofSeconds(2));
        assertThat(guard.underScrape()).isEmpty();
        assertThat(guard.check(get("192.0.2.1", "/api/scores/game-1")).isAllow())
                .isTrue();
    }

    @Test
    void hundredsOfClientsPollingOneResourceIsNotScraping() {
        VolumeGuard guard = watched();
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 500; i++) {
                assertThat(guard.check(get("10.1." + (i / 250) + "." + (i % 250 + 1), "/api/scores/finals"))
                                .isAllow())
                        .isTrue();
            }
            clock.advance(Duration.ofSeconds(3));
        }
        assertThat(guard.underScrape()).isEmpty();
    }

    @Test
    void scrapingThatStartsBeforeTheBaselineIsLearnedCannotRaiseTheThresholdAboveTheFloor() {
        VolumeGuard guard = watched();
        int item = 0;
        for (int w = 0; w < 5; w++) {
            for (int i = 0; i < 150; i++) {
                guard.check(get("172.16." + (item % 250) + ".1", "/api/scores/item-" + item++));
            }
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(guard.underScrape())
                .as("150 distinct per window is well below the floor")
                .isEmpty();
        for (int i = 0; i < 600 && guard.underScrape().isEmpty(); i++) {
            guard.check(get("172.16." + (item % 250) + ".1", "/api/scores/item-" + item++));
        }
        assertThat(guard.underScrape())
                .as("the floor of 300 still applies while learning")
                .containsExactly("scores");
    }

    @Test
    void theUnderScrapeBaselineIsExportedAndImported() {
        VolumeGuard learned = watched();
        for (int w = 0; w < 6; w++) {
            for (int i = 0; i < 30; i++) {
                reader(learned, "10.0." + w + "." + (i + 1), i);
            }
            clock.advance(Duration.ofSeconds(10));
        }
        String exported = learned.exportBaselines();
        assertThat(exported).contains("\"underScrape\"");

        VolumeGuard fresh = guard(scores().maxDistinct(30)
                .underScrape(new UnderScrape(Duration.ofSeconds(10), 5.0, 300, Duration.ofMinutes(2), Action.THROTTLE))
                .build());
        fresh.importBaselines(exported);
        assertThat(fresh.baselines()).isEqualTo(learned.baselines());
        assertThat(fresh.exportBaselines()).isEqualTo(exported);
    }

    @Test
    void aCrowdReadingManyResourcesOverAndOverIsNotScraping() {
        VolumeGuard guard = watched();
        for (int poll = 0; poll < 1_000; poll++) {
            guard.check(get("10.4.0." + (poll % 250 + 1), "/api/scores/finals"));
        }
        for (int round = 0; round < 60; round++) {
            for (int reader = 0; reader < 400; reader++) {
                String address = "10.2." + (reader / 250) + "." + (reader % 250 + 1);
                assertThat(guard.check(get(address, "/api/scores/game-" + (reader + round % 3)))
                                .isAllow())
                        .as("round %d", round)
                        .isTrue();
            }
            clock.advance(Duration.ofMillis(400));
        }
        assertThat(guard.underScrape())
                .as("400 distinct games a window, past the floor of 300, but the same ones window after window")
                .isEmpty();
    }

    @Test
    void aScraperPaddingItsWindowsWithRepeatsDoesNotTeachTheRouteItsCount() {
        VolumeGuard guard = watched();
        int item = 0;
        for (int window = 0; window < 31; window++) {
            // 1,000 fresh resources padded with 2,000 repeats: a share of 1/3, under min-ratio.
            for (int i = 0; i < 1_000; i++) {
                guard.check(get("172.16." + (i % 250) + ".11", "/api/scores/item-" + item++));
                guard.check(get("10.4.0." + (i % 250 + 1), "/api/scores/finals"));
                guard.check(get("10.5.0." + (i % 250 + 1), "/api/scores/finals"));
            }
            clock.advance(Duration.ofSeconds(10));
        }
        for (int i = 0; i < 4_000; i++) {
            guard.check(get("172.17." + (i % 250) + ".1", "/api/scores/item-" + item++));
        }
        assertThat(guard.underScrape())
                .as("the padded windows reached the count and were not learned as normal")
                .containsExactly("scores");
    }

    @Test
    void aWindowFullOfResourcesDoesNotHideTheNextWindowsScrape() {
        VolumeGuard guard = demoLike(); // max-distinct 30, min-distinct 100: every path counted, none sampled out
        // a padded burst: 900 addresses each read the same 15 popular games and 10 new ones (a share of
        // 0.4, under min-ratio), 9,000 resources in one window, filling most registers of its sketch
        int item = 0;
        for (int a = 0; a < 900; a++) {
            String address = "172.25." + (a % 250) + "." + (a / 250 + 1);
            for (int i = 0; i < 15; i++) {
                guard.check(get(address, "/api/scores/popular-" + i));
            }
            for (int i = 0; i < 10; i++) {
                guard.check(get(address, "/api/scores/item-" + item++));
            }
        }
        clock.advance(Duration.ofSeconds(10));
        // the next window: 600 other addresses read 20 new games each, with no padding at all
        int refused = 0;
        int sent = 0;
        for (int i = 0; i < 12_000; i++) {
            String address = "172.26." + (i % 600 % 250) + "." + (i % 600 / 250 + 1);
            sent++;
            if (guard.check(get(address, "/api/scores/item-" + item++)).isDeny()) {
                refused++;
            }
            if (i % 1_000 == 999) {
                clock.advance(Duration.ofMillis(700));
            }
        }
        assertThat(guard.underScrape())
                .as("a full sketch of the last window vouches for nothing: new resources are fresh")
                .containsExactly("scores");
        assertThat(refused).as("refused of %d", sent).isGreaterThan(sent * 9 / 10);
    }

    @Test
    void shoppersWhoFetchEachProductThreeTimesDoNotPutACatalogueUnderScrape() {
        VolumeGuard guard = demoLike(); // max-distinct 30, the library's under-scrape defaults
        // a single-page app: every 10 s, 250 new shoppers each view six products of a catalogue of 20,000
        // (most views on few products), and the page fetches each product three times (load, focus, revalidate)
        java.util.Random random = new java.util.Random(11);
        int refused = 0;
        int sent = 0;
        for (int window = 0; window < 36; window++) {
            for (int s = 0; s < 250; s++) {
                String address = "10." + (window + 20) + "." + (s % 250) + ".1";
                for (int view = 0; view < 6; view++) {
                    int product = (int) (20_000 * Math.pow(random.nextDouble(), 4));
                    for (int fetch = 0; fetch < 3; fetch++) {
                        sent++;
                        if (guard.check(get(address, "/api/scores/product-" + product))
                                .isDeny()) {
                            refused++;
                        }
                    }
                }
                clock.advance(Duration.ofMillis(40));
            }
        }
        assertThat(guard.underScrape())
                .as("a page's refetches are readers coming back")
                .isEmpty();
        assertThat(refused).as("refused of %d", sent).isZero();
    }

    /**
     * One 10 s window of {@code clients} new addresses, spread evenly over it, each reading {@code fresh} new
     * games with {@code popular} of 15 shared popular games among them; returns the new games refused.
     */
    private int paddedWindow(VolumeGuard guard, int clients, int fresh, int popular, int[] item, int[] address) {
        int perClient = fresh + popular;
        long stepMicros = 10_000_000L / ((long) clients * perClient);
        int refused = 0;
        for (int c = 0; c < clients; c++) {
            int a = address[0]++;
            String client = "10." + (a / 62_500) + "." + (a / 250 % 250) + "." + (a % 250 + 1);
            for (int j = 0; j < perClient; j++) {
                boolean isPopular = j % (perClient / popular) == 0 && j / (perClient / popular) < popular;
                String path = isPopular ? "/api/scores/popular-" + (j % 15) : "/api/scores/item-" + item[0]++;
                if (guard.check(get(client, path)).isDeny() && !isPopular) {
                    refused++;
                }
                clock.advance(Duration.ofNanos(stepMicros * 1000));
            }
        }
        return refused;
    }

    @Test
    void aBurstSizedToFillHalfTheSketchDoesNotHideTheScrapeThatFollows() {
        VolumeGuard guard = demoLike();
        clock.advance(Duration.ofMillis(10_000 - Math.floorMod(clock.epochMillis(), 10_000L)));
        int[] item = {0};
        int[] address = {0};
        // the review's cliff: a padded burst of 2,700 new games (270 addresses, each 10 new among 15 shared
        // popular ones: a share of 0.4), sized to leave the sketch just under half full, then 120 s of 135
        // new addresses a window, each reading 20 new games and two popular ones
        paddedWindow(guard, 270, 10, 15, item, address);
        int refused = 0;
        for (int window = 0; window < 12; window++) {
            refused += paddedWindow(guard, 135, 20, 2, item, address);
        }
        int sent = 12 * 135 * 20;
        assertThat(refused)
                .as(
                        "refused of %d new games: fresh registers count for the new resources the last window's"
                                + " sketch hid",
                        sent)
                .isGreaterThan(sent * 8 / 10);
    }

    @Test
    void theShareOfNewResourcesMustReachMinRatio() {
        VolumeGuard strict = guard(scores().maxDistinct(30)
                .underScrape(
                        new UnderScrape(Duration.ofSeconds(10), 5.0, 300, Duration.ofMinutes(2), Action.THROTTLE, 0.9))
                .build());
        for (int i = 0; i < 2_000; i++) {
            strict.check(get("172.16." + (i % 250) + ".1", "/api/scores/item-" + i));
            strict.check(get("10.3.0." + (i % 250 + 1), "/api/scores/finals"));
        }
        assertThat(strict.underScrape())
                .as("half the requests are new resources, below 0.9")
                .isEmpty();
        assertThatThrownBy(() ->
                        new UnderScrape(Duration.ofSeconds(10), 5.0, 300, Duration.ofMinutes(2), Action.THROTTLE, 0))
                .hasMessageContaining("min-ratio");
    }

    /** A guard watching scores the way README tells users to: the library's under-scrape defaults. */
    private VolumeGuard demoLike() {
        return guard(
                scores().maxDistinct(30).underScrape(UnderScrape.defaults()).build());
    }

    /** One poll of a reader who opened the page; asserts it is never refused. */
    private void poll(VolumeGuard guard, String address, String game) {
        GuardRequest score = get(address, "/api/scores/" + game);
        assertThat(guard.check(score).isAllow()).as("reader %s", address).isTrue();
        guard.observe(score, 200);
    }

    @Test
    void humanPaceScrapingFromManyAddressesRightAfterAStartIsCaughtWithinSeconds() {
        VolumeGuard guard = demoLike();
        // right after the start, forty readers open the page and poll their favourite games at once
        for (int r = 0; r < 40; r++) {
            reader(guard, "10.7.0." + (r + 1), r % 50);
            for (int poll = 0; poll < 5; poll++) {
                poll(guard, "10.7.0." + (r + 1), "game-" + (r % 50 + poll % 3));
            }
        }
        // then sixty addresses read one new match each every 37 ms between them (about 27 a second, as
        // eight browsers 150-450 ms apart), while the readers keep polling ten times a second
        int sent = 0;
        for (int i = 0; i < 3_000 && guard.underScrape().isEmpty(); i++) {
            guard.check(get("172.20." + (i % 60) + ".1", "/api/scores/match-" + i));
            sent++;
            if (i % 4 == 0) {
                poll(guard, "10.7.0." + (i % 40 + 1), "game-" + (i % 40 % 50));
            }
            clock.advance(Duration.ofMillis(37));
        }
        assertThat(guard.underScrape()).containsExactly("scores");
        assertThat(sent)
                .as("the decision takes the share of fresh games over the last slices, not the window since the"
                        + " start, where the readers' first burst hides the scrape for about ten seconds")
                .isLessThan(130);
        Decision scraper = guard.check(get("172.20.0.1", "/api/scores/match-99999"));
        assertThat(scraper.isDeny()).isTrue();
        assertThat(scraper.reason()).isEqualTo("under-scrape");
        poll(guard, "10.7.0.1", "game-1"); // a reader who opened the page first is not refused
        // the scrape stops; the mode ends by itself and readers alone never start it again: the first readers
        // polling their games (found fresh just before the start, they are remembered with the scrapers and
        // held to the mode's bound for three durations), forty new readers polling 13 games each
        clock.advance(UnderScrape.defaults().duration().plusSeconds(1));
        assertThat(guard.underScrape()).isEmpty();
        for (int r = 0; r < 40; r++) {
            reader(guard, "10.7.1." + (r + 1), r % 50);
        }
        for (int i = 0; i < 2_000; i++) {
            poll(guard, "10.7.0." + (i % 40 + 1), "game-" + (i % 40 % 50 + i % 3));
            poll(guard, "10.7.1." + (i % 40 + 1), "game-" + (i % 52));
            clock.advance(Duration.ofMillis(20));
        }
        assertThat(guard.underScrape()).isEmpty();
        assertThat(guard.check(get("192.0.2.7", "/api/scores/game-3")).isAllow())
                .isTrue();
    }

    @Test
    void scrapingAcrossAWindowBoundaryIsCountedOverTheLastWindowsLength() {
        VolumeGuard guard = watched();
        // 220 new items in the last four seconds of a window and 220 in the first four of the next: neither
        // window reaches the floor of 300, the last ten seconds do
        clock.advance(Duration.ofSeconds(5)); // 6 s into the first window
        int item = 0;
        for (int i = 0; i < 440 && guard.underScrape().isEmpty(); i++) {
            guard.check(get("172.21." + (item % 250) + ".1", "/api/scores/item-" + item++));
            clock.advance(Duration.ofMillis(18));
        }
        assertThat(guard.underScrape())
                .as("neither window alone holds 300 items: the first at most 222, the second at most 218")
                .containsExactly("scores");
        assertThat(item).as("about the floor of 300, give or take the sampling").isBetween(250, 360);
    }

    @Test
    void aLongTailCrowdAfterAStartIsNotRefusedWhenItOpenedThePage() {
        VolumeGuard guard = demoLike();
        // 600 readers, each opening the page and reading three titles of a catalogue of 100,000, most of
        // them asked for by nobody else: at a cold start this is counted like scraping, and the mode may
        // start, but nobody who opened the page is refused
        java.util.Random random = new java.util.Random(3);
        for (int r = 0; r < 600; r++) {
            String address = "10.9." + (r % 250) + "." + (r / 250 + 1);
            GuardRequest page = GuardRequest.builder("GET", "/").client(address).build();
            assertThat(guard.check(page).isAllow()).isTrue();
            guard.observe(page, 200, true); // the page is named by a rule (a rate limit, say): watched
            for (int t = 0; t < 3; t++) {
                poll(guard, address, "title-" + random.nextInt(100_000));
                clock.advance(Duration.ofMillis(10));
            }
        }
    }

    @Test
    void theModeStartsAtTheRequestThatBringsTheCountToTheFloor() {
        VolumeGuard guard = demoLike(); // a floor of 100: every path is counted, none sampled out
        int sent = 0;
        for (int i = 0; i < 1_000 && guard.underScrape().isEmpty(); i++) {
            guard.check(get("172.22." + (i % 250) + ".1", "/api/scores/item-" + i));
            sent++;
            clock.advance(Duration.ofMillis(1));
        }
        assertThat(sent).as("the floor, give or take hash collisions").isBetween(95, 105);
    }

    /**
     * review75: review74 F2 again, for a carrier /48 one of whose subscribers read one game in the two windows before
     * the route's mode started: the /48 is noted as a contributor, remembered as one of the mode's starters, and its
     * 60 proved subscribers then share the budget of twice min-distinct for every duration it is remembered (three
     * durations at first) as if it were the scraper.
     */
    @Test
    void review75AHonestCarrierThatReadOneGameBeforeTheModeIsNotBudgetedAsItsStarter() {
        VolumeGuard guard = underScrapeWatched();
        for (int user = 0; user < 60; user++) {
            guard.earnHistory(
                    proven(get("2001:db8:a:" + Integer.toHexString(user + 1) + "::/64", "/abuse-guard/proof")));
        }
        assertThat(guard.check(proven(get("2001:db8:a:1::/64", "/api/scores/morning-news")))
                        .isAllow())
                .as("one subscriber reads one game, before any mode")
                .isTrue();
        scrapeFromMany(guard, 0); // IPv4 scrapers elsewhere put the route under scrape
        int refused = 0;
        for (int user = 0; user < 60; user++) {
            String subscriber = "2001:db8:a:" + Integer.toHexString(user + 1) + "::/64";
            for (int i = 0; i < 5; i++) {
                if (guard.check(proven(get(subscriber, "/api/scores/title-" + (user * 7 + i * 131) % 5000)))
                        .isDeny()) {
                    refused++;
                }
            }
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(refused)
                .as("reads of honest subscribers within their own bounds refused")
                .isZero();
    }
}
