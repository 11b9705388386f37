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

    private AbuseGuard engine(RedisStateStore store) {
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
        return AbuseGuard.builder().guard(guard).timeSource(clock).build();
    }

    private static GuardRequest login(String address) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", "python-requests/2.31")
                .body("application/json", "{\"username\":\"victim\"}")
                .build();
    }
}
