package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * probe55a F1 across instances: while a route's mode is off, the requests it would refuse hold one of the route's
 * places until their outcomes are heard, at most the failures that start the mode. The places were each instance's
 * own, so a burst spread over three instances behind a load balancer put three times as many guesses in flight
 * before the mode; they are in the store, shared as the mode's counts are.
 */
class SharedRoutePlacesTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    @Test
    void aBurstSpreadOverThreeInstancesIsHeldToTheFailuresThatStartTheModeInAll() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (RedisStateStore storeA = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore storeB = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore storeC = RedisAvailability.store(uri, prefix, clock)) {
            List<AbuseGuard> instances = List.of(engine(storeA), engine(storeB), engine(storeC));
            List<GuardRequest> inFlight = new ArrayList<>();
            List<AbuseGuard> heldBy = new ArrayList<>();
            for (int a = 0; a < 90; a++) {
                AbuseGuard instance = instances.get(a % 3); // round robin
                GuardRequest guess = login("10." + (a + 1) + ".0.1");
                Evaluation evaluation = instance.evaluate(guess);
                if (evaluation.decision().isAllow()) {
                    inFlight.add(guess);
                    heldBy.add(instance);
                } else {
                    assertThat(evaluation.decision().reason()).isEqualTo("too-many-unknown-in-flight");
                }
            }

            assertThat(inFlight)
                    .as("in flight at once over three instances: min-failures (20)")
                    .hasSize(20);
            for (int i = 0; i < inFlight.size(); i++) {
                heldBy.get(i).complete(inFlight.get(i), 200);
            }
            assertThat(instances.get(1).evaluate(login("10.200.0.1")).decision().isAllow())
                    .as("places given back with the outcomes, through the instance that held each")
                    .isTrue();
        }
    }

    /**
     * probe62 F3 across instances: a request waiting in one instance's tarpit (then: pass) gives its place back to the
     * store for the delay, so the other instances' newcomers take it; when the delay ends it takes one again, and with
     * all taken it is refused, its in-flight slot given back.
     */
    @Test
    void aRequestWaitingInOneInstancesTarpitLeavesItsPlaceToTheOthersAndTakesOneAgainAfter() throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
        try (RedisStateStore storeA = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore storeB = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard a = engine(storeA, true);
            AbuseGuard b = engine(storeB, true);
            GuardRequest waiting = login("10.7.0.1", "tarpitted/1");
            Evaluation held = a.evaluate(waiting);
            assertThat(held.decision().action()).isEqualTo(Action.TARPIT);
            a.waiting(waiting, held);

            List<GuardRequest> newcomers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                GuardRequest newcomer = login("10." + (i + 1) + ".0.1");
                assertThat(b.evaluate(newcomer).decision().isAllow())
                        .as("newcomer %d on the other instance while the request waits", i)
                        .isTrue();
                newcomers.add(newcomer);
            }
            assertThat(a.resumed(waiting, held).reason())
                    .as("every place taken when its delay ends")
                    .isEqualTo("too-many-unknown-in-flight");
            for (GuardRequest newcomer : newcomers) {
                b.complete(newcomer, 200);
            }

            GuardRequest again = login("10.7.0.1", "tarpitted/1");
            Evaluation heldAgain = a.evaluate(again);
            a.waiting(again, heldAgain);
            assertThat(a.resumed(again, heldAgain))
                    .as("places given back with the outcomes")
                    .isNull();
            a.complete(again, 200);
        }
    }

    private AbuseGuard engine(RedisStateStore store) {
        return engine(store, false);
    }

    /** {@code tarpitting}: with a guard after the failure guard that tarpits the user agent {@code tarpitted/1}. */
    private AbuseGuard engine(RedisStateStore store, boolean tarpitting) {
        FailureGuard guard = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .methods("POST")
                        .maxRetry(10)
                        .underAttack(new UnderAttack(
                                Duration.ofSeconds(10),
                                5.0,
                                20,
                                0.2,
                                Duration.ofMinutes(2),
                                Action.REJECT,
                                EnumSet.allOf(UnderAttack.Signal.class),
                                null))
                        .build())
                .build();
        AbuseGuard.Builder engine = AbuseGuard.builder().guard(guard).timeSource(clock);
        if (tarpitting) {
            engine.guard(new io.github.abuseguard.Guard() {
                @Override
                public String name() {
                    return "tarpit";
                }

                @Override
                public io.github.abuseguard.Decision check(GuardRequest request) {
                    return "tarpitted/1".equals(request.header("User-Agent"))
                            ? io.github.abuseguard.Decision.deny(Action.TARPIT)
                                    .guard("tarpit")
                                    .reason("slow-down")
                                    .build()
                            : io.github.abuseguard.Decision.allow();
                }
            });
        }
        return engine.build();
    }

    private static GuardRequest login(String address) {
        return login(address, "python-requests/2.31");
    }

    private static GuardRequest login(String address, String userAgent) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", userAgent)
                .body("application/json", "{\"username\":\"victim\"}")
                .build();
    }
}
