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
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * review160: the site mode's neighbour attempts (probe85e F1 fix, FailureGuard.refusedAtSite + RouteSurge.admitsNeighbour)
 * under {@code history: resource}, attacked with many /64s of one /48 that proved before the mode (probe73a F1).
 */
class Review160SiteNeighbourAttemptsTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    private FailureGuard guard;

    private AbuseGuard giftCards() {
        guard = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("giftcards")
                        .path("/api/giftcards/{code}")
                        .statuses("404")
                        .maxRetry(10)
                        .underAttack(new UnderAttack(
                                Duration.ofSeconds(10),
                                5.0,
                                20,
                                0.2,
                                Duration.ofMinutes(2),
                                Action.REJECT,
                                EnumSet.allOf(UnderAttack.Signal.class),
                                null,
                                UnderAttack.History.RESOURCE))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(guard).timeSource(clock).build();
        exchange(engine, giftCard("192.0.2.59", "TYPO"), 404); // the route hears GET fail
        return engine;
    }

    private static GuardRequest giftCard(String address, String code) {
        return GuardRequest.builder("GET", "/api/giftcards/" + code)
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .build();
    }

    private static GuardRequest proven(GuardRequest request) {
        request.historySettled(true);
        return request;
    }

    private static void prove(AbuseGuard engine, String address) {
        GuardRequest page = proven(GuardRequest.builder("GET", "/")
                .client(address)
                .header("User-Agent", BROWSER)
                .build());
        engine.vouch(page);
    }

    private static Decision exchange(AbuseGuard engine, GuardRequest request, int status) {
        Evaluation evaluation = engine.evaluate(request);
        if (!evaluation.decision().isDeny() || evaluation.decision().action().passesRequestOn()) {
            engine.complete(request, status);
        }
        return evaluation.decision();
    }

    private static String slash64(int prefix) {
        return "2001:db8:160:" + Integer.toHexString(prefix) + "::/64";
    }

    /** 3 unproved /64s of the /48 fail 7 times each: the /48 is under attack on its own (not the route). */
    private void siteUnderAttack(AbuseGuard engine) {
        for (int prefix = 0; prefix < 3; prefix++) {
            for (int i = 0; i < 7; i++) {
                exchange(engine, giftCard("2001:db8:160:ff0" + prefix + "::/64", "START-" + prefix + "-" + i), 404);
            }
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(exchange(engine, proven(giftCard("2001:db8:160:fff0::/64", "FRESH")), 404)
                        .reason())
                .as("the /48 is under attack on its own")
                .isEqualTo("site-under-attack");
        assertThat(guard.underAttack()).as("the route itself is not").isEmpty();
    }

    /**
     * F1 (regression, DoS): before d407ecb9 a neighbour that looked its own card up before the mode kept it during the
     * /48's mode whatever the attacker did (proved /64s could not fail on a card they never looked up). Now 40 /64s
     * the attacker proved beforehand fail once each on new cards, spend the site's budget, and every /64 of the /48 is
     * refused, the neighbour's own card too, for the rest of find-time.
     */
    @Test
    void anAttackerCannotNowSpendTheSitesBudgetAndTakeANeighboursOwnCard() {
        AbuseGuard engine = giftCards();
        String neighbour = "2001:db8:160:4242::/64";
        prove(engine, neighbour);
        assertThat(exchange(engine, proven(giftCard(neighbour, "GIFT-1000")), 200)
                        .isAllow())
                .isTrue();
        for (int prefix = 0; prefix < 40; prefix++) {
            prove(engine, slash64(prefix));
        }
        clock.advance(Duration.ofHours(1));
        siteUnderAttack(engine);
        assertThat(exchange(engine, proven(giftCard(neighbour, "GIFT-1000")), 200)
                        .isAllow())
                .as("the neighbour's own card during the site's mode")
                .isTrue();
        int reached = 0;
        for (int prefix = 0; prefix < 40; prefix++) {
            clock.advance(Duration.ofSeconds(1));
            if (exchange(engine, proven(giftCard(slash64(prefix), "SPEND-" + prefix)), 404)
                    .isAllow()) {
                reached++;
            }
        }
        clock.advance(Duration.ofSeconds(1));
        Decision own = exchange(engine, proven(giftCard(neighbour, "GIFT-1000")), 200);
        System.out.println("REVIEW160 F2: attacker reached " + reached + "; neighbour's own card: " + own.reason());
        assertThat(own.isAllow())
                .as("the neighbour's own card, after 40 proved /64s failed once each on new cards (" + reached
                        + " reached); before d407ecb9 they could not fail at all during the mode")
                .isTrue();
    }
}
