package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A route's plan says which of a rule guard's rules apply to its requests: a rule that covers every path
 * of the route applies without matching the path, a rule that covers none is skipped, and a rule that
 * covers some is still matched per request.
 */
class RulePlanTest {
    private static final String SCORES = "/api/scores/{game}";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    private static RateLimitRule limit(String name, String path, long capacity, String... methods) {
        RateLimitRule.Builder rule =
                RateLimitRule.builder(name).path(path).limit(Limit.of(capacity, Duration.ofHours(1)));
        if (methods.length > 0) {
            rule.methods(methods);
        }
        return rule.build();
    }

    private RateLimitGuard rateLimits(RateLimitRule... rules) {
        RateLimitGuard.Builder builder = RateLimitGuard.builder().store(store);
        for (RateLimitRule rule : rules) {
            builder.rule(rule);
        }
        return builder.build();
    }

    private static GuardRequest request(String method, String path, String route) {
        return GuardRequest.builder(method, path)
                .route(route)
                .client("198.51.100.7")
                .build();
    }

    private static List<String> limitsOf(Evaluation evaluation) {
        return evaluation.rateLimits().stream().map(RateLimitStatus::policy).toList();
    }

    @Test
    void aRuleNarrowerThanTheRouteIsStillMatchedAgainstEachPath() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(rateLimits(limit("chess", "/api/scores/chess", 1)))
                .build();

        for (int i = 0; i < 3; i++) {
            assertThat(engine.evaluate(request("GET", "/api/scores/go", SCORES)).isDenied())
                    .as("a sibling path of the narrow rule's route is not counted by it")
                    .isFalse();
        }
        assertThat(engine.evaluate(request("GET", "/api/scores/chess", SCORES)).isDenied())
                .isFalse();
        assertThat(engine.evaluate(request("GET", "/api/scores/chess", SCORES)).isDenied())
                .isTrue();
    }

    @Test
    void ofSeveralRulesOfOneGuardOnlyThoseOfTheRequestsPathAndMethodCountIt() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(rateLimits(
                        limit("all", "/api/**", 100),
                        limit("chess", "/api/scores/chess", 100),
                        limit("other", "/other/**", 100),
                        limit("game", "/api/scores/{game}", 100),
                        limit("writes", "/api/scores/*", 100, "POST")))
                .build();

        assertThat(limitsOf(engine.evaluate(request("GET", "/api/scores/go", SCORES))))
                .containsExactly("all", "game");
        assertThat(limitsOf(engine.evaluate(request("GET", "/api/scores/chess", SCORES))))
                .containsExactly("all", "chess", "game");
        assertThat(limitsOf(engine.evaluate(request("POST", "/api/scores/go", SCORES))))
                .containsExactly("all", "game", "writes");
        assertThat(limitsOf(engine.evaluate(request("HEAD", "/api/scores/go", SCORES))))
                .containsExactly("all", "game");
    }

    @Test
    void aRuleOfOtherMethodsDoesNotCountTheRoutesRequestsItsPathCovers() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(rateLimits(limit("writes", SCORES, 1, "POST"), limit("reads", "/api/scores/*", 1, "GET")))
                .build();

        assertThat(engine.evaluate(request("POST", "/api/scores/go", SCORES)).isDenied())
                .isFalse();
        assertThat(engine.evaluate(request("PUT", "/api/scores/go", SCORES)).isDenied())
                .as("neither rule names PUT")
                .isFalse();
        assertThat(engine.evaluate(request("PUT", "/api/scores/go", SCORES)).isDenied())
                .isFalse();
        assertThat(engine.evaluate(request("HEAD", "/api/scores/go", SCORES)).isDenied())
                .as("HEAD is served by the GET handler: the GET rule counts it")
                .isFalse();
        assertThat(engine.evaluate(request("GET", "/api/scores/go", SCORES)).isDenied())
                .isTrue();
        assertThat(engine.evaluate(request("POST", "/api/scores/go", SCORES)).isDenied())
                .isTrue();
    }

    @Test
    void aGuardOfMoreRulesThanAPlanHoldsMatchesEachRule() {
        List<RateLimitRule> rules = new ArrayList<>();
        rules.add(limit("all", "/api/**", 100));
        for (int i = 1; i < RuleGuard.MAX_PLANNED_RULES; i++) {
            rules.add(limit("filler-" + i, "/filler/" + i, 1));
        }
        rules.add(limit("other", "/other/**", 1)); // the 65th: past a bit per rule
        AbuseGuard engine = AbuseGuard.builder()
                .guard(rateLimits(rules.toArray(RateLimitRule[]::new)))
                .build();

        for (int i = 0; i < 3; i++) {
            assertThat(limitsOf(engine.evaluate(request("GET", "/api/scores/go", SCORES))))
                    .containsExactly("all");
        }
        assertThat(engine.evaluate(request("GET", "/other/x", "/other/{x}")).isDenied())
                .isFalse();
        assertThat(engine.evaluate(request("GET", "/other/x", "/other/{x}")).isDenied())
                .isTrue();
    }

    @Test
    void aRequestWhosePathIsNotOfTheRouteItNamesIsMatchedByEveryRule() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(rateLimits(limit("api", "/api/**", 1), limit("admin", "/admin/**", 1)))
                .build();

        for (int i = 0; i < 3; i++) {
            assertThat(engine.evaluate(request("GET", "/elsewhere", SCORES)).isDenied())
                    .as("the rule that covers the named route does not count a path it does not match")
                    .isFalse();
        }
        assertThat(engine.evaluate(request("GET", "/admin/users", SCORES)).isDenied())
                .isFalse();
        assertThat(engine.evaluate(request("GET", "/admin/users", SCORES)).isDenied())
                .as("a rule the named route is outside of still counts the path")
                .isTrue();
    }

    @Test
    void anExemptPathOfARouteIsCountedByNoRuleAndItsSiblingsByTheCoveringOne() {
        AbuseGuard engine = AbuseGuard.builder()
                .exemptRoute("/api/scores/chess")
                .guard(rateLimits(limit("all", "/api/**", 1)))
                .build();

        for (int i = 0; i < 3; i++) {
            assertThat(engine.evaluate(request("GET", "/api/scores/chess", SCORES))
                            .isDenied())
                    .isFalse();
        }
        assertThat(engine.evaluate(request("GET", "/api/scores/go", SCORES)).isDenied())
                .isFalse();
        assertThat(engine.evaluate(request("GET", "/api/scores/go", SCORES)).isDenied())
                .isTrue();
    }

    @Test
    void aMonitoredRouteReportsTheDenialsOfTheRulesThatApplyOnly() {
        AbuseGuard engine = AbuseGuard.builder()
                .monitoredRoute(SCORES)
                .guard(rateLimits(limit("chess", "/api/scores/chess", 1), limit("game", SCORES, 1)))
                .build();

        engine.evaluate(request("GET", "/api/scores/chess", SCORES));
        Evaluation second = engine.evaluate(request("GET", "/api/scores/chess", SCORES));
        Evaluation sibling = engine.evaluate(request("GET", "/api/scores/go", SCORES));

        assertThat(second.isDenied()).isFalse();
        assertThat(second.signals()).extracting(Decision::rule).containsExactly("chess");
        assertThat(sibling.isDenied()).isFalse();
        assertThat(sibling.signals())
                .as("the first request spent the route's 'game' token; 'chess' does not count the sibling path")
                .extracting(Decision::rule)
                .containsExactly("game");
    }

    @Test
    void aRefusedRequestGivesBackOnlyTheTokensOfTheRulesThatApplyToIt() {
        Guard refuseGo = new Guard() {
            @Override
            public String name() {
                return "refuse-go";
            }

            @Override
            public Decision check(GuardRequest request) {
                return request.path().endsWith("/go")
                        ? Decision.deny(Action.REJECT)
                                .guard(name())
                                .reason("go")
                                .build()
                        : Decision.allow();
            }
        };
        AbuseGuard engine = AbuseGuard.builder()
                .guard(rateLimits(limit("all", "/api/**", 100), limit("chess", "/api/scores/chess", 1)))
                .guard(refuseGo)
                .build();

        assertThat(engine.evaluate(request("GET", "/api/scores/chess", SCORES)).isDenied())
                .isFalse();
        Evaluation go = engine.evaluate(request("GET", "/api/scores/go", SCORES));
        Evaluation chess = engine.evaluate(request("GET", "/api/scores/chess", SCORES));

        assertThat(go.decision().reason()).isEqualTo("go");
        assertThat(chess.decision().rule())
                .as("the refused sibling path gave 'chess' no token it never took")
                .isEqualTo("chess");
    }

    @Test
    void failuresOnASiblingPathAreNotCountedByANarrowRuleWhenTheOutcomeIsHeard() {
        FailureGuard failures = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("chess")
                        .path("/api/scores/chess")
                        .maxRetry(2)
                        .build())
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(failures).timeSource(clock).build();

        for (int i = 0; i < 5; i++) {
            GuardRequest go = request("GET", "/api/scores/go", SCORES);
            engine.complete(go, engine.evaluate(go), 401);
        }
        GuardRequest chess = request("GET", "/api/scores/chess", SCORES);
        Evaluation first = engine.evaluate(chess);
        engine.complete(chess, first, 401);
        GuardRequest again = request("GET", "/api/scores/chess", SCORES);
        Evaluation second = engine.evaluate(again);
        engine.complete(again, second, 401);

        assertThat(first.isDenied()).isFalse();
        assertThat(second.isDenied()).isFalse();
        assertThat(engine.evaluate(request("GET", "/api/scores/chess", SCORES)).isDenied())
                .as("its own two failures ban the client")
                .isTrue();
    }

    /** A guard that records, per rule, whether it applied and whether the request's path was read for it. */
    private static final class Probe extends RuleGuard<RateLimitRule> {
        final List<String> seen = new ArrayList<>();
        /** Another guard asked with this guard's selection, when set. */
        Probe peer;

        Probe(List<RateLimitRule> rules) {
            super("probe", rules);
        }

        @Override
        public Decision check(GuardRequest request) {
            return check(request, eachRuleMatched());
        }

        @Override
        protected Decision check(GuardRequest request, Applying applying) {
            PathReads reads = (PathReads) request;
            for (int i = 0; i < rules().size(); i++) {
                int before = reads.reads;
                boolean applies = applies(applying, i, request);
                seen.add(rules().get(i).name()
                        + (applies ? " applies" : " skipped")
                        + (reads.reads > before ? ", path read" : ""));
            }
            if (peer != null) {
                seen.add("peer's " + peer.rules().get(0).name()
                        + (peer.applies(applying, 0, request) ? " applies" : " skipped"));
            }
            return Decision.allow();
        }
    }

    @Test
    void aRuleThatCoversTheRouteOrNoneOfItIsDecidedWithoutMatchingThePathAgain() {
        Probe probe = new Probe(List.of(
                limit("covers", "/api/scores/*", 1),
                limit("some", "/api/scores/chess", 1),
                limit("none", "/other/**", 1),
                limit("other-method", SCORES, 1, "POST")));
        AbuseGuard engine = AbuseGuard.builder().guard(probe).build();

        engine.evaluate(new PathReads(request("GET", "/api/scores/go", SCORES)));

        assertThat(probe.seen)
                .containsExactly("covers applies", "some skipped, path read", "none skipped", "other-method skipped");
        probe.seen.clear();

        probe.check(new PathReads(request("GET", "/api/scores/go", SCORES)));

        assertThat(probe.seen)
                .as("without the engine's plan each rule is matched, as before plans")
                .containsExactly(
                        "covers applies, path read",
                        "some skipped, path read",
                        "none skipped, path read",
                        "other-method skipped, path read");
    }

    @Test
    void aSelectionWorkedOutForAnotherGuardsRulesIsNotTakenForThisGuards() {
        Probe other = new Probe(List.of(limit("other", "/other/**", 1)));
        Probe probe = new Probe(List.of(limit("covers", "/api/**", 1)));
        probe.peer = other;
        AbuseGuard engine = AbuseGuard.builder().guard(probe).build();

        engine.evaluate(new PathReads(request("GET", "/api/scores/go", SCORES)));

        assertThat(probe.seen).containsExactly("covers applies", "peer's other skipped");
    }
}
