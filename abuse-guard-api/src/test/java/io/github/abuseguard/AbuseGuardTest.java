package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.abuseguard.testing.FakeTimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AbuseGuardTest {

    private final List<GuardEvent> events = new ArrayList<>();
    private final GuardListener recorder = new GuardListener() {
        @Override
        public void onEvent(GuardEvent event) {
            events.add(event);
        }
    };

    private static Guard denying(String name) {
        return guard(name, Decision.deny(Action.REJECT).guard(name).reason("no").build());
    }

    private static Guard flagging(String name, int score) {
        return guard(name, Decision.flag(name, "suspicious", score));
    }

    private static Guard guard(String name, Decision decision) {
        return new FixedAnswer(name, decision);
    }

    private static GuardRequest request(String path) {
        return GuardRequest.builder("GET", path).build();
    }

    @Test
    void anEnforcedDenialEndsTheEvaluation() {
        AtomicInteger laterChecks = new AtomicInteger();
        Guard later = new Guard() {
            @Override
            public String name() {
                return "later";
            }

            @Override
            public Decision check(GuardRequest request) {
                laterChecks.incrementAndGet();
                return Decision.allow();
            }
        };
        AbuseGuard engine = AbuseGuard.builder()
                .guard(denying("first"))
                .guard(later)
                .listener(recorder)
                .build();

        Evaluation evaluation = engine.evaluate(request("/x"));

        assertThat(evaluation.isDenied()).isTrue();
        assertThat(evaluation.decision().guard()).isEqualTo("first");
        assertThat(laterChecks).hasValue(0);
        assertThat(events).extracting(GuardEvent::kind).containsExactly(GuardEvent.Kind.DENY);
    }

    @Test
    void monitorModeDeniesNothingAndReportsEveryWouldBeDenial() {
        AbuseGuard engine = AbuseGuard.builder()
                .mode(Mode.MONITOR)
                .guard(denying("a"))
                .guard(denying("b"))
                .listener(recorder)
                .build();

        Evaluation evaluation = engine.evaluate(request("/x"));

        assertThat(evaluation.isDenied()).isFalse();
        assertThat(evaluation.signals()).extracting(Decision::guard).containsExactly("a", "b");
        assertThat(events)
                .extracting(GuardEvent::kind)
                .containsExactly(GuardEvent.Kind.WOULD_DENY, GuardEvent.Kind.WOULD_DENY);
    }

    @Test
    void aMonitoredGuardOnlyReportsWhileAnEnforcedOneDenies() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(denying("watched"), Mode.MONITOR)
                .guard(denying("enforced"))
                .listener(recorder)
                .build();

        Evaluation evaluation = engine.evaluate(request("/x"));

        assertThat(evaluation.decision().guard()).isEqualTo("enforced");
        assertThat(events)
                .extracting(GuardEvent::kind)
                .containsExactly(GuardEvent.Kind.WOULD_DENY, GuardEvent.Kind.DENY);
    }

    @Test
    void flagsAddUpToADenialAtTheRiskThreshold() {
        AbuseGuard engine = AbuseGuard.builder()
                .riskThreshold(50)
                .guard(flagging("ua", 30))
                .guard(flagging("cdn", 20))
                .listener(recorder)
                .build();

        Evaluation evaluation = engine.evaluate(request("/x"));

        assertThat(evaluation.riskScore()).isEqualTo(50);
        assertThat(evaluation.decision().guard()).isEqualTo(AbuseGuard.RISK);
        assertThat(evaluation.reasons()).containsExactly("risk-threshold", "suspicious", "suspicious");
    }

    @Test
    void flagsBelowTheThresholdPassAndFlagsOfMonitoredGuardsNeverDeny() {
        AbuseGuard engine = AbuseGuard.builder()
                .riskThreshold(50)
                .guard(flagging("ua", 30))
                .guard(flagging("cdn", 40), Mode.MONITOR)
                .listener(recorder)
                .build();

        Evaluation evaluation = engine.evaluate(request("/x"));

        assertThat(evaluation.isDenied()).isFalse();
        assertThat(evaluation.riskScore()).isEqualTo(70);
        assertThat(events).extracting(GuardEvent::kind).endsWith(GuardEvent.Kind.WOULD_DENY);
    }

    @Test
    void aThrowingGuardFailsOpenByDefaultAndIsReported() {
        Guard broken = new Guard() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Decision check(GuardRequest request) {
                throw new IllegalStateException("store down");
            }
        };
        AbuseGuard engine =
                AbuseGuard.builder().guard(broken).listener(recorder).build();

        Evaluation evaluation = engine.evaluate(request("/x"));

        assertThat(evaluation.isDenied()).isFalse();
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(GuardEvent.Kind.FAILED);
            assertThat(event.error()).hasMessage("store down");
        });
    }

    @Test
    void aThrowingGuardFailsClosedWith503WhenConfigured() {
        Guard broken = guard("broken", null);
        AbuseGuard engine = AbuseGuard.builder()
                .failurePolicy(FailurePolicy.FAIL_CLOSED)
                .guard(broken)
                .build();

        Decision decision = engine.evaluate(request("/x")).decision();

        assertThat(decision.isDeny()).isTrue();
        assertThat(decision.status()).isEqualTo(503);
        assertThat(decision.reason()).isEqualTo("guard-failure");
    }

    @Test
    void aThrowingListenerDoesNotBreakTheRequest() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(denying("a"))
                .listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent event) {
                        throw new IllegalStateException("listener bug");
                    }
                })
                .timeSource(new FakeTimeSource())
                .build();

        assertThat(engine.evaluate(request("/x")).isDenied()).isTrue();
    }

    @Test
    void exemptRoutesAreNotCheckedAndMonitoredRoutesOnlyReport() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(denying("a"))
                .exemptRoute("/health/**")
                .monitoredRoute("/beta/**")
                .listener(recorder)
                .build();

        assertThat(engine.evaluate(request("/health/live")).isDenied()).isFalse();
        assertThat(events).isEmpty();
        assertThat(engine.evaluate(request("/beta/x")).isDenied()).isFalse();
        assertThat(events).extracting(GuardEvent::kind).containsExactly(GuardEvent.Kind.WOULD_DENY);
        assertThat(engine.evaluate(request("/api/x")).isDenied()).isTrue();
    }

    @Test
    void anExemptPatternWithATrailingSlashOrEmptySegmentIsRefusedAtStartUp() {
        for (String pattern : List.of("/actuator/health/", "/actuator//health", "//health")) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> AbuseGuard.builder().exemptRoute(pattern))
                    .withMessageContaining("'" + pattern + "'")
                    .withMessageContaining("exactly");
        }
        assertThat(AbuseGuard.builder()
                        .exemptRoute("/")
                        .guard(denying("a"))
                        .build()
                        .evaluate(request("/")))
                .extracting(Evaluation::isDenied)
                .isEqualTo(false);
    }

    /**
     * probe45a F4: an exempt or monitored route may name its method, as a handler's marker does; the other methods
     * of the path stay checked and enforced. A {@code GET} covers {@code HEAD}.
     */
    @Test
    void anExemptOrMonitoredRouteOfOneMethodLeavesTheOtherMethodsOfItsPathChecked() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(denying("a"))
                .exemptRoute("GET /api/carts/{id}")
                .monitoredRoute("get /api/wishes/{id}")
                .build();
        for (int round = 0; round < 2; round++) { // the second through the route's plan
            for (String path : List.of("/api/carts/7", "/api/wishes/7")) {
                assertThat(engine.evaluate(GuardRequest.builder("GET", path).build())
                                .isDenied())
                        .as("GET " + path)
                        .isFalse();
                assertThat(engine.evaluate(GuardRequest.builder("HEAD", path).build())
                                .isDenied())
                        .as("HEAD " + path)
                        .isFalse();
                assertThat(engine.evaluate(GuardRequest.builder("POST", path).build())
                                .isDenied())
                        .as("POST " + path)
                        .isTrue();
            }
        }
        for (String path : List.of("/api/carts/7", "/api/wishes/7")) {
            assertThat(engine.evaluate(GuardRequest.builder("OPTIONS", path)
                                    .header("Origin", "https://partner.example")
                                    .header("Access-Control-Request-Method", "GET")
                                    .build())
                            .isDenied())
                    .as("review45 F2: the preflight of a marked GET, which Spring answers itself")
                    .isFalse();
            assertThat(engine.evaluate(GuardRequest.builder("OPTIONS", path)
                                    .header("Access-Control-Request-Method", "GET")
                                    .build())
                            .isDenied())
                    .as("probe45c F4: without Origin no preflight, an OPTIONS handler may serve it")
                    .isTrue();
            assertThat(engine.evaluate(GuardRequest.builder("OPTIONS", path)
                                    .header("Access-Control-Request-Method", "POST")
                                    .build())
                            .isDenied())
                    .as("the preflight of the POST")
                    .isTrue();
        }
        assertThat(engine.exemptRoutes()).extracting(Object::toString).containsExactly("GET /api/carts/{id}");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AbuseGuard.builder().exemptRoute("G-T /api/carts/{id}"))
                .withMessageContaining("not an HTTP method");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AbuseGuard.builder().exemptRoute("GET /api/carts/"))
                .withMessageContaining("exactly");
    }

    @Test
    void observersHearTheOutcomeOfRequestsTheyLetThrough() {
        List<Integer> statuses = new ArrayList<>();
        Guard learner = new Guard() {
            @Override
            public String name() {
                return "learner";
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.allow();
            }

            @Override
            public void observe(GuardRequest request, int status) {
                statuses.add(status);
            }
        };
        AbuseGuard engine = AbuseGuard.builder().guard(learner).build();

        assertThat(engine.observesOutcomes()).isTrue();
        engine.complete(request("/x"), 401);
        assertThat(statuses).containsExactly(401);
        assertThat(AbuseGuard.builder().guard(denying("a")).build().observesOutcomes())
                .isFalse();
    }

    @Test
    void onlyASuccessfulAnswerOnAWatchedPathIsToldWatchedAndAFailureCostsNoLookUp() {
        AtomicInteger lookUps = new AtomicInteger();
        List<Boolean> told = new ArrayList<>();
        Guard learner = new Guard() {
            @Override
            public String name() {
                return "learner";
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.allow();
            }

            @Override
            public boolean watches(String method, PathPattern route) {
                lookUps.incrementAndGet();
                return route.toString().equals("/");
            }

            @Override
            public void observe(GuardRequest request, int status, boolean watched) {
                told.add(watched);
            }
        };
        AbuseGuard engine = AbuseGuard.builder().guard(learner).build();

        engine.complete(request("/wp-login.php"), 404); // a scanner's miss: nothing to look up
        assertThat(lookUps).hasValue(0);
        engine.complete(request("/"), 200);
        engine.complete(request("/"), 500);
        assertThat(told).containsExactly(false, true, false);
        assertThat(lookUps).hasValue(1);
    }

    @Test
    void aTaggingDenialDoesNotStopLaterGuardsFromRefusing() {
        Guard tagger = guard(
                "tagger",
                Decision.deny(Action.TAG).guard("tagger").reason("suspicious").build());
        AbuseGuard engine =
                AbuseGuard.builder().guard(tagger).guard(denying("limit")).build();
        assertThat(engine.evaluate(request("/x")).decision().guard()).isEqualTo("limit");

        AbuseGuard tagOnly = AbuseGuard.builder().guard(tagger).build();
        Evaluation evaluation = tagOnly.evaluate(request("/x"));
        assertThat(evaluation.decision().action()).isEqualTo(Action.TAG);
        assertThat(evaluation.reasons()).containsExactly("suspicious");
    }

    @Test
    void aTarpittedRequestIsStillCheckedAndChargedByTheGuardsAfterTheTarpit() {
        Guard tarpit = guard(
                "failure",
                Decision.deny(Action.TARPIT)
                        .guard("failure")
                        .reason("too-many-distinct-failures")
                        .build());
        AtomicInteger checked = new AtomicInteger();
        Guard limit = new Guard() {
            @Override
            public String name() {
                return "rate-limit";
            }

            @Override
            public Decision check(GuardRequest request) {
                return checked.incrementAndGet() <= 3
                        ? Decision.allow()
                        : Decision.deny(Action.THROTTLE)
                                .guard("rate-limit")
                                .reason("rate-limited")
                                .build();
            }
        };
        AbuseGuard engine = AbuseGuard.builder().guard(tarpit).guard(limit).build();

        for (int i = 0; i < 3; i++) {
            assertThat(engine.evaluate(request("/api/login")).decision().action())
                    .as("held, then maybe passed on to the application")
                    .isEqualTo(Action.TARPIT);
        }
        assertThat(checked)
                .as("each tarpitted request was charged to the limit")
                .hasValue(3);
        Decision fourth = engine.evaluate(request("/api/login")).decision();
        assertThat(fourth.guard())
                .as("a limit the tarpitted requests used up refuses, whatever the tarpit would do")
                .isEqualTo("rate-limit");
        assertThat(fourth.action()).isEqualTo(Action.THROTTLE);
    }

    @Test
    void twoGuardsOfTheSameNameAreRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AbuseGuard.builder().guard(denying("a")).guard(denying("a")))
                .withMessageContaining("'a'");
    }

    /** A guard that holds something to release, such as a refresh thread. */
    private static final class HoldingGuard implements Guard, AutoCloseable {
        private final String name;
        private final List<String> closed;
        private final boolean failsToClose;

        HoldingGuard(String name, List<String> closed, boolean failsToClose) {
            this.name = name;
            this.closed = closed;
            this.failsToClose = failsToClose;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Decision check(GuardRequest request) {
            return Decision.allow();
        }

        @Override
        public void close() {
            closed.add(name);
            if (failsToClose) {
                throw new IllegalStateException("cannot close " + name);
            }
        }
    }

    @Test
    void closingTheEngineReleasesEveryHoldingGuardAndResourceOnceLastFirstEvenIfOneFails() {
        List<String> closed = new ArrayList<>();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(new HoldingGuard("first", closed, false))
                .guard(denying("plain"))
                .guard(new HoldingGuard("second", closed, true))
                .closing(() -> closed.add("store"))
                .build();

        engine.close();
        engine.close();

        assertThat(closed).containsExactly("second", "first", "store");
    }

    @Test
    void responseHeadersOfSeveralGuardsAreMergedNotOverwritten() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard("origin", Decision.allowWithHeaders(java.util.Map.of("Vary", "Origin, Sec-Fetch-Site"))))
                .guard(guard(
                        "language",
                        Decision.allowWithHeaders(
                                java.util.Map.of("vary", "Accept-Language, origin", "X-Trace", "second"))))
                .guard(guard(
                        "trace",
                        Decision.allowWithHeaders(java.util.Map.of("X-Trace", "third", "Cache-Control", "no-store"))))
                .build();

        java.util.Map<String, String> headers = engine.evaluate(request("/x")).responseHeaders();

        assertThat(headers)
                .containsEntry("Vary", "Origin, Sec-Fetch-Site, Accept-Language")
                .containsEntry("X-Trace", "second")
                .containsEntry("Cache-Control", "no-store")
                .hasSize(3);
    }

    @Test
    void anEngineHoldsAtMostSixtyFourGuards() {
        AbuseGuard.Builder builder = AbuseGuard.builder();
        for (int i = 0; i < AbuseGuard.MAX_GUARDS; i++) {
            builder.guard(guard("g" + i, Decision.allow()));
        }
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.guard(guard("one-too-many", Decision.allow())))
                .withMessageContaining("64");
    }

    @Test
    void theSixtyFourthGuardStillHearsThatARequestWasRefused() {
        AtomicInteger cancelled = new AtomicInteger();
        AbuseGuard.Builder builder = AbuseGuard.builder();
        for (int i = 0; i < AbuseGuard.MAX_GUARDS - 1; i++) {
            String name = "g" + i;
            builder.guard(new Guard() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public Decision check(GuardRequest request) {
                    return Decision.allow();
                }

                @Override
                public void cancel(GuardRequest request) {
                    cancelled.incrementAndGet();
                }
            });
        }
        builder.guard(denying("last"));

        assertThat(builder.build().evaluate(request("/x")).isDenied()).isTrue();
        assertThat(cancelled.get()).isEqualTo(AbuseGuard.MAX_GUARDS - 1);
    }

    @Test
    void aListenerThatTimesEvaluationsHearsEveryRequestAndOthersCostNoClockReading() {
        AtomicInteger clockReadings = new AtomicInteger();
        FakeTimeSource fake = new FakeTimeSource();
        TimeSource counting = new TimeSource() {
            @Override
            public long nanoTime() {
                clockReadings.incrementAndGet();
                return fake.nanoTime();
            }

            @Override
            public java.time.Instant instant() {
                return fake.instant();
            }
        };
        List<GuardEvent> events = new ArrayList<>();
        GuardListener eventLog = new GuardListener() {
            @Override
            public void onEvent(GuardEvent event) {
                events.add(event);
            }
        };
        AbuseGuard eventsOnly = AbuseGuard.builder()
                .guard(guard("quiet", Decision.allow()))
                .timeSource(counting)
                .listener(eventLog)
                .build();
        clockReadings.set(0); // building may read the clock; deciding must not

        eventsOnly.evaluate(request("/a"));
        assertThat(clockReadings).as("no listener times evaluations").hasValue(0);

        List<Evaluation> timed = new ArrayList<>();
        AbuseGuard withTimer = AbuseGuard.builder()
                .guard(guard("quiet", Decision.allow()))
                .timeSource(counting)
                .listener(eventLog)
                .listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent event) {}

                    @Override
                    public void onEvaluation(GuardRequest request, Evaluation evaluation, long elapsedNanos) {
                        timed.add(evaluation);
                    }
                })
                .build();
        clockReadings.set(0);
        withTimer.evaluate(request("/a"));
        withTimer.evaluate(request("/b"));

        assertThat(timed)
                .hasSize(2)
                .allSatisfy(evaluation -> assertThat(evaluation.isDenied()).isFalse());
        assertThat(clockReadings).hasValue(4);
        assertThat(events).isEmpty();
    }

    @Test
    void aTarpittedRequestRefusedInTheEndGivesBackWhatTheGuardsThatPassedItCharged() {
        AtomicInteger cancelled = new AtomicInteger();
        Guard charging = new Guard() {
            @Override
            public String name() {
                return "charging";
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.allow();
            }

            @Override
            public void cancel(GuardRequest request) {
                cancelled.incrementAndGet();
            }
        };
        Guard slowing = new Guard() {
            @Override
            public String name() {
                return "slowing";
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.deny(Action.TARPIT)
                        .guard(name())
                        .reason("slow-down")
                        .build();
            }
        };
        AbuseGuard engine = AbuseGuard.builder().guard(charging).guard(slowing).build();
        for (String route : new String[] {null, "/api/login"}) { // with and without the route's plan
            cancelled.set(0);
            GuardRequest request =
                    GuardRequest.builder("POST", "/api/login").route(route).build();

            Evaluation tarpitted = engine.evaluate(request);
            assertThat(tarpitted.decision().action()).isEqualTo(Action.TARPIT);
            assertThat(cancelled)
                    .as("kept while the tarpit may still pass it on")
                    .hasValue(0);

            engine.refused(request, tarpitted);
            assertThat(cancelled).hasValue(1);
        }
    }
}
