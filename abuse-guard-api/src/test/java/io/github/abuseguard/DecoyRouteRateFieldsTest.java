package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.origin.OriginGuard;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.OnlyReads;
import io.github.abuseguard.volume.VolumeGuard;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * probe73b F1 (stop 69): a route where another guard answers with a decoy (a scraper over a volume bound, a crowd
 * under a failure rule's under-attack mode, a clone site's origin) carried {@code RateLimit} fields on its real
 * answers and none on its decoys, so one request told a decoy apart. The engine now reports no rate-limit state
 * on any request such a rule watches, allowed or refused, whichever guard may decoy; elsewhere the fields stay.
 */
class DecoyRouteRateFieldsTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    private RateLimitGuard everyApiRequest() {
        return RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("api")
                        .path("/api/**")
                        .limit(Limit.of(1_000, Duration.ofMinutes(1)))
                        .build())
                .build();
    }

    private static GuardRequest get(String path, String route) {
        return GuardRequest.builder("GET", path)
                .route(route)
                .client("203.0.113.7")
                .header("User-Agent", "Mozilla/5.0")
                .build();
    }

    private static GuardRequest unrouted(String method, String path) {
        return GuardRequest.builder(method, path).client("203.0.113.8").build();
    }

    @Test
    void aRouteAVolumeRuleDecoysOnCarriesNoRateLimitStateWhileOtherRoutesKeepIt() {
        VolumeGuard volume = VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(1234)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(3)
                        .action(Action.DECOY)
                        .build())
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(everyApiRequest()).guard(volume).build();

        Evaluation real = engine.evaluate(get("/api/scores/chess", "/api/scores/{game}"));
        assertThat(real.decision().isAllow()).isTrue();
        assertThat(real.hints().hasRateLimits())
                .as("the real answer carries no field its decoys would lack")
                .isFalse();
        for (int game = 0; game < 5; game++) {
            engine.evaluate(get("/api/scores/game-" + game, "/api/scores/{game}"));
        }
        Evaluation decoy = engine.evaluate(get("/api/scores/go", "/api/scores/{game}"));
        assertThat(decoy.decision().action()).isEqualTo(Action.DECOY);
        assertThat(decoy.hints().hasRateLimits()).isFalse();

        assertThat(engine.evaluate(get("/api/players/7", "/api/players/{id}"))
                        .hints()
                        .rateLimits())
                .as("a route no decoying rule watches keeps its fields")
                .singleElement()
                .extracting(RateLimitStatus::policy)
                .isEqualTo("api");
        assertThat(engine.evaluate(unrouted("GET", "/api/scores/shogi")).hints().hasRateLimits())
                .as("a path without a route, matched against the rule's path")
                .isFalse();
        assertThat(engine.evaluate(unrouted("GET", "/api/other")).hints().hasRateLimits())
                .isTrue();
    }

    @Test
    void aRouteAFailureRulesUnderAttackModeDecoysOnCarriesNoRateLimitState() {
        UnderAttack decoying = new UnderAttack(
                Duration.ofSeconds(10),
                5.0,
                20,
                0.2,
                Duration.ofMinutes(2),
                Action.DECOY,
                EnumSet.allOf(UnderAttack.Signal.class),
                null);
        FailureGuard failure = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .methods("POST")
                        .underAttack(decoying)
                        .build())
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(everyApiRequest()).guard(failure).build();

        assertThat(engine.evaluate(unrouted("POST", "/api/login")).hints().hasRateLimits())
                .isFalse();
        assertThat(engine.evaluate(unrouted("GET", "/api/login")).hints().hasRateLimits())
                .as("the rule watches POST only")
                .isTrue();
    }

    @Test
    void aRouteAnOriginRuleDecoysOnCarriesNoRateLimitState() {
        OriginGuard origin = OriginGuard.of(List.of(OriginRule.builder("api")
                .path("/api/orders")
                .allowOrigin("https://shop.example")
                .action(Action.DECOY)
                .build()));
        AbuseGuard engine =
                AbuseGuard.builder().guard(everyApiRequest()).guard(origin).build();

        assertThat(engine.evaluate(unrouted("POST", "/api/orders")).hints().hasRateLimits())
                .isFalse();
        assertThat(engine.evaluate(get("/api/orders", "/api/orders")).hints().hasRateLimits())
                .as("an origin rule watches the unsafe methods")
                .isTrue();
        assertThat(engine.evaluate(get("/api/players/7", "/api/players/{id}"))
                        .hints()
                        .hasRateLimits())
                .isTrue();
    }

    @Test
    void aRiskScoreAnsweredWithADecoyLeavesTheFieldsOffEveryRequest() {
        AbuseGuard decoying = AbuseGuard.builder()
                .guard(everyApiRequest())
                .riskThreshold(100)
                .riskAction(Action.DECOY)
                .build();
        AbuseGuard refusing = AbuseGuard.builder()
                .guard(everyApiRequest())
                .riskThreshold(100)
                .riskAction(Action.REJECT)
                .build();

        assertThat(decoying.evaluate(get("/api/players/7", "/api/players/{id}"))
                        .hints()
                        .hasRateLimits())
                .isFalse();
        assertThat(refusing.evaluate(get("/api/players/7", "/api/players/{id}"))
                        .hints()
                        .hasRateLimits())
                .isTrue();
    }

    private static OriginGuard decoyingOrigin() {
        return OriginGuard.of(List.of(OriginRule.builder("shop")
                .path("/api/orders")
                .allowOrigin("https://shop.example")
                .action(Action.DECOY)
                .build()));
    }

    private static GuardRequest order() {
        return GuardRequest.builder("POST", "/api/orders")
                .route("/api/orders")
                .client("203.0.113.9")
                .header("Origin", "https://shop.example")
                .build();
    }

    /**
     * review133 F3: a rule that may decoy took the fields off even where it can answer nothing: a guard in monitor mode,
     * a monitored route, a signal that only flags.
     */
    @Test
    void aDecoyingGuardInMonitorModeLeavesTheRouteItsRateLimitFields() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(everyApiRequest())
                .guard(decoyingOrigin(), Mode.MONITOR)
                .build();

        Evaluation evaluation = engine.evaluate(order());
        assertThat(evaluation.decision().isAllow()).isTrue();
        assertThat(evaluation.hints().hasRateLimits())
                .as("a monitored guard answers no request with a decoy: there is no decoy to tell apart")
                .isTrue();
    }

    /**
     * An "only reads" signal with a score is a flag, whatever its action (read only when the score is 0): this rule never
     * decoys, and with no risk threshold nothing else does.
     */
    @Test
    void anOnlyReadsSignalThatFlagsLeavesTheRouteItsRateLimitFields() {
        RateLimitGuard items = RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("items")
                        .path("/api/items/{id}")
                        .limit(Limit.of(100, Duration.ofMinutes(1)))
                        .build())
                .build();
        VolumeGuard volume = VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(1234)
                .rule(DistinctRule.builder("items")
                        .path("/api/items/{id}")
                        .methods("GET")
                        .maxDistinct(500)
                        .onlyReads(new OnlyReads(20, 50, Action.DECOY))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(items).guard(volume).build();

        GuardRequest item = GuardRequest.builder("GET", "/api/items/7")
                .route("/api/items/{id}")
                .client("203.0.113.10")
                .build();
        assertThat(engine.evaluate(item).hints().hasRateLimits())
                .as("a flag of score 50 is no decoy")
                .isTrue();
    }

    @Test
    void aMonitoredRouteKeepsItsRateLimitFields() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(everyApiRequest())
                .guard(decoyingOrigin())
                .monitoredRoute("/api/orders")
                .build();

        assertThat(engine.evaluate(order()).hints().hasRateLimits())
                .as("every denial on a monitored route is only reported")
                .isTrue();
    }

    /**
     * probe80a: the rule read the guard's mode only. A live switch of one rule (README "Live control":
     * {@code {"guard":"origin","rule":"shop","mode":"monitor"}}) was honoured by the deny path and ignored by the
     * fields path: the rule answered no request with a decoy, yet honest clients lost their RateLimit fields.
     */
    @Test
    void aDecoyingRuleSwitchedLiveToMonitorLeavesTheRouteItsRateLimitFields() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(everyApiRequest())
                .guard(decoyingOrigin())
                .build();
        engine.switchMode("origin", "shop", Mode.MONITOR);

        Evaluation evaluation = engine.evaluate(order());
        assertThat(evaluation.decision().isAllow()).isTrue();
        assertThat(evaluation.hints().hasRateLimits())
                .as("a monitored rule answers no request with a decoy: there is no decoy to tell apart")
                .isTrue();
    }

    /** A rate-limit guard with its own decoying rule on {@code /api/orders}. */
    private RateLimitGuard limitsWithOwnDecoy() {
        return RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("api")
                        .path("/api/**")
                        .limit(Limit.of(1_000, Duration.ofMinutes(1)))
                        .build())
                .rule(RateLimitRule.builder("orders")
                        .path("/api/orders")
                        .limit(Limit.of(100, Duration.ofMinutes(1)))
                        .action(Action.DECOY)
                        .build())
                .build();
    }

    /** probe80a: a rate-limit rule that decoys, in a rate-limit guard on trial: its own guard takes no fields off. */
    @Test
    void aMonitoredRateLimitGuardsOwnDecoyRuleLeavesTheRouteItsFields() {
        AbuseGuard engine =
                AbuseGuard.builder().guard(limitsWithOwnDecoy(), Mode.MONITOR).build();

        Evaluation evaluation = engine.evaluate(order());
        assertThat(evaluation.decision().isAllow()).isTrue();
        assertThat(evaluation.hints().hasRateLimits())
                .as("a guard in monitor mode decoys nothing (review133 F3)")
                .isTrue();
    }

    /**
     * review145 F4: a route on trial ({@code abuse-guard.routes.monitor}, {@code @AbuseGuardMonitor}) was not in the
     * guard's monitored-rule predicate: the guard still counted its own decoying rule as one that may answer and
     * dropped the fields of every rule it charged, though on that route no request is ever decoyed.
     */
    @Test
    void aMonitoredRouteKeepsItsFieldsBesideTheRateLimitGuardsOwnDecoyRule() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(limitsWithOwnDecoy())
                .monitoredRoute("/api/orders")
                .build();

        Evaluation evaluation = engine.evaluate(order());
        assertThat(evaluation.decision().isAllow()).isTrue();
        assertThat(evaluation.hints().hasRateLimits())
                .as("a route on trial decoys nothing, as a guard or rule on trial decoys nothing")
                .isTrue();
    }
}
