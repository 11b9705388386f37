package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adaptive per-endpoint rate bound: 100 clients poll a scores endpoint 1 to 10 times per 10 s window;
 * the bound is 5 × the learned p99 (at least 20 requests), after 5 learned windows.
 */
class RateBaselineTest {
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final int CLIENTS = 100;

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    @BeforeEach
    void startAtAWindowBoundary() {
        clock.advance(Duration.ofSeconds(9)); // the fake clock starts 1 s into a window
    }

    private VolumeGuard guard(RateBaseline rates) {
        return VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(99)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(1024)
                        .rateBaseline(rates)
                        .build())
                .build();
    }

    private static RateBaseline settings(Action action, int score) {
        return new RateBaseline(WINDOW, 5.0, 20, 5, action, score);
    }

    private static GuardRequest poll(int client) {
        return GuardRequest.builder("GET", "/api/scores/finals")
                .client("198.51." + (client / 250) + "." + (client % 250 + 1))
                .build();
    }

    /**
     * One window of everyone polling, {@code factor} times their usual 1 to 10 requests, interleaved in
     * rounds spread over the window; returns how many requests the guard did not allow.
     */
    private int window(VolumeGuard guard, int factor) {
        int touched = 0;
        int rounds = 10 * factor;
        Duration step = WINDOW.dividedBy(rounds + 1);
        for (int round = 0; round < rounds; round++) {
            for (int client = 0; client < CLIENTS; client++) {
                if (round < factor * (1 + client % 10)
                        && !guard.check(poll(client)).isAllow()) {
                    touched++;
                }
            }
            clock.advance(step);
        }
        clock.advance(WINDOW.minus(step.multipliedBy(rounds)));
        return touched;
    }

    /** Requests of one extra client in the current window, from address 203.0.113.7; the first not allowed. */
    private static Decision flood(VolumeGuard guard, int requests, int[] allowed) {
        return flood(guard, requests, allowed, "203.0.113.7");
    }

    private static Decision flood(VolumeGuard guard, int requests, int[] allowed, String address) {
        Decision last = Decision.allow();
        allowed[0] = 0;
        for (int i = 0; i < requests; i++) {
            Decision decision = guard.check(GuardRequest.builder("GET", "/api/scores/finals")
                    .client(address)
                    .build());
            if (decision.isAllow()) {
                allowed[0]++;
            } else if (last.isAllow()) {
                last = decision;
            }
        }
        return last;
    }

    @Test
    void noVerdictIsGivenBeforeTheLearningPeriodEnds() {
        VolumeGuard guard = guard(settings(Action.THROTTLE, 0));
        for (int learned = 0; learned < 5; learned++) {
            int[] allowed = new int[1];
            flood(guard, 2_000, allowed);
            assertThat(allowed[0]).as("window %d of learning", learned).isEqualTo(2_000);
            assertThat(window(guard, 1)).isZero();
        }
        int[] allowed = new int[1];
        assertThat(flood(guard, 2_000, allowed).isDeny()).as("learned now").isTrue();
    }

    @Test
    void floodersDuringTheLearningPeriodDoNotLiftTheBoundTheyAreMeasuredAgainst() {
        VolumeGuard guard = guard(settings(Action.THROTTLE, 0));
        for (int learned = 0; learned < 5; learned++) {
            int[] allowed = new int[1];
            flood(guard, 2_000, allowed, "203.0.113.7");
            flood(guard, 2_000, allowed, "203.0.113.8");
            window(guard, 1);
        }
        int[] allowed = new int[1];
        assertThat(flood(guard, 2_000, allowed).isDeny())
                .as("the flooders' own rate was not learned as the route's p99")
                .isTrue();
        assertThat(allowed[0]).isLessThan(2_000);
    }

    @Test
    void aClientRidingJustUnderTheBoundCannotRatchetItUp() {
        VolumeGuard guard = guard(settings(Action.THROTTLE, 0));
        for (int learned = 0; learned < 6; learned++) {
            window(guard, 1);
        }
        double first = rates(guard).get("bound").doubleValue();
        for (int round = 0; round < 10; round++) {
            // Each window two clients stay one request under the bound they are held to now: among 102
            // clients, the p99 is one of them.
            int justUnder = (int) rates(guard).get("bound").doubleValue() - 1;
            int[] allowed = new int[1];
            flood(guard, justUnder, allowed, "203.0.113.9");
            assertThat(allowed[0]).isEqualTo(justUnder);
            flood(guard, justUnder, allowed, "203.0.113.10");
            assertThat(allowed[0]).isEqualTo(justUnder);
            window(guard, 1);
        }
        assertThat(rates(guard).get("bound").doubleValue())
                .as("the learned tail is capped at 8 times the median, so the bound cannot grow without end")
                .isLessThan(5 * first);
    }

    @Test
    void aFlooderFarAboveItsPeersIsRefusedAndThePeersAreNot() {
        VolumeGuard guard = guard(settings(Action.THROTTLE, 0));
        for (int learned = 0; learned < 6; learned++) {
            assertThat(window(guard, 1)).isZero();
        }
        Map<String, Number> learned = rates(guard);
        assertThat(learned.get("p50").doubleValue()).isBetween(5.0, 7.5);
        assertThat(learned.get("p99").doubleValue()).isBetween(10.0, 12.5);
        double bound = learned.get("bound").doubleValue();
        assertThat(bound).isEqualTo(5 * learned.get("p99").doubleValue());

        int[] allowed = new int[1];
        Decision refused = flood(guard, 500, allowed);
        assertThat(allowed[0]).as("allowed up to the bound, not beyond").isEqualTo((int) bound);
        assertThat(refused.isDeny()).isTrue();
        assertThat(refused.action()).isEqualTo(Action.THROTTLE);
        assertThat(refused.reason()).isEqualTo(VolumeGuard.RATE_ABOVE_BASELINE);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(window(guard, 1)).as("the peers in the same window").isZero();
    }

    @Test
    void aQuietRoutesCountsReachAnotherInstanceSharingTheStoreWithinASecond() {
        VolumeGuard first = guard(settings(Action.THROTTLE, 0));
        VolumeGuard second = guard(settings(Action.THROTTLE, 0));
        for (int client = 0; client < 12; client++) {
            assertThat(first.check(poll(client)).isAllow()).isTrue();
        }
        assertThat(second.check(poll(12)).isAllow()).isTrue();
        clock.advance(Duration.ofMillis(1500));
        assertThat(first.check(poll(13)).isAllow())
                .as("a second later: the first instance adds what it held back")
                .isTrue();
        clock.advance(WINDOW);
        assertThat(second.check(poll(12)).isAllow()).isTrue();

        assertThat(rates(second).get("windowsLearned"))
                .as("the second instance learned the window from the shared histogram")
                .isEqualTo(1L);
        assertThat(rates(second).get("clientsPerWindow").doubleValue())
                .as("every client of the window, 13 of them counted by the other instance")
                .isEqualTo(14.0);
    }

    @Test
    void aReportAtAWindowsStartLeavesTheFinishedWindowsLastRequestsInIt() {
        VolumeGuard guard = guard(new RateBaseline(WINDOW, 5.0, 20, 1, Action.THROTTLE, 0));
        window(guard, 1);
        window(guard, 1);
        assertThat(rates(guard).get("bound")) // read as a dashboard would, before the next window's first request
                .as("learned from the first window")
                .isNotNull();
        window(guard, 1);

        Map<String, Number> learned = rates(guard);
        assertThat(learned.get("windowsLearned")).isEqualTo(2L);
        assertThat(learned.get("p99").doubleValue())
                .as("the window's last requests (the busiest clients' tenth, bucket up to 12) learned in it")
                .isEqualTo(12.0);
        assertThat(learned.get("p50").doubleValue()).isEqualTo(6.0);
    }

    @Test
    void instancesWithARulesPathsInAnotherOrderCountEachTemplateApart() {
        VolumeGuard[] instances = {
            rolledOut("/api/scores/{game}", "/api/teams/{team}"), rolledOut("/api/teams/{team}", "/api/scores/{game}")
        };
        String client = "203.0.113.7";
        for (int i = 0; i < 15; i++) {
            assertThat(instances[0].check(get("/api/scores/finals", client)).isAllow())
                    .isTrue();
            assertThat(instances[1].check(get("/api/teams/blue", client)).isAllow())
                    .as("the other template's counts are not this one's, though at the same position")
                    .isTrue();
        }
        for (int i = 0; i < 5; i++) {
            assertThat(instances[i % 2].check(get("/api/scores/finals", client)).isAllow())
                    .isTrue();
        }
        assertThat(instances[1].check(get("/api/scores/finals", client)).isDeny())
                .as("the 21st look-up of one template, over the floor of 20, counted across both instances")
                .isTrue();
    }

    @Test
    void aTemplatesCounterIdDependsOnItsTextNotItsPlace() {
        int[] ids = VolumeGuard.RuleState.slotIds(List.of("/api/scores/{game}", "/api/teams/{team}", "/api/x"));
        int[] reordered = VolumeGuard.RuleState.slotIds(List.of("/api/x", "/api/scores/{game}", "/api/teams/{team}"));
        assertThat(reordered).containsExactly(ids[2], ids[0], ids[1]);
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(java.util.Arrays.stream(ids).min().orElseThrow()).isNotNegative();
        assertThat(VolumeGuard.RuleState.slotIds(List.of("/api/x", "/api/x")))
                .as("a path listed twice is one template")
                .containsExactly(ids[2], ids[2]);
    }

    /** An instance of a rolling deploy: a rule with a learned baseline (the floor of 20 applies). */
    private VolumeGuard rolledOut(String... paths) {
        DistinctRule.Builder rule = DistinctRule.builder("scores")
                .methods("GET")
                .maxDistinct(1024)
                .rateBaseline(settings(Action.THROTTLE, 0));
        for (String path : paths) {
            rule.path(path);
        }
        VolumeGuard guard = VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(99)
                .rule(rule.build())
                .build();
        guard.importBaselines("{\"scores\":{\"rates\":{"
                + "\"/api/scores/{game}\":{\"p50\":1,\"p90\":1,\"p99\":1,\"clients\":100,\"windows\":100},"
                + "\"/api/teams/{team}\":{\"p50\":1,\"p90\":1,\"p99\":1,\"clients\":100,\"windows\":100}}}}");
        return guard;
    }

    private static GuardRequest get(String path, String address) {
        return GuardRequest.builder("GET", path).client(address).build();
    }

    @Test
    void aClientOverTheBoundStaysRefusedIntoTheNextWindow() {
        VolumeGuard guard = guard(settings(Action.THROTTLE, 0));
        for (int learned = 0; learned < 6; learned++) {
            window(guard, 1);
        }
        clock.advance(WINDOW.dividedBy(2));
        int[] allowed = new int[1];
        flood(guard, 200, allowed);
        clock.advance(WINDOW.dividedBy(2).plusSeconds(1));
        assertThat(flood(guard, 1, allowed).isDeny())
                .as("a fresh window does not reset the flooder")
                .isTrue();
        clock.advance(WINDOW);
        assertThat(flood(guard, 1, allowed).isAllow())
                .as("one window later it may start again")
                .isTrue();
    }

    @Test
    void theFloorHoldsWhenTheLearnedRatesAreTiny() {
        VolumeGuard guard = guard(new RateBaseline(WINDOW, 2.0, 40, 3, Action.THROTTLE, 0));
        for (int learned = 0; learned < 4; learned++) {
            for (int client = 0; client < CLIENTS; client++) {
                assertThat(guard.check(poll(client)).isAllow()).isTrue();
            }
            clock.advance(WINDOW);
        }
        assertThat(rates(guard).get("p99").doubleValue()).isLessThan(2.0);
        int[] allowed = new int[1];
        Decision refused = flood(guard, 60, allowed);
        assertThat(allowed[0]).as("2 × p99 is under 4; the floor of 40 wins").isEqualTo(40);
        assertThat(refused.isDeny()).isTrue();
    }

    @Test
    void aSurgeOfEveryoneIsNotPunished() {
        VolumeGuard guard = guard(settings(Action.THROTTLE, 0));
        for (int learned = 0; learned < 6; learned++) {
            window(guard, 1);
        }
        double plainBound = rates(guard).get("bound").doubleValue();
        assertThat(20 * 10)
                .as("the heaviest pollers of the surge pass the plain bound")
                .isGreaterThan((int) plainBound);
        for (int surge = 0; surge < 3; surge++) {
            assertThat(window(guard, 20))
                    .as("surge window %d: everyone polls 20 times as often", surge)
                    .isZero();
        }
        assertThat(window(guard, 1)).isZero();
    }

    @Test
    void aFlooderIsStillRefusedDuringASurgeWhenFarAboveTheSurgingPeers() {
        VolumeGuard guard = guard(settings(Action.THROTTLE, 0));
        for (int learned = 0; learned < 6; learned++) {
            window(guard, 1);
        }
        window(guard, 4);
        int[] allowed = new int[1];
        for (int client = 0; client < CLIENTS; client++) {
            for (int i = 0; i < 4 * (1 + client % 10); i++) {
                guard.check(poll(client));
            }
        }
        assertThat(flood(guard, 5_000, allowed).isDeny()).isTrue();
        assertThat(allowed[0]).isGreaterThan(60).isLessThan(5_000);
    }

    @Test
    void theBaselineForgetsOldWindows() {
        VolumeGuard guard = guard(settings(Action.THROTTLE, 0));
        for (int learned = 0; learned < 6; learned++) {
            window(guard, 1);
        }
        double before = rates(guard).get("p99").doubleValue();
        for (int heavier = 0; heavier < 40; heavier++) {
            window(guard, 5);
        }
        double heavy = rates(guard).get("p99").doubleValue();
        assertThat(heavy).as("the population now polls five times as often").isGreaterThan(4 * before);
        int[] allowed = new int[1];
        flood(guard, 150, allowed);
        assertThat(allowed[0]).as("150 requests are normal by now").isEqualTo(150);
        clock.advance(WINDOW.multipliedBy(2));
        for (int lighter = 0; lighter < 40; lighter++) {
            window(guard, 1);
        }
        assertThat(rates(guard).get("p99").doubleValue()).isLessThan(1.5 * before);
        assertThat(flood(guard, 150, allowed).isDeny())
                .as("and are not any more")
                .isTrue();
    }

    @Test
    void theDefaultIsMonitorFirstAndOnlyReports() {
        assertThat(RateBaseline.defaults().action()).isEqualTo(Action.LOG);
        VolumeGuard guard = guard(settings(RateBaseline.DEFAULT_ACTION, 0));
        for (int learned = 0; learned < 6; learned++) {
            window(guard, 1);
        }
        int[] allowed = new int[1];
        Decision reported = flood(guard, 500, allowed);
        assertThat(reported.isDeny()).isTrue();
        assertThat(reported.action()).isEqualTo(Action.LOG);
        assertThat(reported.action().passesRequestOn()).isTrue();
    }

    @Test
    void aScoreFlagsInsteadOfRefusing() {
        VolumeGuard guard = guard(settings(Action.THROTTLE, 40));
        for (int learned = 0; learned < 6; learned++) {
            window(guard, 1);
        }
        int[] allowed = new int[1];
        Decision flagged = flood(guard, 500, allowed);
        assertThat(flagged.isFlag()).isTrue();
        assertThat(flagged.score()).isEqualTo(40);
        assertThat(flagged.reason()).isEqualTo(VolumeGuard.RATE_ABOVE_BASELINE);
    }

    @Test
    void exportedBaselinesStartAnotherInstanceWithoutALearningPeriod() {
        VolumeGuard learned = guard(settings(Action.THROTTLE, 0));
        for (int window = 0; window < 6; window++) {
            window(learned, 1);
        }
        String exported = learned.exportBaselines();

        VolumeGuard fresh = VolumeGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .timeSource(clock)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(1024)
                        .rateBaseline(settings(Action.THROTTLE, 0))
                        .build())
                .build();
        int[] allowed = new int[1];
        assertThat(flood(fresh, 500, allowed).isAllow()).as("still learning").isTrue();
        fresh.importBaselines(exported);
        assertThat(fresh.baselines()).isEqualTo(learned.baselines());
        clock.advance(WINDOW);
        assertThat(flood(fresh, 500, allowed).isDeny()).isTrue();
        assertThat(allowed[0]).isEqualTo(rates(learned).get("bound").intValue());
    }

    @Test
    void malformedOrHostileBaselinesAreRefusedAndNothingIsImported() {
        VolumeGuard guard = guard(settings(Action.THROTTLE, 0));
        String before = guard.exportBaselines();
        for (String bad : new String[] {
            "[]",
            "{\"scores\":{\"rates\":{\"/api/scores/{game}\":{\"p50\":-1,\"p90\":1,\"p99\":2,\"windows\":9}}}}",
            "{\"scores\":{\"rates\":{\"/api/scores/{game}\":{\"p50\":5,\"p90\":1,\"p99\":2,\"windows\":9}}}}",
            "{\"scores\":{\"rates\":{\"/api/scores/{game}\":{\"p50\":1,\"p90\":1,\"p99\":1e300,\"windows\":9}}}}",
            "{\"scores\":{\"rates\":{\"/api/scores/{game}\":{\"p50\":\"1\"}}}}",
            "{\"scores\":{\"rates\":{\"/api/scores/{game}\":{\"p42\":1}}}}",
            "{\"scores\":{\"surprise\":{}}}",
            "{\"scores\":{\"rates\":{\"/api/scores/{game}\":{\"p50\":1,\"p90\":1,\"p99\":1,\"windows\":9}}}} {}",
            "{\"scores\":"
        }) {
            assertThatThrownBy(() -> guard.importBaselines(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(guard.exportBaselines()).isEqualTo(before);
        guard.importBaselines("{\"gone\":{\"rates\":{\"/old\":{\"p50\":1,\"p90\":1,\"p99\":1,\"windows\":1}}}}");
        assertThat(guard.exportBaselines())
                .as("rules that no longer exist are ignored")
                .isEqualTo(before);
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> new RateBaseline(Duration.ofMillis(10), 5, 20, 5, Action.LOG, 0))
                .hasMessageContaining("window");
        assertThatThrownBy(() -> new RateBaseline(WINDOW, 0.5, 20, 5, Action.LOG, 0))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RateBaseline(WINDOW, Double.NaN, 20, 5, Action.LOG, 0))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RateBaseline(WINDOW, 5, 0, 5, Action.LOG, 0))
                .hasMessageContaining("min-requests");
        assertThatThrownBy(() -> new RateBaseline(WINDOW, 5, 20, 0, Action.LOG, 0))
                .hasMessageContaining("learning-windows");
    }

    @Test
    void histogramBucketsHoldTheirCountsAndGrowFourPerDoubling() {
        long previousBucket = RouteRateWatch.bucket(1);
        for (long count = 1; count < 100_000; count++) {
            int bucket = RouteRateWatch.bucket(count);
            assertThat(bucket).isBetween(0, RouteRateWatch.BUCKETS - 1);
            assertThat(bucket).isGreaterThanOrEqualTo((int) previousBucket);
            if (bucket < RouteRateWatch.BUCKETS - 1) {
                assertThat((double) count).as("count %d", count).isLessThan(RouteRateWatch.upper(bucket));
                assertThat(RouteRateWatch.upper(bucket)).isLessThanOrEqualTo(1.25 * count + 1);
            }
            previousBucket = bucket;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Number> rates(VolumeGuard guard) {
        Map<String, Map<String, Number>> templates = (Map<String, Map<String, Number>>)
                guard.baselines().get("scores").get("rates");
        return templates.get("/api/scores/{game}");
    }
}
