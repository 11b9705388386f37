package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * probe83a F2's scenario, on any store: the sites that started an under-attack mode are remembered three durations
 * (then six, twelve...); when the failures that cross the mode's count are heard at once, on two instances or on one
 * instance's threads, each racing failure remembered the sites again, and a customer who mistyped once before the crowd
 * came was refused {@code site-under-attack} for up to 32 times as long.
 */
public final class ModeStartersRace {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final Duration DURATION = Duration.ofMinutes(2);

    private ModeStartersRace() {}

    /**
     * A customer mistypes once, a crowd of 35 sites fails on the gift cards, the last 20 of those failures {@code
     * racing} (heard at once) or one after another, alternating {@code instances}; then asserts that the customer is
     * refused no longer than three durations.
     */
    public static void play(AbuseGuard[] instances, FakeTimeSource clock, boolean racing) throws InterruptedException {
        for (AbuseGuard engine : instances) {
            exchange(engine, giftCard("192.0.2.59", "TYPO"), 404); // each hears the route fail with GET
        }
        // a customer who mistyped a code just before the crowd came
        exchange(instances[0], giftCard("203.0.113.50", "MISTYPED"), 404);
        // the crowd: 15 sites one after another, short of the mode's count of 20
        int site = 1;
        for (; site <= 15; site++) {
            exchange(instances[site % 2], giftCard("198.18.0." + site, "GUESS-" + site), 404);
        }
        // then 20 more sites' guesses, admitted, whose failures are heard together
        List<GuardRequest> admitted = new ArrayList<>();
        List<AbuseGuard> where = new ArrayList<>();
        for (int i = 0; i < 20; i++, site++) {
            GuardRequest guess = giftCard("198.18.0." + site, "GUESS-" + site);
            AbuseGuard engine = instances[site % 2];
            Decision decision = engine.evaluate(guess).decision();
            if (!decision.isDeny()) {
                admitted.add(guess);
                where.add(engine);
            } else {
                System.err.println("probe83a refused " + site + ": " + decision.reason());
            }
        }
        assertThat(admitted).hasSizeGreaterThanOrEqualTo(10);
        if (racing) {
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(admitted.size());
            for (int i = 0; i < admitted.size(); i++) {
                GuardRequest one = admitted.get(i);
                AbuseGuard engine = where.get(i);
                pool.submit(() -> {
                    go.await();
                    engine.complete(one, 404);
                    return null;
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        } else {
            for (int i = 0; i < admitted.size(); i++) {
                where.get(i).complete(admitted.get(i), 404);
            }
        }
        assertThat(instances[0]
                        .evaluate(giftCard("100.64.0.1", "NEW"))
                        .decision()
                        .reason())
                .as("the mode started")
                .isEqualTo("under-attack");
        // three durations (6 minutes) and more after: the mode and the sites' memory are over
        clock.advance(DURATION.multipliedBy(3).plusSeconds(30));
        long minutes = 6;
        Decision customer =
                instances[1].evaluate(giftCard("203.0.113.50", "RIGHT-CODE")).decision();
        while (customer.isDeny() && minutes < 9 * 60) {
            clock.advance(Duration.ofMinutes(1));
            minutes++;
            customer = instances[1]
                    .evaluate(giftCard("203.0.113.50", "RIGHT-CODE-" + minutes))
                    .decision();
        }
        assertThat(minutes)
                .as("minutes (after the crowd) the customer who mistyped once before it stays refused"
                        + " site-under-attack: three durations are 6")
                .isLessThanOrEqualTo(6);
    }

    private static void exchange(AbuseGuard engine, GuardRequest request, int status) {
        if (!engine.evaluate(request).decision().isDeny()) {
            engine.complete(request, status);
        }
    }

    private static GuardRequest giftCard(String address, String code) {
        return GuardRequest.builder("GET", "/api/giftcards/" + code)
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .build();
    }

    public static AbuseGuard engine(StateStore store, FakeTimeSource clock) {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(FailureGuard.builder()
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
                                        DURATION,
                                        Action.REJECT,
                                        EnumSet.allOf(UnderAttack.Signal.class),
                                        null,
                                        UnderAttack.History.RESOURCE))
                                .build())
                        .build())
                .timeSource(clock)
                .build();
        return engine;
    }
}
