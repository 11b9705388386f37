package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A typo that is redeemed is not evidence against its site: a customer who mistyped and then signed in, from the
 * same address or IPv6 /48, just before a crowd started the mode is not remembered with the crowd (probe22 F4:
 * 10 of 10 fresh /64s of a typo's /48 refused the right password after the mode), while a crowd that signs in to
 * accounts of its own hides none of its guessing sites, and cannot start the mode again unremembered.
 */
class RedeemedTypoTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final Duration DURATION = Duration.ofMinutes(2);

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();
    private final FailureGuard guard = FailureGuard.builder()
            .store(store)
            .timeSource(clock)
            .rule(FailureRule.builder("login")
                    .path("/api/login")
                    .methods("POST")
                    .key("ip")
                    .distinct("body:/username")
                    .maxRetry(20)
                    .findTime(Duration.ofMinutes(10))
                    .underAttack(new UnderAttack(
                            Duration.ofSeconds(10),
                            5.0,
                            20,
                            0.2,
                            DURATION,
                            Action.REJECT,
                            EnumSet.allOf(UnderAttack.Signal.class),
                            null))
                    .build())
            .build();
    private final AbuseGuard engine =
            AbuseGuard.builder().guard(guard).timeSource(clock).build();

    private static GuardRequest login(String address, String username) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
    }

    /** Checks the sign-in and, unless refused, answers it {@code status}; answers the decision. */
    private Decision signIn(String address, String username, int status) {
        GuardRequest request = login(address, username);
        Evaluation evaluation = engine.evaluate(request);
        if (!evaluation.decision().isDeny()) {
            engine.complete(request, status);
        }
        return evaluation.decision();
    }

    /** Each of {@code sites} guesses at two user names of its own: a failure each, the site's share of a window. */
    private void guess(List<String> sites, String round) {
        for (String site : sites) {
            for (int g = 0; g < 2; g++) {
                signIn(site, "victim-" + site + "-" + round + "-" + g, 401);
            }
        }
    }

    private static List<String> sites(String prefix, int count) {
        List<String> sites = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            sites.add(prefix + n);
        }
        return sites;
    }

    private boolean remembered(String site) {
        return store.bans("failure:mode-starters:login").isBanned(site);
    }

    /** How many of ten fresh /64s of the /48 {@code prefix} are refused the right password. */
    private int freshPrefixesRefused(String prefix) {
        int refused = 0;
        for (int n = 1; n <= 10; n++) {
            refused += signIn(prefix + ":" + Integer.toHexString(0x100 + n) + "::1", "owner" + n, 200)
                            .isDeny()
                    ? 1
                    : 0;
        }
        return refused;
    }

    /**
     * probe22 F4: a customer of an IPv6 /48 mistypes once and signs in, seconds before a crowd of twelve
     * addresses starts the mode. Before, its /48 was remembered with the crowd and 10 of 10 fresh /64s of it were
     * refused the right password for three durations; now it is not. A customer of another /48 who mistyped and
     * did not sign in (yet) is still remembered, as is the crowd.
     */
    @Test
    void aCustomerWhoMistypedAndSignedInJustBeforeTheModeIsNotRememberedWithTheCrowd() {
        signIn("2001:db8:aaaa:1::1", "carol", 401);
        clock.advance(Duration.ofSeconds(2));
        signIn("2001:db8:aaaa:1::1", "carol", 200);
        signIn("2001:db8:bbbb:1::1", "dave", 401);
        clock.advance(Duration.ofSeconds(1));
        List<String> crowd = sites("198.18.0.", 12);
        guess(crowd, "a");
        assertThat(guard.underAttack()).containsExactly("login");

        clock.advance(DURATION.plusSeconds(1));
        assertThat(guard.underAttack()).isEmpty();

        assertThat(freshPrefixesRefused("2001:db8:aaaa"))
                .as("fresh /64s of the redeemed typo's /48 refused, of 10 (before: 10)")
                .isZero();
        assertThat(remembered(IpAddresses.site("2001:db8:aaaa:1::1")))
                .as("the redeemed typo's /48")
                .isFalse();
        assertThat(freshPrefixesRefused("2001:db8:bbbb"))
                .as("fresh /64s of the /48 of a typo not redeemed, of 10")
                .isEqualTo(10);
        // the two typos and nine sites' guesses started it: the other three were refused by the mode
        for (String site : crowd.subList(0, 9)) {
            assertThat(signIn(site, "later-" + site, 401).reason()).as(site).isEqualTo("site-under-attack");
        }
    }

    /**
     * A crowd that signs in to an account of its own after guessing at victims' (and even mistypes that account
     * first, to redeem that failure) hides none of its sites: the guesses at the victims' accounts are not
     * redeemed, so every site of the crowd is remembered, whether or not ten other sites made the mode.
     */
    @Test
    void signingInToAnOwnAccountAfterGuessingHidesNoGuessingSite() {
        List<String> plain = sites("198.18.1.", 10);
        List<String> hiding = sites("198.18.2.", 5);
        for (String site : plain) {
            signIn(site, "victim-" + site, 401);
        }
        // ten failures more start the mode at the last hiding site's: ten other sites are in it besides
        for (String site : hiding) {
            signIn(site, "victim-" + site, 401);
            signIn(site, "own-" + site, 401);
            signIn(site, "own-" + site, 200);
        }
        assertThat(guard.underAttack()).containsExactly("login");
        for (String site : hiding) {
            assertThat(remembered(site)).as(site).isTrue();
        }

        clock.advance(DURATION.plusSeconds(1));
        // Signed in, each has a history and passes; but its failures are no evidence: with five fresh sites, the
        // ten would start the mode again.
        List<String> again = new ArrayList<>(hiding);
        again.addAll(sites("198.18.6.", 5));
        guess(again, "b");
        assertThat(guard.underAttack())
                .as("started again with the hiding sites")
                .isEmpty();
    }

    /**
     * A crowd that fails only on accounts of its own and then signs in to them starts the mode (its failures are
     * failures), but cannot start it again as soon as it ends: fewer sites than could have started it had a
     * failure not redeemed, so every site is remembered, as before. Were the redeemed sites left out, nine of the
     * ten and one fresh address would start it again at once.
     */
    @Test
    void aCrowdRedeemingItsOwnFailuresCannotStartTheModeAgainAsSoonAsItEnds() {
        List<String> crowd = sites("198.18.3.", 10);
        for (String site : crowd) {
            for (String account : List.of("own-a-" + site, "own-b-" + site)) {
                signIn(site, account, 401);
                signIn(site, account, 200);
            }
        }
        assertThat(guard.underAttack()).containsExactly("login");
        clock.advance(DURATION.plusSeconds(1));
        assertThat(guard.underAttack()).isEmpty();

        List<String> again = new ArrayList<>(crowd.subList(0, 9));
        again.add("198.18.4.1");
        for (String site : again) {
            for (String account : List.of("own-c-" + site, "own-d-" + site)) {
                signIn(site, account, 401);
                signIn(site, account, 200);
            }
        }
        assertThat(guard.underAttack()).as("started again by one fresh address").isEmpty();
        assertThat(guard.baselines().get("login").get("timesEntered")).isEqualTo(1L);
    }

    /**
     * A success redeems only failures of its own method: under a rule for every method whose account is in the
     * query, the login page's {@code GET ?user=} answered 200 does not redeem a guess {@code POST}ed at that
     * account, or any guessing site could redeem its guesses with page loads.
     */
    @Test
    void aPageLoadNamingTheAccountRedeemsNoGuessPostedAtIt() {
        FailureGuard anyMethod = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .key("ip")
                        .distinct("query:user")
                        .maxRetry(20)
                        .underAttack(new UnderAttack(
                                Duration.ofSeconds(10),
                                5.0,
                                20,
                                0.2,
                                DURATION,
                                Action.REJECT,
                                EnumSet.allOf(UnderAttack.Signal.class),
                                null))
                        .build())
                .build();
        AbuseGuard pages =
                AbuseGuard.builder().guard(anyMethod).timeSource(clock).build();
        String guesser = "2001:db8:eeee:1::1";
        exchange(pages, queried("POST", guesser, "victim"), 401);
        exchange(pages, queried("GET", guesser, "victim"), 200);
        for (int site = 1; site <= 12; site++) {
            for (int g = 0; g < 2; g++) {
                exchange(pages, queried("POST", "198.18.7." + site, "victim-" + site + "-" + g), 401);
            }
        }
        assertThat(anyMethod.underAttack()).containsExactly("login");

        assertThat(remembered(IpAddresses.site(guesser))).isTrue();
    }

    private static GuardRequest queried(String method, String address, String user) {
        return GuardRequest.builder(method, "/api/login")
                .client(address)
                .queryParameter("user", user)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .build();
    }

    private static void exchange(AbuseGuard engine, GuardRequest request, int status) {
        if (!engine.evaluate(request).decision().isDeny()) {
            engine.complete(request, status);
        }
    }
}
