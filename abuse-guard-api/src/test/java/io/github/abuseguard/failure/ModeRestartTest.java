package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * probe20 F2: a small crowd restarted a route's under-attack mode as soon as it ended (14 addresses, two
 * guesses each, about 5 counted requests a minute, refused 364 of 365 new customers over 13 minutes). The
 * client sites whose failures started or extended a mode are remembered after it: their failures start no
 * new one, and the mode's refusal holds for them alone.
 */
class ModeRestartTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    /** The mode's duration in these tests. */
    private static final Duration DURATION = Duration.ofMinutes(2);

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    private FailureGuard guard(FailureRule rule) {
        return FailureGuard.builder().store(store).timeSource(clock).rule(rule).build();
    }

    private AbuseGuard engine(FailureGuard guard) {
        return AbuseGuard.builder().guard(guard).timeSource(clock).build();
    }

    /** What the engine and a servlet filter do: check, and if the app runs, report its status. */
    private static Decision exchange(AbuseGuard engine, GuardRequest request, int status) {
        Evaluation evaluation = engine.evaluate(request);
        if (!evaluation.decision().isDeny() || evaluation.decision().action().passesRequestOn()) {
            engine.complete(request, status);
        }
        return evaluation.decision();
    }

    /** The demo's gift-card rule: keyed by address, a 404 a failed guess, under attack with {@code history}. */
    private static FailureRule giftCards(UnderAttack.History history) {
        return giftCards(history, 10);
    }

    private static FailureRule giftCards(UnderAttack.History history, int maxRetry) {
        return FailureRule.builder("giftcards")
                .path("/api/giftcards/{code}")
                .statuses("404")
                .maxRetry(maxRetry)
                .underAttack(new UnderAttack(
                        Duration.ofSeconds(10),
                        5.0,
                        20,
                        0.2,
                        DURATION,
                        Action.REJECT,
                        EnumSet.allOf(UnderAttack.Signal.class),
                        null,
                        history))
                .build();
    }

    private static GuardRequest giftCard(String address, String code) {
        return GuardRequest.builder("GET", "/api/giftcards/" + code)
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .build();
    }

    /** probe20 F2's crowd: 14 addresses. */
    private static List<String> crowd(String prefix) {
        List<String> crowd = new ArrayList<>();
        for (int a = 1; a <= 14; a++) {
            crowd.add(prefix + a);
        }
        return crowd;
    }

    /** Each address of the crowd guesses twice (its share of a window): 28 failures, the mode's count and more. */
    private static int guess(AbuseGuard engine, List<String> crowd, int round) {
        int reached = 0;
        for (String address : crowd) {
            for (int g = 0; g < 2; g++) {
                if (exchange(engine, giftCard(address, "GUESS-" + round + "-" + g), 404)
                        .isAllow()) {
                    reached++;
                }
            }
        }
        return reached;
    }

    /** The instance hears the route fail with GET (a success vouches only for a method it heard fail). */
    private static void routeHeardFailing(AbuseGuard engine) {
        exchange(engine, giftCard("192.0.2.59", "TYPO"), 404);
    }

    /**
     * probe20 F2 scaled to a 2-minute mode: the crowd guesses whenever the mode is off; a new customer looks
     * up a card every 2 seconds for 13 minutes. Before, the crowd restarted the mode at each end and 389 of
     * 390 customers were refused; now its sites are refused on their own once the mode ends, and start it
     * again only when their memory (three durations, then six) runs out.
     */
    @Test
    void aSmallCrowdCannotRestartTheModeAsSoonAsItEnds() {
        FailureGuard guard = guard(giftCards(UnderAttack.History.RESOURCE));
        AbuseGuard engine = engine(guard);
        routeHeardFailing(engine);
        List<String> crowd = crowd("198.18.0.");
        int customers = 0;
        int refused = 0;
        int rounds = 0;
        for (int second = 0; second < 13 * 60; second += 2) {
            if (guard.underAttack().isEmpty()) {
                guess(engine, crowd, rounds++);
            }
            customers++;
            String customer = "100.64." + (customers / 250) + "." + (customers % 250 + 1);
            if (exchange(engine, giftCard(customer, "GIFT-" + customers), 200).isDeny()) {
                refused++;
            }
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(guard.baselines().get("giftcards").get("timesEntered"))
                .as("entered at 0:00 and again only once the crowd's memory (6 minutes) ran out")
                .isEqualTo(2L);
        assertThat(refused)
                .as("probe20 F2: 389 of 390 new customers refused; now those of two 2-minute modes")
                .isLessThanOrEqualTo(2 * 61);
    }

    @Test
    void theCrowdsGuessesAfterTheModeAreRefusedAsFromASiteUnderAttack() {
        FailureGuard guard = guard(giftCards(UnderAttack.History.RESOURCE));
        AbuseGuard engine = engine(guard);
        routeHeardFailing(engine);
        List<String> crowd = crowd("198.18.1.");
        guess(engine, crowd, 0);
        assertThat(guard.underAttack()).containsExactly("giftcards");
        clock.advance(DURATION.plusSeconds(1));
        assertThat(guard.underAttack()).isEmpty();

        Decision guess = exchange(engine, giftCard("198.18.1.3", "GUESS-after"), 404);
        assertThat(guess.reason()).isEqualTo("site-under-attack");
        assertThat(guess.rule()).isEqualTo("giftcards");
        assertThat(exchange(engine, giftCard("100.64.9.9", "GIFT-1000"), 200).isAllow())
                .as("a new customer is not refused")
                .isTrue();
        guess(engine, crowd, 1);
        assertThat(guard.underAttack())
                .as("the crowd's refused guesses start nothing")
                .isEmpty();

        guess(engine, crowd("198.18.2."), 2);
        assertThat(guard.underAttack())
                .as("fresh sites, as many as the mode needs, start it again")
                .containsExactly("giftcards");
    }

    /**
     * A crowd that passes the mode (the app's history: one page load or proof per address) fails freely after
     * it as during it, but those failures no longer restart it: fresh customers are not refused.
     */
    @Test
    void aCrowdWithAHistoryFailingAfterTheModeDoesNotRestartIt() {
        // max-retry far above what the crowd fails: no per-address ban stops it first
        FailureGuard guard = guard(giftCards(UnderAttack.History.APP, 1_000));
        AbuseGuard engine = engine(guard);
        routeHeardFailing(engine);
        List<String> crowd = crowd("198.18.3.");
        for (String address : crowd) {
            exchange(engine, page(address), 200); // a history: a success on a watched route
        }
        guess(engine, crowd, 0);
        assertThat(guard.underAttack()).containsExactly("giftcards");
        for (int minute = 0; minute < 5; minute++) { // within the crowd's memory, three durations
            clock.advance(Duration.ofSeconds(10));
            guess(engine, crowd, minute + 1);
            clock.advance(Duration.ofSeconds(50));
        }
        assertThat(guard.underAttack())
                .as("its failures, once it is remembered, extend nothing and start nothing: the mode ended")
                .isEmpty();
        assertThat(guard.baselines().get("giftcards").get("timesEntered")).isEqualTo(1L);
        assertThat(exchange(engine, giftCard("100.64.9.10", "GIFT-1000"), 200).isAllow())
                .isTrue();
    }

    /**
     * A second crowd that passes the mode (a history each) and fails while it is on extends it, and is
     * remembered as its starters are: once the mode ends, its failures do not start it again either.
     */
    @Test
    void theSitesWhoseFailuresExtendedTheModeCannotRestartItEither() {
        FailureGuard guard = guard(giftCards(UnderAttack.History.APP, 1_000));
        AbuseGuard engine = engine(guard);
        routeHeardFailing(engine);
        List<String> extenders = crowd("198.18.8.");
        for (String address : extenders) {
            exchange(engine, page(address), 200);
        }
        guess(engine, crowd("198.18.9."), 0);
        assertThat(guard.underAttack()).containsExactly("giftcards");
        clock.advance(Duration.ofSeconds(60));
        guess(engine, extenders, 1);
        clock.advance(DURATION.minusSeconds(30));
        assertThat(guard.underAttack())
                .as("extended by the second crowd's failures, a minute in")
                .containsExactly("giftcards");
        clock.advance(Duration.ofSeconds(31));
        assertThat(guard.underAttack()).isEmpty();
        guess(engine, extenders, 2);
        assertThat(guard.underAttack())
                .as("the sites that extended the mode do not start it again")
                .isEmpty();
    }

    /**
     * review132 F6: the probe74b F1 fix (FailureGuard#distrustWhereUnderAttack) marks a starter that earns its
     * history after the mode a newcomer, and README says it earns no vouching history "for as long as it is
     * remembered"; but the mark lasts six durations from when the history was earned, and a site remembered a third
     * time is remembered twelve durations (up to 96). Once the mark runs out, the starter's history vouches while it
     * is still remembered: its guesses go through as a crowd member's that never earned one is refused.
     */
    @Test
    void review132aStarterRememberedLongerThanItsNewcomerMarkEarnsNoVouchingHistoryWhileRemembered() {
        FailureGuard guard = guard(giftCards(UnderAttack.History.APP, 1_000));
        AbuseGuard engine = engine(guard);
        routeHeardFailing(engine);
        List<String> crowd = crowd("198.18.20.");
        // the crowd starts the mode three times, each once its memory ran out: 3, then 6, then 12 durations
        for (int start = 0; start < 3; start++) {
            guess(engine, crowd, start);
            assertThat(guard.underAttack()).as("start %d", start).containsExactly("giftcards");
            if (start < 2) {
                clock.advance(DURATION.multipliedBy(3L << start).plusSeconds(1));
                assertThat(guard.underAttack()).isEmpty();
            }
        }
        clock.advance(DURATION.plusSeconds(1));
        assertThat(guard.underAttack()).as("the third mode ended").isEmpty();

        String starter = crowd.get(0);
        guard.earnProvedHistory(page(starter)); // the browser proof, solved once the mode ended: marked a newcomer
        assertThat(exchange(engine, giftCard(starter, "GUESS-marked"), 404).isDeny())
                .as("marked: refused")
                .isTrue();

        clock.advance(DURATION.multipliedBy(6).plusSeconds(1)); // the mark ran out; 7 of 12 durations remembered
        assertThat(exchange(engine, giftCard(crowd.get(1), "GUESS-fresh"), 404).reason())
                .as("the crowd is still remembered")
                .isEqualTo("site-under-attack");
        int through = 0;
        for (int g = 0; g < 20; g++) {
            if (exchange(engine, giftCard(starter, "GUESS-late-" + g), 404).isAllow()) {
                through++;
            }
        }
        assertThat(through)
                .as("guesses of a starter still remembered, with a history earned after its mode")
                .isZero();
    }

    private static GuardRequest page(String address) {
        return GuardRequest.builder("GET", "/api/giftcards/GIFT-0042")
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .build();
    }

    /**
     * A customer who mistyped a code while the crowd started the mode is among its sites: after the mode, a
     * card it never looked up is refused to it for three durations, then not; a card it looked up before is
     * not refused at all.
     */
    @Test
    void aCustomerWhoMistypedAsTheModeStartedWaitsThreeDurationsAtMost() {
        FailureGuard guard = guard(giftCards(UnderAttack.History.RESOURCE));
        AbuseGuard engine = engine(guard);
        routeHeardFailing(engine);
        assertThat(exchange(engine, giftCard("192.0.2.71", "GIFT-0071"), 200).isAllow())
                .isTrue();
        exchange(engine, giftCard("192.0.2.70", "GIFT-007O"), 404);
        exchange(engine, giftCard("192.0.2.71", "GIFT-0O71"), 404);
        guess(engine, crowd("198.18.4."), 0);
        assertThat(guard.underAttack()).containsExactly("giftcards");
        clock.advance(DURATION.plusSeconds(1));

        assertThat(exchange(engine, giftCard("192.0.2.70", "GIFT-0070"), 200).reason())
                .as("its new card, right after the mode")
                .isEqualTo("site-under-attack");
        assertThat(exchange(engine, giftCard("192.0.2.71", "GIFT-0071"), 200).isAllow())
                .as("a card looked up before, as during the mode")
                .isTrue();
        clock.advance(DURATION.multipliedBy(ModeStarters.REMEMBERED_DURATIONS - 1));
        assertThat(exchange(engine, giftCard("192.0.2.70", "GIFT-0070"), 200).isAllow())
                .as("three durations after the mode started")
                .isTrue();
    }

    /** An operator who ends the mode by hand (a false alarm) frees its sites too. */
    @Test
    void endingTheModeByHandForgetsItsSites() {
        FailureGuard guard = guard(giftCards(UnderAttack.History.RESOURCE));
        AbuseGuard engine = engine(guard);
        routeHeardFailing(engine);
        guess(engine, crowd("198.18.7."), 0);
        assertThat(guard.underAttack()).containsExactly("giftcards");
        clock.advance(Duration.ofSeconds(30));
        guard.endUnderAttack("giftcards");
        assertThat(exchange(engine, giftCard("198.18.7.3", "GIFT-0073"), 200).isAllow())
                .isTrue();
    }

    /** Each time a site starts a mode again, it is remembered twice as long. */
    @Test
    void aCrowdThatStartsTheModeAgainIsRememberedTwiceAsLong() {
        FailureGuard guard = guard(giftCards(UnderAttack.History.RESOURCE));
        AbuseGuard engine = engine(guard);
        routeHeardFailing(engine);
        List<String> crowd = crowd("198.18.5.");
        List<Long> entered = new ArrayList<>();
        for (int second = 0; second < 45 * 60; second += 2) {
            if (guard.underAttack().isEmpty()) {
                guess(engine, crowd, second);
                if (!guard.underAttack().isEmpty()) {
                    entered.add((long) second / 60);
                }
            }
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(entered)
                .as("remembered 6, then 12, then 24 minutes from each start")
                .containsExactly(0L, 6L, 18L, 42L);
    }

    /**
     * The mode's sites are kept in the store: a crowd whose guesses are split over two instances is remembered
     * by the one that enters the mode, and refused by both.
     */
    @Test
    void theSitesOfAModeAreRefusedByEveryInstanceOfTheSharedStore() {
        FailureRule rule = giftCards(UnderAttack.History.RESOURCE);
        FailureGuard firstGuard = guard(rule);
        AbuseGuard first = engine(firstGuard);
        AbuseGuard second = engine(guard(rule));
        routeHeardFailing(first);
        routeHeardFailing(second);
        List<String> crowd = crowd("198.18.6.").subList(0, 9);
        for (int a = 0; a < crowd.size(); a++) {
            // two failures heard, then 18: the ninth address's second guess, on the second, enters the mode
            AbuseGuard instance = a % 2 == 0 ? second : first;
            for (int g = 0; g < 2; g++) {
                exchange(instance, giftCard(crowd.get(a), "GUESS-" + g), 404);
            }
        }
        assertThat(firstGuard.underAttack()).containsExactly("giftcards");
        clock.advance(DURATION.plusSeconds(1));
        for (String address : crowd) {
            assertThat(exchange(second, giftCard(address, "GUESS-late"), 404).reason())
                    .as(address)
                    .isEqualTo("site-under-attack");
            assertThat(exchange(first, giftCard(address, "GUESS-late"), 404).reason())
                    .as(address)
                    .isEqualTo("site-under-attack");
        }
    }

    /**
     * An IPv6 site is a /48: the crowd's /64s rotated within it after the mode are its site all the same. Ten
     * sites, so that each failed before the mode refused the rest of its guesses.
     */
    @Test
    void aNewPrefixOfAnIpv6SiteOfTheModeIsRefusedAsItsSite() {
        FailureGuard guard = guard(giftCards(UnderAttack.History.RESOURCE));
        AbuseGuard engine = engine(guard);
        routeHeardFailing(engine);
        List<String> crowd = new ArrayList<>();
        for (int site = 1; site <= 10; site++) {
            crowd.add("2001:db8:" + Integer.toHexString(site) + ":1::1");
        }
        guess(engine, crowd, 0);
        assertThat(guard.underAttack()).containsExactly("giftcards");
        clock.advance(DURATION.plusSeconds(1));
        List<String> rotated = new ArrayList<>();
        for (int site = 1; site <= 10; site++) {
            rotated.add("2001:db8:" + Integer.toHexString(site) + ":beef::1");
        }
        assertThat(guess(engine, rotated, 1)).isZero();
        assertThat(guard.underAttack()).isEmpty();
        assertThat(exchange(engine, giftCard("2001:db8:ff:1::1", "GIFT-1000"), 200)
                        .isAllow())
                .as("another site's client")
                .isTrue();
    }
}
