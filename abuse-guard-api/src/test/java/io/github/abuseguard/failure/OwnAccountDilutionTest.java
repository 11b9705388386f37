package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * An attacker's own successful sign-ins must not hold a route's failure ratio under its trigger (probe21 F6),
 * and people signing in must not start the mode: a success counts in the ratio once per account and window,
 * and one client site adds at most its share of them ({@link DistinctSuccesses}).
 */
class OwnAccountDilutionTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    /** 10 s windows, x5, at least 20 failures at a ratio of 0.2, for 2 minutes: the defaults but the duration. */
    private static UnderAttack surge() {
        return new UnderAttack(
                Duration.ofSeconds(10),
                5.0,
                20,
                0.2,
                Duration.ofMinutes(2),
                Action.REJECT,
                EnumSet.allOf(UnderAttack.Signal.class),
                null);
    }

    /** The demo's rule: the user names failing from an address, watched for a surge; {@code maxRetry} as given. */
    private static FailureRule perAddress(int maxRetry) {
        return FailureRule.builder("login")
                .path("/api/login")
                .methods("POST")
                .key("ip")
                .distinct("body:/username")
                .maxRetry(maxRetry)
                .findTime(Duration.ofMinutes(10))
                .underAttack(surge())
                .build();
    }

    /** A rule keyed by the address alone, which names no account. */
    private static FailureRule perAddressOnly() {
        return FailureRule.builder("login")
                .path("/api/login")
                .methods("POST")
                .key("ip")
                .maxRetry(100_000)
                .underAttack(surge())
                .build();
    }

    private FailureGuard guard(FailureRule rule) {
        return FailureGuard.builder().store(store).timeSource(clock).rule(rule).build();
    }

    private AbuseGuard engine(FailureGuard guard) {
        return AbuseGuard.builder().guard(guard).timeSource(clock).build();
    }

    /** A sign-in from a browser, as people send it. */
    private static GuardRequest login(String address, String username) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
    }

    /** A sign-in as the probe's script sent it: no browser headers. */
    private static GuardRequest scripted(String address, String username) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
    }

    /** Checks the request and, if it reaches the application, reports {@code status}; answers whether it did. */
    private static boolean exchange(AbuseGuard engine, GuardRequest request, int status) {
        Evaluation evaluation = engine.evaluate(request);
        if (evaluation.decision().isDeny() && !evaluation.decision().action().passesRequestOn()) {
            return false;
        }
        engine.complete(request, status);
        return true;
    }

    private static long timesEntered(FailureGuard guard) {
        return guard.baselines().get("login").get("timesEntered").longValue();
    }

    /** Windows of normal traffic: 50 sign-ins from 50 addresses, 2 mistyped (a different pair each window). */
    private void normalTraffic(AbuseGuard engine, int windows) {
        for (int w = 0; w < windows; w++) {
            for (int i = 0; i < 50; i++) {
                boolean mistyped = i == (2 * w) % 50 || i == (2 * w + 1) % 50;
                exchange(engine, login("10.0.0." + (i + 1), "user" + i), mistyped ? 401 : 200);
            }
            clock.advance(Duration.ofSeconds(10));
        }
    }

    /** What probe21 sent for 60 s: 9 guesses a second and 40 sign-ins a second, from 250 addresses. */
    private record Attempt(long atMillis, String address, String username, boolean guess) {}

    /**
     * probe21's S5b schedule for 60 s: guess j at j/9 s from address j mod 250, at a user name of its own;
     * sign-in j at j/40 s from address (7j + 3) mod 250, to the account {@code ownAccount} names for j. Answers
     * how many guesses reached the application.
     */
    private int guessesAmongOwnSignIns(
            AbuseGuard engine, IntFunction<String> ownAddress, IntFunction<String> ownAccount) {
        List<Attempt> plan = new ArrayList<>();
        for (int j = 0; j < 540; j++) {
            plan.add(new Attempt(j * 1_000L / 9, "100.80.0." + (j % 250 + 1), "user" + (3_000 + j % 2_000), true));
        }
        for (int j = 0; j < 2_400; j++) {
            plan.add(new Attempt(j * 1_000L / 40, ownAddress.apply(j), ownAccount.apply(j), false));
        }
        plan.sort(Comparator.comparingLong(Attempt::atMillis));
        long start = clock.epochMillis();
        int guessesThrough = 0;
        for (Attempt attempt : plan) {
            clock.advance(Duration.ofMillis(start + attempt.atMillis() - clock.epochMillis()));
            boolean through =
                    exchange(engine, scripted(attempt.address(), attempt.username()), attempt.guess() ? 401 : 200);
            if (through && attempt.guess()) {
                guessesThrough++;
            }
        }
        return guessesThrough;
    }

    private static String ofTheCrowd(int j) {
        return "100.80.0." + ((j * 7 + 3) % 250 + 1);
    }

    /**
     * probe21 F6 (S5b): 540 of 540 guesses reached the handler and the mode never started, because each of the
     * 2,400 sign-ins to 4 accounts counted in the ratio (9 failures among 49 requests a second: 0.18). Counted
     * once per account and window, they are 4 successes a window: the ratio is near 1.
     */
    @Test
    void aCrowdSigningInToFourAccountsOfItsOwnCannotHoldTheRatioUnderTheTrigger() {
        FailureGuard guard = guard(perAddress(20));
        AbuseGuard engine = engine(guard);

        int through = guessesAmongOwnSignIns(engine, OwnAccountDilutionTest::ofTheCrowd, j -> "own" + (1 + j % 4));

        assertThat(timesEntered(guard)).as("the mode started").isPositive();
        assertThat(through).as("of 540 guesses, those before the mode").isLessThan(60);
    }

    /**
     * The same crowd with 2,900 accounts of its own, signing in to them from five addresses: one site adds at
     * most 38 successes a window, so five add 190 of the 400 sign-ins a window, and 90 failures among them
     * are a ratio of 0.32.
     */
    @Test
    void aFewAddressesSigningInToManyAccountsOfTheirOwnDiluteOnlyTheirShare() {
        FailureGuard guard = guard(perAddress(20));
        AbuseGuard engine = engine(guard);

        int through = guessesAmongOwnSignIns(engine, j -> "198.18.0." + (j % 5 + 1), j -> "own" + j % 2_900);

        assertThat(timesEntered(guard)).as("the mode started").isPositive();
        assertThat(through).as("of 540 guesses, those before the mode").isLessThan(60);
    }

    /**
     * An app release logs everyone out: 1,000 sign-ins per 10 s for half a minute, one in ten mistyped once
     * first, one in three signing in again on a second device. Each user counts once per window, at the route's
     * usual typo rate.
     */
    @Test
    void aCrowdSigningInAgainAfterAReleaseOnceOrTwiceEachIsNoAttack() {
        FailureGuard guard = guard(perAddress(20));
        guard.importBaselines("{\"login\":{\"failures\":4,\"ratio\":0.1,\"windows\":50}}");
        AbuseGuard engine = engine(guard);
        releaseCrowd(engine, 10);
        assertThat(guard.underAttack()).isEmpty();
        assertThat(timesEntered(guard)).isZero();
    }

    /** The same right after a start, with nothing learned yet and 12% mistyped. */
    @Test
    void aCrowdSigningInAgainRightAfterAStartIsNoAttackEither() {
        FailureGuard guard = guard(perAddress(20));
        AbuseGuard engine = engine(guard);
        releaseCrowd(engine, 8);
        assertThat(timesEntered(guard)).isZero();
    }

    /** Three windows of 1,000 users from 4 users per address; one in {@code typoEvery} mistypes once first. */
    private void releaseCrowd(AbuseGuard engine, int typoEvery) {
        for (int w = 0; w < 3; w++) {
            for (int i = 0; i < 1_000; i++) {
                int user = w * 1_000 + i;
                String address = "10." + (100 + w) + "." + (i / 4 / 250) + "." + (i / 4 % 250 + 1);
                if (i % typoEvery == 0) {
                    exchange(engine, login(address, "user" + user), 401);
                }
                exchange(engine, login(address, "user" + user), 200);
                if (i % 3 == 0) {
                    exchange(engine, login(address, "user" + user), 200);
                }
                clock.advance(Duration.ofMillis(10));
            }
        }
    }

    /**
     * A finals night: six windows of 1,000 fans from 250 addresses (dorms, a stadium's Wi-Fi), 4% mistyped as
     * the route usually is, a tenth signing in twice: a surge of everyone, whose ratio stays put.
     */
    @Test
    void aFinalsNightSurgeAtTheUsualRatioIsNoAttack() {
        FailureGuard guard = guard(perAddress(20));
        AbuseGuard engine = engine(guard);
        normalTraffic(engine, 10);
        for (int w = 0; w < 6; w++) {
            for (int i = 0; i < 1_000; i++) {
                String address = "10.50.0." + (i % 250 + 1);
                String fan = "fan" + i;
                exchange(engine, login(address, fan), (i + w) % 25 == 0 ? 401 : 200);
                if (i % 10 == 0) {
                    exchange(engine, login(address, fan), 200);
                }
                clock.advance(Duration.ofMillis(10));
            }
        }
        assertThat(timesEntered(guard)).isZero();
    }

    /**
     * Offices behind NATs: twelve addresses, each with 200 people signing in every 10 s for a minute, 8%
     * mistyping once first. Each office adds its share of 2 failures a window (16 failed), so together they
     * reach min-failures; capped at 2 successes too, the offices would fail at 0.5 and start the mode. At most
     * 38 successes each, they fail at 0.05, their usual rate or less.
     */
    @Test
    void officesBehindNatsWhoseUsersMistypeAsUsualAreNoAttack() {
        officesSignIn(perAddress(100_000));
    }

    /**
     * The same under a rule keyed by the address alone: counting each address's success once per window, as
     * an account, would leave 2 failures against 1 success per office.
     */
    @Test
    void officesBehindNatsAreNoAttackUnderARuleKeyedByTheAddressAlone() {
        officesSignIn(perAddressOnly());
    }

    private void officesSignIn(FailureRule rule) {
        FailureGuard guard = guard(rule);
        AbuseGuard engine = engine(guard);
        normalTraffic(engine, 10);
        for (int w = 0; w < 6; w++) {
            for (int i = 0; i < 200; i++) {
                for (int office = 0; office < 12; office++) {
                    String address = "192.0.2." + (office + 1);
                    String user = "staff" + office + "-" + (w * 200 + i);
                    if ((i + office) % 25 < 2) {
                        exchange(engine, login(address, user), 401);
                    }
                    exchange(engine, login(address, user), 200);
                }
                if (i % 4 == 0) {
                    int n = i / 4;
                    exchange(engine, login("10.0.0." + (n + 1), "user" + n), n == w ? 401 : 200);
                }
                clock.advance(Duration.ofMillis(50));
            }
        }
        assertThat(guard.underAttack()).isEmpty();
        assertThat(timesEntered(guard)).isZero();
    }

    /**
     * The demo's gift-card rule: keyed by the address alone, a 404 is a failed guess, 10 per address in 10
     * minutes; under attack, a card looked up before vouches only for itself ({@code history: resource}).
     */
    private static FailureRule giftCards() {
        return perAddressUnderResourceHistory("giftcards", "/api/giftcards/{code}", "GET");
    }

    /** A rule keyed by the address alone, 404 a miss, watched for a surge under {@code history: resource}. */
    private static FailureRule perAddressUnderResourceHistory(String name, String path, String method) {
        return FailureRule.builder(name)
                .path(path)
                .methods(method)
                .statuses("404")
                .key("ip")
                .maxRetry(10)
                .findTime(Duration.ofMinutes(10))
                .underAttack(new UnderAttack(
                        Duration.ofSeconds(10),
                        5.0,
                        20,
                        0.2,
                        Duration.ofMinutes(5),
                        Action.REJECT,
                        EnumSet.allOf(UnderAttack.Signal.class),
                        null,
                        UnderAttack.History.RESOURCE))
                .build();
    }

    private static GuardRequest lookUp(String address, String code) {
        return GuardRequest.builder("GET", "/api/giftcards/" + code)
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .build();
    }

    /**
     * probe22 F6 ({@code e1_giftpad.py 250 60 6 150 14 2}): for 150 s, guesses at 6 a second, 2 per address, and
     * {@code lookUpsPerSecond} look-ups of one valid card from 250 addresses in turn; answers how many of the 900
     * guesses reached the application.
     */
    private int guessesAmongLookUpsOfOneCard(AbuseGuard engine, int lookUpsPerSecond) {
        return guessesAmongLookUpsOfOneCard(engine, lookUpsPerSecond, j -> "GIFT-1000");
    }

    private int guessesAmongLookUpsOfOneCard(AbuseGuard engine, int lookUpsPerSecond, IntFunction<String> spelling) {
        List<Attempt> plan = new ArrayList<>();
        for (int j = 0; j < 900; j++) {
            int address = j / 2;
            plan.add(new Attempt(
                    j * 1_000L / 6, "100.90." + (address / 250) + "." + (address % 250 + 1), "GUESS-" + j, true));
        }
        for (int j = 0; j < 150 * lookUpsPerSecond; j++) {
            plan.add(new Attempt(j * 1_000L / lookUpsPerSecond, "100.91.0." + (j % 250 + 1), spelling.apply(j), false));
        }
        plan.sort(Comparator.comparingLong(Attempt::atMillis));
        long start = clock.epochMillis();
        int guessesThrough = 0;
        for (Attempt attempt : plan) {
            clock.advance(Duration.ofMillis(start + attempt.atMillis() - clock.epochMillis()));
            boolean through =
                    exchange(engine, lookUp(attempt.address(), attempt.username()), attempt.guess() ? 404 : 200);
            if (through && attempt.guess()) {
                guessesThrough++;
            }
        }
        return guessesThrough;
    }

    /**
     * probe22 F6: one valid gift card looked up 60 times a second from 250 addresses held the route's ratio
     * under the trigger, each look-up a success of its address (38 per address and window): 903 of 903 guesses
     * went through (unpadded, 22 of 363). Under {@code history: resource} the card names the success: one per
     * window, so the guesses start the mode as they do unpadded.
     */
    @Test
    void oneValidGiftCardLookedUpFromManyAddressesCannotHoldTheRatioUnderTheTrigger() {
        FailureGuard guard = guard(giftCards());
        AbuseGuard engine = engine(guard);

        int through = guessesAmongLookUpsOfOneCard(engine, 60);
        System.out.printf(
                "probe22 F6: %d of 900 guesses through, the mode entered %d times%n",
                through, guard.baselines().get("giftcards").get("timesEntered").longValue());

        assertThat(guard.baselines().get("giftcards").get("timesEntered").longValue())
                .as("the mode started")
                .isPositive();
        assertThat(through).as("of 900 guesses, those before the mode").isLessThan(60);
    }

    /**
     * probe59e F1: an application that looks its codes up without regard to accents or letter case (MySQL's and
     * MariaDB's default collations, which {@code UserNames} folds user names for) finds the one valid card under
     * {@code ĜÍFT-1000}, {@code ǦÌFŢ-1000} and a thousand other spellings, each a success of the same card. The
     * success is case-folded only ({@code toLowerCase}), so each spelling counted as a resource of its own and one
     * bought card held the ratio under the trigger again, as in probe22 F6.
     */
    @Test
    void accentedSpellingsOfOneValidGiftCardCannotHoldTheRatioUnderTheTrigger() {
        FailureGuard guard = guard(giftCards());
        AbuseGuard engine = engine(guard);

        int through = guessesAmongLookUpsOfOneCard(engine, 60, OwnAccountDilutionTest::accentedSpelling);
        System.out.printf(
                "probe59e F1: %d of 900 guesses through, the mode entered %d times%n",
                through, guard.baselines().get("giftcards").get("timesEntered").longValue());

        assertThat(guard.baselines().get("giftcards").get("timesEntered").longValue())
                .as("the mode started")
                .isPositive();
        assertThat(through).as("of 900 guesses, those before the mode").isLessThan(60);
    }

    /** The {@code j}-th of 1,280 spellings of {@code GIFT-1000} an accent-insensitive collation reads as it. */
    private static String accentedSpelling(int j) {
        String g = "GĜĞĠĢǦǴḠ";
        String i = "IÍÌÎÏĨĪĬĮİ";
        String f = "FḞ";
        String t = "TŢŤȚṪṬṮṰ";
        int k = j % 1280;
        return "" + g.charAt(k % 8) + i.charAt(k / 8 % 10) + f.charAt(k / 80 % 2) + t.charAt(k / 160 % 8) + "-1000";
    }

    /**
     * probe59e F2 (over HTTP on the demo: 8 proved addresses, 10 misses each, one address a second, started the
     * gift-card mode; right after it ended, a probe's miss and 2 fresh addresses' 20 misses started it again, and
     * again each time): README says starting the mode again "takes other sites, ten or more each time", as the
     * starters are remembered and their failures are no evidence. Here the first fresh address's 9th miss starts
     * it again: a site or three every five minutes keep the route closed to every customer checking a card it
     * never checked from its address nearly all the time.
     */
    @Test
    void threeFreshAddressesRightAfterTheModeDoNotStartItAgain() {
        FailureGuard guard = guard(giftCards());
        AbuseGuard engine = engine(guard);
        int code = 0;
        for (int address = 1; address <= 12; address++) {
            for (int guess = 0; guess < 10; guess++) {
                exchange(engine, lookUp("100.80.0." + address, "GUESS-" + code++), 404);
                clock.advance(Duration.ofMillis(100));
            }
        }
        assertThat(guard.baselines().get("giftcards").get("timesEntered").longValue())
                .as("twelve addresses' 120 misses started the mode")
                .isEqualTo(1);

        clock.advance(Duration.ofMinutes(5).plusSeconds(10)); // the mode is over
        int through = 0;
        for (int address = 1; address <= 3; address++) {
            for (int guess = 0; guess < 10; guess++) {
                if (exchange(engine, lookUp("100.81.0." + address, "GUESS-" + code++), 404)) {
                    through++;
                }
                clock.advance(Duration.ofMillis(100));
            }
        }
        System.out.printf(
                "probe59e F2: %d of 30 guesses of 3 fresh addresses through, the mode entered %d times%n",
                through, guard.baselines().get("giftcards").get("timesEntered").longValue());
        assertThat(guard.baselines().get("giftcards").get("timesEntered").longValue())
                .as("three fresh sites do not start the mode again")
                .isEqualTo(1);
    }

    /**
     * review78 F1: the counts a mode started on were spent on the instance that started it only. On a shared store,
     * the crowd's misses reached one instance and started the mode there; right after it ended, three fresh addresses
     * reached another instance, which read the crowd's 120 misses from the store as new evidence, and the first fresh
     * miss started the mode again, as in probe59e F2 on one instance.
     */
    @Test
    void threeFreshAddressesOnAnotherInstanceRightAfterTheModeDoNotStartItAgain() {
        FailureGuard first = guard(giftCards());
        AbuseGuard firstEngine = engine(first);
        FailureGuard second = guard(giftCards());
        AbuseGuard secondEngine = engine(second);
        int code = 0;
        for (int address = 1; address <= 12; address++) {
            for (int guess = 0; guess < 10; guess++) {
                exchange(firstEngine, lookUp("100.80.0." + address, "GUESS-" + code++), 404);
                clock.advance(Duration.ofMillis(100));
            }
        }
        assertThat(entered(first))
                .as("twelve addresses' 120 misses started the mode")
                .isEqualTo(1);

        clock.advance(Duration.ofMinutes(5).plusSeconds(10)); // the mode is over
        int through = 0;
        for (int address = 1; address <= 3; address++) {
            for (int guess = 0; guess < 10; guess++) {
                if (exchange(secondEngine, lookUp("100.81.0." + address, "GUESS-" + code++), 404)) {
                    through++;
                }
                clock.advance(Duration.ofMillis(100));
            }
        }
        System.out.printf(
                "review78 F1: %d of 30 guesses of 3 fresh addresses through the other instance, the mode entered"
                        + " %d times there%n",
                through, entered(second));
        assertThat(entered(second))
                .as("three fresh sites on another instance do not start the mode again")
                .isZero();
        assertThat(through)
                .as("the fresh addresses' misses reach the application")
                .isEqualTo(30);
    }

    /**
     * A crowd that goes on after its mode ended, through another instance, starts the mode again there: the spent
     * counts hold back a few sites, not a crowd.
     */
    @Test
    void aCrowdGoingOnThroughAnotherInstanceAfterTheModeStartsItAgain() {
        FailureGuard first = guard(giftCards());
        AbuseGuard firstEngine = engine(first);
        FailureGuard second = guard(giftCards());
        AbuseGuard secondEngine = engine(second);
        int code = 0;
        for (int address = 1; address <= 12; address++) {
            for (int guess = 0; guess < 10; guess++) {
                exchange(firstEngine, lookUp("100.80.0." + address, "GUESS-" + code++), 404);
                clock.advance(Duration.ofMillis(100));
            }
        }
        clock.advance(Duration.ofMinutes(5).plusSeconds(10)); // the mode is over
        int restartedAt = 0;
        for (int address = 1; address <= 30 && restartedAt == 0; address++) {
            for (int guess = 0; guess < 10; guess++) {
                exchange(secondEngine, lookUp("100.82.0." + address, "GUESS-" + code++), 404);
                clock.advance(Duration.ofMillis(100));
            }
            if (entered(second) > 0) {
                restartedAt = address;
            }
        }
        System.out.printf("review78 F1: the crowd going on started the mode again at its %dth site%n", restartedAt);
        assertThat(restartedAt)
                .as("the site whose misses started the mode again")
                .isBetween(10, 14);
    }

    /**
     * review78: the spent counts weigh again once ten sites failed for the first time in a slow window since the
     * mode, whoever they are. After the crowd stopped, a shop's own customers mistyping a card once each and then
     * finding it (ten of them, one every 20 s) are those ten, and the tenth customer's typo starts the mode again on
     * the crowd's old failures alone: no guess of anyone's since the mode, and every new customer refused for five
     * more minutes.
     */
    @Test
    void tenCustomersMistypingOnceAfterTheModeDoNotStartItAgain() {
        FailureGuard guard = guard(giftCards());
        AbuseGuard engine = engine(guard);
        int code = 0;
        for (int address = 1; address <= 12; address++) {
            for (int guess = 0; guess < 10; guess++) {
                exchange(engine, lookUp("100.80.0." + address, "GUESS-" + code++), 404);
                clock.advance(Duration.ofMillis(100));
            }
        }
        assertThat(entered(guard))
                .as("twelve addresses' 120 misses started the mode")
                .isEqualTo(1);

        clock.advance(Duration.ofMinutes(5).plusSeconds(10)); // the mode is over; the crowd is gone
        int restartedAt = 0;
        for (int customer = 1; customer <= 10; customer++) {
            // a customer mistypes its card once, then finds it
            exchange(engine, lookUp("10.7.0." + customer, "GIFT-20" + customer + "X"), 404);
            exchange(engine, lookUp("10.7.0." + customer, "GIFT-20" + customer), 200);
            if (restartedAt == 0 && entered(guard) > 1) {
                restartedAt = customer;
            }
            clock.advance(Duration.ofSeconds(20));
        }
        System.out.printf(
                "review78 F2: the mode entered %d times, again at customer %d's typo%n", entered(guard), restartedAt);
        assertThat(entered(guard))
                .as("ten customers' typos and no guess start no mode")
                .isEqualTo(1);
    }

    private static long entered(FailureGuard guard) {
        return guard.baselines().get("giftcards").get("timesEntered").longValue();
    }

    /** The same guesses without the look-ups, for comparison: the mode starts in the first windows. */
    @Test
    void giftCardGuessesFromManyAddressesStartTheMode() {
        FailureGuard guard = guard(giftCards());
        AbuseGuard engine = engine(guard);

        int through = guessesAmongLookUpsOfOneCard(engine, 1);

        assertThat(through).as("of 900 guesses, those before the mode").isLessThan(60);
    }

    /**
     * A redemption route of one fixed path, the code in the body, keyed by address without {@code distinct},
     * under {@code history: resource}: every success would be the same "resource" and count once per window, so
     * 100 redemptions a second at their usual 5% of mistyped codes (50 per window at a ratio of 0.05) started
     * the mode (review13). The path names no resource there, so each client's success counts, as elsewhere.
     */
    @Test
    void redemptionsOnAFixedPathAtTheirUsualMissRateAreNoAttack() {
        FailureRule redeem = perAddressUnderResourceHistory("redeem", "/api/redeem", "POST");
        FailureGuard guard = guard(redeem);
        AbuseGuard engine = engine(guard);
        int refused = 0;
        for (int j = 0; j < 12_000; j++) { // two minutes from 4,000 customers' addresses
            clock.advance(Duration.ofMillis(10));
            GuardRequest request = GuardRequest.builder("POST", "/api/redeem")
                    .route("/api/redeem")
                    .client("10.1." + (j % 4_000 / 250) + "." + (j % 250 + 1))
                    .header("User-Agent", BROWSER)
                    .header("Accept-Language", "en")
                    .build();
            if (!exchange(engine, request, j % 20 == 7 ? 404 : 200)) {
                refused++;
            }
        }

        assertThat(guard.baselines().get("redeem").get("timesEntered").longValue())
                .as("times the mode was entered (%d of 12,000 redemptions refused)", refused)
                .isZero();
    }
}
