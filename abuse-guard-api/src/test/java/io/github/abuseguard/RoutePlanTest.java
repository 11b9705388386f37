package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutePlanTest {

    /** A guard scoped to one path pattern and method, that records what it was asked. */
    private static final class ScopedGuard implements Guard {
        private final String name;
        private final RequestMatcher scope;
        final List<String> checked = new ArrayList<>();
        final List<String> observed = new ArrayList<>();
        int planned;

        ScopedGuard(String name, String pattern, String method) {
            this.name = name;
            this.scope = RequestMatcher.of(List.of(PathPattern.parse(pattern)), java.util.Set.of(method));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean mayApply(String method, PathPattern route) {
            planned++;
            return scope.mayMatchRoute(method, route);
        }

        @Override
        public Decision check(GuardRequest request) {
            checked.add(request.method() + " " + request.path());
            return scope.matches(request.method(), request.path())
                    ? Decision.deny(Action.REJECT).guard(name).reason("scoped").build()
                    : Decision.allow();
        }

        @Override
        public void observe(GuardRequest request, int status) {
            observed.add(request.path());
        }
    }

    private static GuardRequest request(String method, String path, String route) {
        return GuardRequest.builder(method, path).route(route).build();
    }

    @Test
    void aGuardWhoseRulesNameAnotherRouteIsNotAskedAboutThisOne() {
        ScopedGuard giftcards = new ScopedGuard("giftcards", "/api/giftcards/{code}", "GET");
        AbuseGuard engine = AbuseGuard.builder().guard(giftcards).build();

        engine.evaluate(request("GET", "/api/scores/chess", "/api/scores/{game}"));
        engine.complete(request("GET", "/api/scores/chess", "/api/scores/{game}"), 200);
        Evaluation denied = engine.evaluate(request("GET", "/api/giftcards/X1", "/api/giftcards/{code}"));

        assertThat(giftcards.checked).containsExactly("GET /api/giftcards/X1");
        assertThat(giftcards.observed).isEmpty();
        assertThat(denied.isDenied()).isTrue();
    }

    @Test
    void aRouteIsPlannedOncePerMethodNotOncePerRequest() {
        ScopedGuard giftcards = new ScopedGuard("giftcards", "/api/giftcards/{code}", "GET");
        AbuseGuard engine = AbuseGuard.builder().guard(giftcards).build();

        for (int i = 0; i < 5; i++) {
            engine.evaluate(request("GET", "/api/scores/game" + i, "/api/scores/{game}"));
            engine.evaluate(request("POST", "/api/giftcards/C" + i, "/api/giftcards/{code}"));
        }

        assertThat(giftcards.planned).isEqualTo(2);
        assertThat(giftcards.checked).isEmpty(); // a POST is outside the rule's methods
    }

    @Test
    void aRouteThePathDoesNotBelongToCostsThePlanNotTheCheck() {
        ScopedGuard giftcards = new ScopedGuard("giftcards", "/api/giftcards/{code}", "GET");
        AbuseGuard engine = AbuseGuard.builder().guard(giftcards).build();

        // An adapter that names the wrong route, or a route in a syntax of its own, must not let a
        // request slip past the guards of the path it really has.
        Evaluation evaluation = engine.evaluate(request("GET", "/api/giftcards/X1", "/api/scores/{game}"));

        assertThat(evaluation.isDenied()).isTrue();
    }

    @Test
    void anExemptPatternCoveringTheRouteExemptsItsRequestsWithoutAskingAnyGuard() {
        ScopedGuard everything = new ScopedGuard("everything", "/**", "GET");
        AbuseGuard engine = AbuseGuard.builder()
                .exemptRoute("/actuator/**")
                .guard(everything)
                .build();

        Evaluation evaluation = engine.evaluate(request("GET", "/actuator/health", "/actuator/health"));

        assertThat(evaluation.isDenied()).isFalse();
        assertThat(everything.checked).isEmpty();
    }

    @ParameterizedTest(name = "{0} of route {1} is checked")
    @CsvSource({
        "/actuator/health/, /actuator/health",
        "//actuator/health, /actuator/health",
        "/actuator//health, /actuator/health",
        "/actuator/health/liveness/, /actuator/health/liveness",
        "/files/robots.txt/, /files/{name}",
    })
    void anExemptPatternExemptsNoTrailingSlashOrEmptySegmentVariantOfItsPath(String path, String route) {
        ScopedGuard everything = new ScopedGuard("everything", "/**", "GET");
        AbuseGuard engine = AbuseGuard.builder()
                .exemptRoute("/actuator/health")
                .exemptRoute("/actuator/health/liveness")
                .exemptRoute("/files/robots.txt")
                .guard(everything)
                .build();

        assertThat(engine.evaluate(request("GET", path, route)).isDenied())
                .as("a security configuration may send this path to a password check: it is no exempt path")
                .isTrue();
        engine.complete(request("GET", path, route), 401);
        assertThat(everything.observed).as("its failures are counted").hasSize(1);
        assertThat(engine.evaluate(request("GET", path, null)).isDenied())
                .as("without a route either")
                .isTrue();
        assertThat(engine.evaluate(request("GET", route.replace("{name}", "robots.txt"), route))
                        .isDenied())
                .as("the exact path stays exempt")
                .isFalse();
    }

    @Test
    void anExemptPatternCoveringSomePathsOfTheRouteExemptsExactlyThose() {
        ScopedGuard files = new ScopedGuard("files", "/files/{name}", "GET");
        AbuseGuard engine = AbuseGuard.builder()
                .exemptRoute("/files/robots.txt")
                .guard(files)
                .build();

        Evaluation exempt = engine.evaluate(request("GET", "/files/robots.txt", "/files/{name}"));
        Evaluation checked = engine.evaluate(request("GET", "/files/secret", "/files/{name}"));

        assertThat(exempt.isDenied()).isFalse();
        assertThat(checked.isDenied()).isTrue();
    }

    @Test
    void aMonitoredRouteOnlyReportsWhatItsPlanAsksAbout() {
        ScopedGuard files = new ScopedGuard("files", "/files/{name}", "GET");
        AbuseGuard engine =
                AbuseGuard.builder().monitoredRoute("/files/**").guard(files).build();

        Evaluation evaluation = engine.evaluate(request("GET", "/files/a", "/files/{name}"));

        assertThat(evaluation.isDenied()).isFalse();
        assertThat(evaluation.signals()).extracting(Decision::reason).containsExactly("scoped");
    }

    @Test
    void requestsWithoutARouteAskEveryGuard() {
        ScopedGuard giftcards = new ScopedGuard("giftcards", "/api/giftcards/{code}", "GET");
        AbuseGuard engine = AbuseGuard.builder().guard(giftcards).build();

        engine.evaluate(GuardRequest.builder("GET", "/api/scores/chess").build());

        assertThat(giftcards.checked).containsExactly("GET /api/scores/chess");
        assertThat(giftcards.planned).isZero();
    }

    @Test
    void unusualMethodTokensAreCheckedWithoutAPlanAndLeaveTheRoutesPlanToRealMethods() {
        ScopedGuard giftcards = new ScopedGuard("giftcards", "/api/giftcards/{code}", "GET");
        AbuseGuard engine = AbuseGuard.builder().guard(giftcards).build();
        for (int i = 0; i < 2 * AbuseGuard.MAX_METHODS_PER_ROUTE; i++) {
            engine.evaluate(request("M" + (char) ('A' + i), "/api/giftcards/X", "/api/giftcards/{code}"));
        }
        assertThat(giftcards.planned).as("junk methods take no plan slot").isZero();
        assertThat(giftcards.checked).hasSize(2 * AbuseGuard.MAX_METHODS_PER_ROUTE);

        Evaluation evaluation = engine.evaluate(request("GET", "/api/giftcards/X", "/api/giftcards/{code}"));

        assertThat(giftcards.planned).as("GET still gets its plan").isEqualTo(1);
        assertThat(evaluation.isDenied()).isTrue();
    }

    @Test
    void aGuardsConstantHeadersReachEveryResponseAndChangingHintsAreNeverMixedUp() {
        Decision vary = Decision.allowWithHeaders(java.util.Map.of("Vary", "Origin"));
        Decision varyMore = Decision.allowWithHeaders(java.util.Map.of("Vary", "Origin, Authorization"));
        int[] calls = {0};
        Guard alternating = new Guard() {
            @Override
            public String name() {
                return "alternating";
            }

            @Override
            public Decision check(GuardRequest request) {
                int call = calls[0]++;
                if (call % 3 == 2) {
                    return Decision.allow(List.of(new RateLimitStatus("per-ip", 10, 60, 9 - call, 60)));
                }
                return call % 3 == 0 ? vary : varyMore;
            }
        };
        AbuseGuard engine = AbuseGuard.builder().guard(alternating).build();

        for (int i = 0; i < 9; i++) {
            Evaluation evaluation = engine.evaluate(request("GET", "/api/scores/chess", "/api/scores/{game}"));
            assertThat(evaluation.isDenied()).isFalse();
            assertThat(evaluation.signals()).isEmpty();
            switch (i % 3) {
                case 0 ->
                    assertThat(evaluation.responseHeaders()).containsExactly(java.util.Map.entry("Vary", "Origin"));
                case 1 ->
                    assertThat(evaluation.responseHeaders())
                            .containsExactly(java.util.Map.entry("Vary", "Origin, Authorization"));
                default -> {
                    assertThat(evaluation.responseHeaders()).isEmpty();
                    assertThat(evaluation.hints().rateLimitField()).isEqualTo("\"per-ip\";r=" + (9 - i) + ";t=60");
                }
            }
        }
        Evaluation first = engine.evaluate(request("GET", "/api/scores/chess", "/api/scores/{game}"));
        engine.evaluate(request("GET", "/api/scores/go", "/api/scores/{game}"));
        engine.evaluate(request("GET", "/api/scores/go", "/api/scores/{game}"));
        Evaluation fourthLater = engine.evaluate(request("GET", "/api/scores/go", "/api/scores/{game}"));
        assertThat(fourthLater.responseHeaders()).containsExactly(java.util.Map.entry("Vary", "Origin"));
        assertThat(fourthLater)
                .as("a route's constant headers cost no evaluation per request")
                .isSameAs(first);
    }

    /** A guard of every route that learns from outcomes and keeps a history, reading nothing of the request. */
    private static final class Learner implements Guard {
        int observed;
        int historiesAsked;

        @Override
        public String name() {
            return "learner";
        }

        @Override
        public boolean watches(String method, PathPattern route) {
            return true;
        }

        @Override
        public Decision check(GuardRequest request) {
            return Decision.allow();
        }

        @Override
        public boolean lacksHistory(GuardRequest request) {
            historiesAsked++;
            return false;
        }

        @Override
        public void observe(GuardRequest request, int status, boolean watched) {
            observed++;
        }
    }

    @Test
    void theOutcomeOfAnEvaluatedRequestIsHeardByThePlanItWasDecidedByWithoutLookingItUpAgain() {
        Learner learner = new Learner();
        AbuseGuard engine = AbuseGuard.builder().guard(learner).build();
        PathReads request = new PathReads(request("GET", "/api/scores/chess", "/api/scores/{game}"));

        Evaluation evaluation = engine.evaluate(request);
        int readsToDecide = request.reads;
        engine.awaitsHistory(request, evaluation);
        engine.complete(request, evaluation, 200);

        assertThat(request.reads).as("the plan's path match is not repeated").isEqualTo(readsToDecide);
        assertThat(learner.historiesAsked).isEqualTo(1);
        assertThat(learner.observed).isEqualTo(1);
        engine.complete(request, 200);
        assertThat(request.reads)
                .as("without its evaluation the plan is looked up")
                .isGreaterThan(readsToDecide);
        assertThat(learner.observed).isEqualTo(2);
    }

    @Test
    void anEvaluationOfAnotherRouteOrOfAnotherEngineIsNeverTakenForTheRequestsPlan() {
        ScopedGuard giftcards = new ScopedGuard("giftcards", "/api/giftcards/{code}", "GET");
        AbuseGuard engine = AbuseGuard.builder().guard(giftcards).build();
        AbuseGuard other = AbuseGuard.builder()
                .guard(new ScopedGuard("elsewhere", "/elsewhere", "GET"))
                .build();

        // the plan of the scores route asks no guard; nor does the other engine's plan of the gift cards
        Evaluation scores = engine.evaluate(request("GET", "/api/scores/chess", "/api/scores/{game}"));
        Evaluation foreign = other.evaluate(request("GET", "/api/giftcards/X2", "/api/giftcards/{code}"));
        engine.complete(request("GET", "/api/giftcards/X1", "/api/giftcards/{code}"), scores, 200);
        engine.complete(request("POST", "/api/giftcards/X1", "/api/giftcards/{code}"), scores, 200);
        engine.complete(request("GET", "/api/giftcards/X2", "/api/giftcards/{code}"), foreign, 200);

        assertThat(giftcards.observed).containsExactly("/api/giftcards/X1", "/api/giftcards/X2");
    }
}
