package io.github.abuseguard.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SequenceGuardTest {
    private static final String VERIFY = "POST /api/accounts/{id}/verify";
    private static final String PAY = "POST /api/accounts/{id}/payment-methods";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    private SequenceGuard.Builder guard() {
        return SequenceGuard.builder()
                .trails(store.trails("sequence", 20, Duration.ofMinutes(30)))
                .modelTrails(store.trails("sequence-model", 20, Duration.ofMinutes(30)))
                .inventory(EndpointInventory.withDefaults(clock))
                .timeSource(clock);
    }

    private static GuardRequest request(String method, String path, String route, String token) {
        return GuardRequest.builder(method, path)
                .route(route)
                .header("Authorization", "Bearer " + token)
                .build();
    }

    /** {@code request} from client key {@code client}. */
    private static GuardRequest from(String client, GuardRequest request) {
        return GuardRequest.builder(request.method(), request.path())
                .route(request.route())
                .client(client)
                .header("Authorization", request.header("Authorization"))
                .build();
    }

    private static GuardRequest verify(String token) {
        return request("POST", "/api/accounts/1/verify", "/api/accounts/{id}/verify", token);
    }

    private static GuardRequest pay(String token) {
        return request("POST", "/api/accounts/1/payment-methods", "/api/accounts/{id}/payment-methods", token);
    }

    /**
     * probe6 F3: made-up sessions answered 404 on the prior leave no trail, so a flood of them cannot push
     * out the trail of a user who verified (the probe's bound: 2,000 keys, 6,000 sessions x 3 verifies).
     */
    @Test
    void aFloodOfFailedPriorsFromMadeUpSessionsDoesNotEvictAVerifiedUsersStep() {
        LocalStateStore small =
                LocalStateStore.builder().maximumKeys(2_000).timeSource(clock).build();
        SequenceGuard sequence = SequenceGuard.builder()
                .trails(small.trails("sequence", 20, Duration.ofMinutes(30)))
                .inventory(EndpointInventory.withDefaults(clock))
                .timeSource(clock)
                .rule(new PrecedenceRule(
                        "verified-first",
                        PrecedenceRule.Kind.REQUIRES,
                        PAY,
                        VERIFY,
                        2,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "test"))
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(sequence).timeSource(clock).build();
        engine.complete(verify("alice"), 200);
        assertThat(engine.evaluate(pay("alice")).isDenied()).isFalse();
        for (int hit = 0; hit < 3; hit++) {
            for (int s = 0; s < 6_000; s++) {
                engine.complete(verify("made-up-" + s), 404);
            }
        }
        assertThat(engine.evaluate(pay("alice")).isDenied())
                .as("alice's verified step is still in her trail")
                .isFalse();
        assertThat(engine.evaluate(pay("made-up-1")).isDenied()).isTrue();
    }

    /** A rule that counts a prior whatever its status ({@code status: any}) still needs its failed steps. */
    @Test
    void aPriorOfAnyStatusIsRecordedWhenItFails() {
        SequenceGuard sequence = guard().rule(new PrecedenceRule(
                        "tried-first",
                        PrecedenceRule.Kind.REQUIRES,
                        PAY,
                        VERIFY,
                        0,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "test"))
                .build();
        sequence.observe(verify("t"), 404);
        assertThat(sequence.check(pay("t")).isAllow()).isTrue();
        assertThat(sequence.check(pay("u")).isDeny()).isTrue();
    }

    @Test
    void aPaymentMethodNeedsASuccessfulVerificationInTheSameSessionWithinTheWindow() {
        SequenceGuard sequence = guard().rule(new PrecedenceRule(
                        "verified-first",
                        PrecedenceRule.Kind.REQUIRES,
                        PAY,
                        VERIFY,
                        2,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "test"))
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(sequence).timeSource(clock).build();

        Decision skipped = engine.evaluate(pay("bot")).decision();
        assertThat(skipped.isDeny()).isTrue();
        assertThat(skipped.status()).isEqualTo(403);
        assertThat(skipped.reason()).isEqualTo("missing-prerequisite");
        assertThat(skipped.detail()).contains(VERIFY);

        engine.complete(verify("bot"), 401);
        assertThat(engine.evaluate(pay("bot")).isDenied())
                .as("a failed verification does not count")
                .isTrue();

        engine.complete(verify("alice"), 200);
        assertThat(engine.evaluate(pay("alice")).isDenied()).isFalse();
        assertThat(engine.evaluate(pay("mallory")).isDenied())
                .as("another session")
                .isTrue();

        clock.advance(Duration.ofMinutes(31));
        assertThat(engine.evaluate(pay("alice")).isDenied()).as("too long ago").isTrue();
    }

    private static GuardRequest verify(String account, String token) {
        return request("POST", "/api/accounts/" + account + "/verify", "/api/accounts/{id}/verify", token);
    }

    private static GuardRequest pay(String account, String token) {
        return request(
                "POST", "/api/accounts/" + account + "/payment-methods", "/api/accounts/{id}/payment-methods", token);
    }

    private static PrecedenceRule verifiedFirst() {
        return new PrecedenceRule(
                "verified-first",
                PrecedenceRule.Kind.REQUIRES,
                PAY,
                VERIFY,
                2,
                Duration.ofMinutes(30),
                Duration.ZERO,
                "test");
    }

    @Test
    void verifyingOneAccountDoesNotLetTheSessionAddACardToAnother() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(verifiedFirst()).build())
                .timeSource(clock)
                .build();
        engine.complete(verify("a1b2c3", "owner"), 200);

        Decision other = engine.evaluate(pay("d4e5f6", "owner")).decision();
        assertThat(other.reason()).isEqualTo("missing-prerequisite");
        assertThat(other.detail()).contains("for the same {id}");
        assertThat(engine.evaluate(pay("a1b2c3", "owner")).isDenied()).isFalse();
        assertThat(engine.evaluate(pay("a1b2c3/", "owner")).isDenied())
                .as("a trailing slash names the same account")
                .isFalse();
        assertThat(engine.evaluate(pay("A1B2C3", "owner")).isDenied())
                .as("another case may be another account to the application: never folded")
                .isTrue();
        assertThat(engine.evaluate(pay("a1b2c3%20", "owner")).isDenied())
                .as("the value as decoded, exactly")
                .isTrue();
        assertThat(engine.evaluate(request(
                                "POST", "/api/x/a1b2c3/payment-methods", "/api/accounts/{id}/payment-methods", "owner"))
                        .isDenied())
                .as("a path that does not fit the route tells no account")
                .isTrue();
    }

    @Test
    void aRuleWhoseTemplatesShareNoVariableStillMatchesTheTemplate() {
        String checkout = "POST /api/checkout";
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(verifiedFirst())
                        .rule(new PrecedenceRule(
                                "verified-before-checkout",
                                PrecedenceRule.Kind.REQUIRES,
                                checkout,
                                VERIFY,
                                2,
                                Duration.ofMinutes(30),
                                Duration.ZERO,
                                "test"))
                        .build())
                .timeSource(clock)
                .build();
        GuardRequest checkoutRequest = request("POST", "/api/checkout", "/api/checkout", "owner");
        assertThat(engine.evaluate(checkoutRequest).isDenied()).isTrue();
        engine.complete(verify("a1b2c3", "owner"), 200);
        assertThat(engine.evaluate(checkoutRequest).isDenied())
                .as("any verified account, as before")
                .isFalse();
    }

    @Test
    void anAtMostOnceRuleStillSeesAStepRecordedWithItsAccount() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(verifiedFirst())
                        .rule(new PrecedenceRule(
                                "verify-once",
                                PrecedenceRule.Kind.FORBIDS,
                                VERIFY,
                                VERIFY,
                                2,
                                Duration.ofMinutes(30),
                                Duration.ZERO,
                                "test"))
                        .build())
                .timeSource(clock)
                .build();
        GuardRequest first = verify("a1b2c3", "owner");
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 200);

        assertThat(engine.evaluate(verify("d4e5f6", "owner")).decision().reason())
                .as("forbids matches the template, whatever the account")
                .isEqualTo("forbidden-sequence");
        assertThat(engine.evaluate(pay("a1b2c3", "owner")).isDenied()).isFalse();
        assertThat(engine.evaluate(pay("d4e5f6", "owner")).isDenied()).isTrue();
    }

    /**
     * probe31 F2: with the model on, every step of a session's trail (and every state of the model) kept the
     * request's method as sent: 20 steps of 7.8 KB made-up methods are 156 KB per session. A method that is
     * not a registered one is kept as {@code OTHER}.
     */
    @Test
    void aMadeUpMethodIsRecordedAsOther() {
        MarkovModel model = new MarkovModel(100);
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().model(model, SequenceGuard.ModelUse.LEARN, 0.99).build())
                .timeSource(clock)
                .build();
        for (int i = 0; i < 20; i++) {
            String method = "M" + i + "Q".repeat(7_800);
            engine.complete(request(method, "/api/items", "/api/items", "bot"), 400);
            engine.complete(request("PROPFIND", "/api/items", "/api/items", "bot"), 207);
        }
        assertThat(model.toJson())
                .contains("OTHER /api/items", "PROPFIND /api/items")
                .doesNotContain("QQQQ");
        assertThat(model.toJson().length()).isLessThan(2_000);
    }

    /**
     * probe31 F2: with the model on, a GET of a 2 KB path no route serves kept the path's fold in every step
     * (30-40 KB a session). A fold longer than 128 characters is its first 64 and a digest.
     */
    @Test
    void aLongPathNoRouteServesIsRecordedShortened() {
        MarkovModel model = new MarkovModel(100);
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().model(model, SequenceGuard.ModelUse.LEARN, 0.99).build())
                .timeSource(clock)
                .build();
        String longPath = "/x" + "/abcdefghij".repeat(30);
        String otherLongPath = "/x" + "/abcdefghij".repeat(29) + "/abcdefghik";
        engine.complete(
                GuardRequest.builder("GET", longPath)
                        .header("Authorization", "Bearer bot")
                        .build(),
                404);
        engine.complete(
                GuardRequest.builder("GET", otherLongPath)
                        .header("Authorization", "Bearer bot")
                        .build(),
                404);
        engine.complete(request("GET", "/api/items", "/api/items", "bot"), 200);
        String json = model.toJson();
        assertThat(json)
                .contains("GET " + SequenceGuard.shortened(longPath), "GET " + SequenceGuard.shortened(otherLongPath))
                .contains("GET /api/items")
                .doesNotContain(longPath.substring(0, 200));
        assertThat(SequenceGuard.shortened(longPath))
                .hasSize(64 + 1 + 16)
                .isNotEqualTo(SequenceGuard.shortened(otherLongPath));
    }

    @Test
    void aPathCannotForgeTheValuesOfAStep() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(new PrecedenceRule(
                                "verified-before-checkout",
                                PrecedenceRule.Kind.REQUIRES,
                                "POST /api/checkout",
                                VERIFY,
                                2,
                                Duration.ofMinutes(30),
                                Duration.ZERO,
                                "test"))
                        .model(new MarkovModel(100), SequenceGuard.ModelUse.LEARN, 0.99) // every step recorded
                        .build())
                .timeSource(clock)
                .build();
        // a decoded %7Bid%7D and %23: the literal path is its own template
        engine.complete(
                GuardRequest.builder("POST", "/api/accounts/{id}/verify#AAAAAAAAAAA")
                        .header("Authorization", "Bearer bot")
                        .build(),
                200);
        assertThat(engine.evaluate(request("POST", "/api/checkout", "/api/checkout", "bot"))
                        .isDenied())
                .isTrue();
    }

    @Test
    void aMonitoredRuleNeitherSkipsAnEnforcedOnceOnlyRuleNorItsReservation() {
        io.github.abuseguard.Guard refusesMarked = new io.github.abuseguard.Guard() {
            @Override
            public String name() {
                return "later";
            }

            @Override
            public Decision check(GuardRequest request) {
                return request.header("X-Refuse") == null
                        ? Decision.allow()
                        : Decision.deny(io.github.abuseguard.Action.REJECT)
                                .guard("later")
                                .reason("refused")
                                .build();
            }
        };
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(new PrecedenceRule(
                                "cart-first",
                                PrecedenceRule.Kind.REQUIRES,
                                REDEEM,
                                "GET /api/cart",
                                2,
                                Duration.ofMinutes(30),
                                Duration.ZERO,
                                "test"))
                        .rule(redeemOnce())
                        .build())
                .guard(refusesMarked)
                .timeSource(clock)
                .build();
        engine.switchMode(SequenceGuard.NAME, "cart-first", io.github.abuseguard.Mode.MONITOR);

        io.github.abuseguard.Evaluation first = engine.evaluate(redeem("bot"));
        assertThat(first.isDenied()).as("only reported").isFalse();
        assertThat(first.signals()).extracting(Decision::rule).contains("cart-first");
        assertThat(engine.evaluate(redeem("bot")).decision().reason())
                .as("the first is still running: its reservation holds")
                .isEqualTo("forbidden-sequence");

        GuardRequest refused = GuardRequest.builder("POST", "/api/gift-cards/X1/redeem")
                .route("/api/gift-cards/{code}/redeem")
                .header("Authorization", "Bearer alice")
                .header("X-Refuse", "1")
                .build();
        assertThat(engine.evaluate(refused).decision().reason()).isEqualTo("refused");
        assertThat(engine.evaluate(redeem("alice")).isDenied())
                .as("the refused request's reservation was withdrawn")
                .isFalse();
    }

    @Test
    void aStrangePathsFlagDoesNotExcuseTheRequestFromAnOnceOnlyRule() {
        MarkovModel model = new MarkovModel(50);
        for (int i = 0; i < MarkovModel.MIN_SAMPLES; i++) {
            model.learn(MarkovModel.START, "GET /");
            model.learn(MarkovModel.START, REDEEM); // known, but far stranger than the usual path's score of 0
            model.sample(0);
        }
        for (int i = 0; i < 100 * MarkovModel.MIN_SAMPLES; i++) {
            model.learn(MarkovModel.START, "GET /");
        }
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(redeemOnce())
                        .model(model, SequenceGuard.ModelUse.SCORE, 0.99)
                        .build())
                .timeSource(clock)
                .build();
        GuardRequest first = redeem("bot");
        assertThat(engine.evaluate(first).signals())
                .extracting(Decision::reason)
                .containsExactly("unusual-sequence");
        engine.complete(first, 200);

        assertThat(engine.evaluate(redeem("bot")).decision().reason()).isEqualTo("forbidden-sequence");
    }

    @Test
    void aStrangePathIsFlaggedWithTheScoreTheSettingsDefaultTo() {
        MarkovModel model = new MarkovModel(50);
        for (int i = 0; i < MarkovModel.MIN_SAMPLES; i++) {
            model.learn(MarkovModel.START, "GET /");
            model.sample(0); // every learned path perfectly usual: a step never seen is strange
        }
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().model(model, SequenceGuard.ModelUse.SCORE, 0.99).build())
                .timeSource(clock)
                .build();

        assertThat(engine.evaluate(redeem("bot")).signals())
                .extracting(Decision::score)
                .containsExactly(SequenceSettings.DEFAULT_MODEL_SCORE);
    }

    @Test
    void aRefusedRequestNeverWithdrawsTheReservationOfOneStillRunning() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(redeemOnce()).build())
                .timeSource(clock)
                .build();
        assertThat(engine.evaluate(redeem("bot")).isDenied()).isFalse(); // still running
        for (int i = 0; i < 3; i++) {
            assertThat(engine.evaluate(redeem("bot")).decision().reason())
                    .as("refused by the sequence guard itself, which withdraws nothing")
                    .isEqualTo("forbidden-sequence");
        }
    }

    @Test
    void aSessionHeaderSentTwiceWithDifferentValuesIsRefusedAsAmbiguous() {
        SequenceGuard sequence = guard().rule(new PrecedenceRule(
                        "verified-first",
                        PrecedenceRule.Kind.REQUIRES,
                        PAY,
                        VERIFY,
                        2,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "test"))
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(sequence).timeSource(clock).build();
        engine.complete(verify("alice"), 200);

        Decision twoSessions = engine.evaluate(GuardRequest.builder("POST", "/api/accounts/1/payment-methods")
                        .route("/api/accounts/{id}/payment-methods")
                        .header("Authorization", "Bearer alice")
                        .header("Authorization", "Bearer bob")
                        .build())
                .decision();
        assertThat(twoSessions.isDeny()).isTrue();
        assertThat(twoSessions.status()).isEqualTo(400);
        assertThat(twoSessions.reason()).isEqualTo("ambiguous-header");

        Decision sameTwice = engine.evaluate(GuardRequest.builder("POST", "/api/accounts/1/payment-methods")
                        .route("/api/accounts/{id}/payment-methods")
                        .header("Authorization", "Bearer alice")
                        .header("Authorization", "Bearer alice")
                        .build())
                .decision();
        assertThat(sameTwice.isDeny()).as("one session, repeated").isFalse();
    }

    @Test
    void onlyTheOperationsARuleLooksBackForAreWrittenToTrailsAndTheyStillAre() {
        io.github.abuseguard.store.Trails stored = store.trails("sequence", 20, Duration.ofMinutes(30));
        List<String> written = new ArrayList<>();
        io.github.abuseguard.store.Trails trails = new io.github.abuseguard.store.Trails() {
            @Override
            public List<String> append(String key, String entry) {
                written.add(entry);
                return stored.append(key, entry);
            }

            @Override
            public List<String> get(String key) {
                return stored.get(key);
            }

            @Override
            public int appendUnless(String key, String entry, List<io.github.abuseguard.store.TrailBlock> blocks) {
                written.add(entry);
                return stored.appendUnless(key, entry, blocks);
            }

            @Override
            public void settle(String key, String operation, String outcome) {
                written.add(String.valueOf(outcome));
                stored.settle(key, operation, outcome);
            }
        };
        EndpointInventory inventory = EndpointInventory.withDefaults(clock);
        SequenceGuard sequence = SequenceGuard.builder()
                .trails(trails)
                .inventory(inventory)
                .timeSource(clock)
                .rule(new PrecedenceRule(
                        "verified-first",
                        PrecedenceRule.Kind.REQUIRES,
                        PAY,
                        VERIFY,
                        2,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "test"))
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(sequence)
                .observer(inventory)
                .timeSource(clock)
                .build();
        GuardRequest scores = request("GET", "/api/scores/chess", "/api/scores/{game}", "alice");
        GuardRequest verifyWithGet = request("GET", "/api/accounts/1/verify", "/api/accounts/{id}/verify", "alice");

        assertThat(engine.evaluate(scores).isDenied()).isFalse();
        engine.complete(scores, 200);
        engine.complete(verifyWithGet, 200);
        assertThat(written).as("no rule reads these operations").isEmpty();
        assertThat(engine.evaluate(pay("alice")).isDenied()).isTrue();

        engine.complete(verify("alice"), 200);
        assertThat(written).as("the prior operation of a rule").hasSize(1);
        assertThat(written.get(0))
                .as("with a digest of its {id}, which the rule's operation shares")
                .matches(java.util.regex.Pattern.quote(VERIFY) + "#[A-Za-z0-9_-]{11}\\|200\\|[0-9]+");
        assertThat(engine.evaluate(pay("alice")).isDenied()).isFalse();
        assertThat(sequence.inventory().endpoints())
                .extracting(EndpointInventory.EndpointView::template)
                .as("the inventory, the engine's observer, still counts every operation")
                .contains("/api/scores/{game}", "/api/accounts/{id}/verify");
    }

    @Test
    void aMinimumDelayAndAForbiddenSuccessorAreEnforced() {
        SequenceGuard sequence = guard().rule(new PrecedenceRule(
                        "human-pace",
                        PrecedenceRule.Kind.REQUIRES,
                        PAY,
                        VERIFY,
                        2,
                        Duration.ofMinutes(30),
                        Duration.ofSeconds(5),
                        "test"))
                .rule(new PrecedenceRule(
                        "no-replay",
                        PrecedenceRule.Kind.FORBIDS,
                        VERIFY,
                        PAY,
                        0,
                        Duration.ofMinutes(10),
                        Duration.ZERO,
                        "test"))
                .build();
        sequence.observe(verify("t"), 200);
        clock.advance(Duration.ofSeconds(2));
        Decision tooSoon = sequence.check(pay("t"));
        assertThat(tooSoon.reason()).isEqualTo("too-soon");
        assertThat(tooSoon.retryAfter())
                .as("probe47a F9: when the step counts, where no Retry-After was sent")
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(tooSoon.detail()).endsWith("within 30 minutes.");
        clock.advance(Duration.ofSeconds(4));
        assertThat(sequence.check(pay("t")).isAllow()).isTrue();
        sequence.observe(pay("t"), 201);
        assertThat(sequence.check(verify("t")).reason()).isEqualTo("forbidden-sequence");
    }

    /**
     * probe47a F8: {@code {accountId}} and {@code {id}} are bound by name, so the rule lets a verification of one
     * account count for any other: said at start-up, not silently.
     */
    @Test
    void aRequiresRuleWhoseStepsNameTheirVariablesDifferentlyIsWarnedAbout() {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            guard().rule(new PrecedenceRule(
                            "named-otherwise",
                            PrecedenceRule.Kind.REQUIRES,
                            "POST /api/accounts/{accountId}/payment-methods",
                            VERIFY,
                            2,
                            Duration.ofMinutes(30),
                            Duration.ZERO,
                            "test"))
                    .build();
            guard().rule(new PrecedenceRule(
                            "named-alike",
                            PrecedenceRule.Kind.REQUIRES,
                            PAY,
                            VERIFY,
                            2,
                            Duration.ofMinutes(30),
                            Duration.ZERO,
                            "test"))
                    .build();
        } finally {
            System.setErr(original);
        }
        String log = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log).contains("WARN").contains("'named-otherwise'").contains("share no path variable");
        assertThat(log).doesNotContain("'named-alike'");
    }

    /** probe47a F9: a window under a minute read "within 0 minutes". */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "PT45S, 45 seconds",
        "PT1M, 1 minute",
        "PT90S, 90 seconds",
        "PT2H, 2 hours",
        "PT0.5S, 1 second",
        "PT24H, 24 hours"
    })
    void aWindowIsSpokenAsWritten(String window, String spoken) {
        assertThat(SequenceGuard.spoken(Duration.parse(window))).isEqualTo(spoken);
    }

    @Test
    void theLearnedModelFlagsAbnormalSessionsAndNotNormalOnes() {
        MarkovModel model = new MarkovModel(200);
        SequenceGuard learner =
                guard().model(model, SequenceGuard.ModelUse.LEARN, 0.99).build();
        Random random = new Random(2026);
        List<List<String[]>> flows = List.of(
                List.of(
                        op("GET", "/"),
                        op("POST", "/api/login"),
                        op("GET", "/api/scores/{game}"),
                        op("GET", "/api/scores/{game}")),
                List.of(
                        op("GET", "/"),
                        op("POST", "/api/accounts"),
                        op("POST", "/api/accounts/{id}/verify"),
                        op("POST", "/api/accounts/{id}/payment-methods")),
                List.of(op("GET", "/"), op("POST", "/api/transform"), op("GET", "/api/scores/{game}")));
        for (int s = 0; s < 3_000; s++) {
            String client = "10.6." + s % 250 + ".1"; // 250 users: one site teaches a bounded share
            walk(learner, client, "learn-" + s, flows.get(random.nextInt(flows.size())), random);
        }

        SequenceGuard scorer = SequenceGuard.builder()
                .trails(store.trails("sequence-scoring", 20, Duration.ofMinutes(30)))
                .modelTrails(store.trails("sequence-scoring-model", 20, Duration.ofMinutes(30)))
                .inventory(EndpointInventory.withDefaults(clock))
                .model(model, SequenceGuard.ModelUse.SCORE, 0.99)
                .timeSource(clock)
                .build();
        int normalFlagged = 0;
        int normalRequests = 0;
        for (int s = 0; s < 500; s++) {
            String token = "normal-" + s;
            for (String[] step : flows.get(random.nextInt(flows.size()))) {
                GuardRequest request = request(step[0], step[1], step[1], token);
                normalRequests++;
                if (scorer.check(request).isFlag()) {
                    normalFlagged++;
                }
                scorer.observe(request, 200);
            }
        }
        List<String[]> deep = List.<String[]>of(op("POST", "/api/accounts/{id}/payment-methods"));
        List<String[]> backwards = List.of(
                op("POST", "/api/accounts/{id}/payment-methods"),
                op("POST", "/api/accounts/{id}/verify"),
                op("POST", "/api/accounts"));
        List<String[]> walker = List.of(
                op("GET", "/api/scores/{game}"),
                op("POST", "/api/accounts/{id}/verify"),
                op("POST", "/api/transform"),
                op("POST", "/api/accounts"));
        int abnormalSessions = 0;
        int detected = 0;
        for (int s = 0; s < 300; s++) {
            List<String[]> path = List.of(deep, backwards, walker).get(s % 3);
            String token = "bot-" + s;
            boolean flagged = false;
            for (String[] step : path) {
                GuardRequest request = request(step[0], step[1], step[1], token);
                flagged |= scorer.check(request).isFlag();
                scorer.observe(request, 200);
            }
            abnormalSessions++;
            if (flagged) {
                detected++;
            }
        }
        double detectionRate = (double) detected / abnormalSessions;
        double falsePositiveRate = (double) normalFlagged / normalRequests;
        System.out.printf(
                "Markov model: detection rate %.3f (%d/%d abnormal sessions), false-positive rate %.4f (%d/%d normal requests), threshold %.3f%n",
                detectionRate,
                detected,
                abnormalSessions,
                falsePositiveRate,
                normalFlagged,
                normalRequests,
                model.threshold(0.99));
        assertThat(detectionRate).isGreaterThanOrEqualTo(0.95);
        assertThat(falsePositiveRate).isLessThanOrEqualTo(0.02);
        assertThat(scorer.worstSessions())
                .isNotEmpty()
                .noneMatch(worst -> worst.session().contains("Bearer"));
    }

    @Test
    void junkPathsCannotFoldARuleRouteAway() {
        SequenceGuard sequence = guard().rule(new PrecedenceRule(
                        "checkout-after-cart",
                        PrecedenceRule.Kind.REQUIRES,
                        "POST /api/checkout",
                        "POST /api/cart",
                        2,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "test"))
                .build();
        for (int i = 0; i < 50; i++) {
            sequence.observe(
                    GuardRequest.builder("POST", "/api/junk" + i)
                            .header("Authorization", "x")
                            .build(),
                    404);
        }
        GuardRequest checkout = GuardRequest.builder("POST", "/api/checkout")
                .header("Authorization", "x")
                .build();
        assertThat(sequence.check(checkout).reason()).isEqualTo("missing-prerequisite");
        sequence.observe(
                GuardRequest.builder("POST", "/api/cart")
                        .header("Authorization", "x")
                        .build(),
                200);
        assertThat(sequence.check(checkout).isAllow()).isTrue();
    }

    @Test
    void anExportedModelImportsToIdenticalScores() {
        MarkovModel model = new MarkovModel(50);
        model.learn(MarkovModel.START, "GET /");
        model.learn("GET /", "POST /api/login");
        model.learn("POST /api/login", "GET /api/scores/{game}");
        model.learn("GET /", "POST /api/login");
        model.sample(0.7);
        model.sample(1.9);
        MarkovModel copy = MarkovModel.fromJson(model.toJson());
        List<List<String>> paths = List.of(
                List.of("GET /", "POST /api/login"),
                List.of("POST /api/login", "GET /"),
                List.of("GET /never-seen"),
                new ArrayList<>());
        for (List<String> path : paths) {
            assertThat(copy.score(path)).isEqualTo(model.score(path));
        }
        assertThat(copy.threshold(0.99)).isEqualTo(model.threshold(0.99));
        assertThat(copy.toJson()).isEqualTo(model.toJson());
    }

    private static final String REDEEM = "POST /api/gift-cards/{code}/redeem";

    private static GuardRequest redeem(String token) {
        return request("POST", "/api/gift-cards/X1/redeem", "/api/gift-cards/{code}/redeem", token);
    }

    private static PrecedenceRule redeemOnce() {
        return new PrecedenceRule(
                "redeem-once",
                PrecedenceRule.Kind.FORBIDS,
                REDEEM,
                REDEEM,
                2,
                Duration.ofDays(1),
                Duration.ZERO,
                "test");
    }

    @Test
    void thirtyTwoParallelRequestsOfOneSessionPassAnAtMostOnceRuleExactlyOnce() throws Exception {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(redeemOnce()).build())
                .timeSource(clock)
                .build();
        int threads = 32;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger passed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    start.await();
                    if (!engine.evaluate(redeem("bot")).isDenied()) {
                        passed.incrementAndGet();
                    }
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
        }
        assertThat(passed.get()).isEqualTo(1);
        assertThat(engine.evaluate(redeem("alice")).isDenied())
                .as("another session")
                .isFalse();
    }

    @Test
    void aForbiddingRuleSeesAPriorStepThatIsStillRunning() {
        SequenceGuard sequence = guard().rule(new PrecedenceRule(
                        "no-card-change-after-payout",
                        PrecedenceRule.Kind.FORBIDS,
                        PAY,
                        VERIFY,
                        2,
                        Duration.ofMinutes(10),
                        Duration.ZERO,
                        "test"))
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(sequence).timeSource(clock).build();

        assertThat(engine.evaluate(verify("bot")).isDenied()).isFalse(); // the application is still answering
        assertThat(engine.evaluate(pay("bot")).decision().reason()).isEqualTo("forbidden-sequence");

        engine.complete(verify("bot"), 403);
        assertThat(engine.evaluate(pay("bot")).isDenied())
                .as("the prior step failed, so it no longer forbids")
                .isFalse();
    }

    @Test
    void aReservedStepCountsAsAPrerequisiteOnlyOnceItSucceeded() {
        SequenceGuard sequence = guard().rule(new PrecedenceRule(
                        "verified-first",
                        PrecedenceRule.Kind.REQUIRES,
                        PAY,
                        VERIFY,
                        2,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "test"))
                .rule(new PrecedenceRule(
                        "verify-once",
                        PrecedenceRule.Kind.FORBIDS,
                        VERIFY,
                        VERIFY,
                        2,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "test"))
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(sequence).timeSource(clock).build();

        assertThat(engine.evaluate(verify("bot")).isDenied()).isFalse();
        assertThat(engine.evaluate(pay("bot")).decision().reason())
                .as("pending: not yet a prerequisite")
                .isEqualTo("missing-prerequisite");
        engine.complete(verify("bot"), 400);
        assertThat(engine.evaluate(pay("bot")).decision().reason())
                .as("failed: never a prerequisite")
                .isEqualTo("missing-prerequisite");

        assertThat(engine.evaluate(verify("bot")).isDenied())
                .as("a failed attempt may be retried")
                .isFalse();
        engine.complete(verify("bot"), 200);
        assertThat(engine.evaluate(pay("bot")).isDenied()).isFalse();
        assertThat(engine.evaluate(verify("bot")).decision().reason()).isEqualTo("forbidden-sequence");
    }

    @Test
    void aReservationIsWithdrawnWhenALaterGuardRefusesTheRequest() {
        io.github.abuseguard.Guard refuseFirst = new io.github.abuseguard.Guard() {
            private final java.util.concurrent.atomic.AtomicBoolean refused =
                    new java.util.concurrent.atomic.AtomicBoolean();

            @Override
            public String name() {
                return "refuse-first";
            }

            @Override
            public Decision check(GuardRequest request) {
                return refused.getAndSet(true)
                        ? Decision.allow()
                        : Decision.deny(io.github.abuseguard.Action.REJECT)
                                .guard("refuse-first")
                                .reason("refused")
                                .status(403)
                                .build();
            }
        };
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(redeemOnce()).build())
                .guard(refuseFirst)
                .timeSource(clock)
                .build();

        assertThat(engine.evaluate(redeem("alice")).decision().reason()).isEqualTo("refused");
        assertThat(engine.evaluate(redeem("alice")).isDenied())
                .as("the refused request reserved nothing")
                .isFalse();
    }

    @Test
    void aWallClockSteppedBackCannotReopenAWindow() {
        java.util.concurrent.atomic.AtomicLong wallOffsetNanos = new java.util.concurrent.atomic.AtomicLong();
        io.github.abuseguard.TimeSource stepped = new io.github.abuseguard.TimeSource() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public java.time.Instant instant() {
                return clock.instant().plusNanos(wallOffsetNanos.get());
            }
        };
        SequenceGuard sequence = guard().timeSource(stepped)
                .trails(store.trails("sequence-idle-2h", 20, Duration.ofHours(2))) // the trail outlives the window
                .rule(new PrecedenceRule(
                        "verified-first",
                        PrecedenceRule.Kind.REQUIRES,
                        PAY,
                        VERIFY,
                        2,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "test"))
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(sequence).timeSource(clock).build();
        engine.complete(verify("alice"), 200);

        clock.advance(Duration.ofMinutes(31));
        wallOffsetNanos.set(-Duration.ofMinutes(10).toNanos()); // an NTP step back

        assertThat(engine.evaluate(pay("alice")).decision().reason()).isEqualTo("missing-prerequisite");
    }

    /** Three ordinary flows of the demo's pages. */
    private static final List<List<String>> ORDINARY_FLOWS = List.of(
            List.of("/", "/api/scores/chess"),
            List.of("/", "/api/scores/go", "/api/scores/chess"),
            List.of("/", "/api/transform"));

    /** An engine whose sequence guard learns {@code model} and refuses what it scores as strange. */
    private AbuseGuard learningAndDenying(MarkovModel model) {
        SequenceGuard sequence = guard().model(model, SequenceGuard.ModelUse.LEARN_AND_SCORE, 0.99)
                .strangePaths(60, SequenceGuard.StrangePathAnswer.DENY)
                .build();
        return AbuseGuard.builder().guard(sequence).timeSource(clock).build();
    }

    /** {@code sessions} ordinary sessions of 250 users, each answered 200. */
    private void ordinarySessions(AbuseGuard engine, int sessions) {
        for (int session = 0; session < sessions; session++) {
            for (String path : ORDINARY_FLOWS.get(session % ORDINARY_FLOWS.size())) {
                GuardRequest step = from(browser(session), request("GET", path, path, "user-" + session));
                engine.evaluate(step);
                engine.complete(step, 200);
            }
        }
    }

    /** The address of an ordinary visitor's session: 250 users, as a site teaches the model a bounded share. */
    private static String browser(int session) {
        return "10.2." + session % 250 + ".1";
    }

    private void walk(SequenceGuard guard, String client, String token, List<String[]> flow, Random random) {
        for (String[] step : flow) {
            guard.observe(from(client, request(step[0], step[1], step[1], token)), 200);
            clock.advance(Duration.ofMillis(200 + random.nextInt(2000)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.49, 1.01})
    void aModelQuantileOutsideHalfToOneIsRefused(double quantile) {
        // NaN compares false with both bounds: its threshold would be NaN, and no session would be flagged
        assertThatThrownBy(() -> guard().model(new MarkovModel(100), SequenceGuard.ModelUse.SCORE, quantile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quantile must be between 0.5 and 1");
    }

    private static String[] op(String method, String route) {
        return new String[] {method, route};
    }

    private static GuardRequest redeemWith(String header, String value) {
        return GuardRequest.builder("POST", "/api/gift-cards/X1/redeem")
                .route("/api/gift-cards/{code}/redeem")
                .header(header, value)
                .build();
    }

    /** probe23 F1: spellings of one credential an authenticator accepts as one are one session. */
    @Test
    void respellingsOfOneCredentialAreOneSessionOfAnAtMostOnceRule() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(redeemOnce()).build())
                .timeSource(clock)
                .build();
        String token = java.util.Base64.getEncoder()
                .encodeToString("ops:opspassword123".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        GuardRequest first = redeemWith("Authorization", "Basic " + token);
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 200);
        int passed = 0;
        for (String spelling : new String[] {
            "basic " + token,
            "BASIC " + token,
            "BasicX" + token,
            "Basic:" + token,
            "Basic\t" + token,
            "bAsIc  " + token,
            "Basic " + token.replace("=", "")
        }) {
            if (!engine.evaluate(redeemWith("Authorization", spelling)).isDenied()) {
                passed++;
            }
        }
        assertThat(passed).isZero();

        GuardRequest bearer = redeemWith("Authorization", "Bearer t0k3n");
        assertThat(engine.evaluate(bearer).isDenied()).isFalse();
        engine.complete(bearer, 200);
        for (String spelling : new String[] {"bearer t0k3n", "BEARER t0k3n", "Bearer\tt0k3n", "Bearer t0k3n="}) {
            assertThat(engine.evaluate(redeemWith("Authorization", spelling)).isDenied())
                    .as(spelling)
                    .isTrue();
        }
    }

    /**
     * probe47a F10: with a model on (even {@code learn}, which scores nothing) every answered request went into the
     * trail the rules read, so twenty requests to made-up paths pushed a once-only step out and it passed again;
     * and twenty page views pushed a verification out before its {@code requires} rule's window. The model keeps
     * its own trail.
     */
    @ParameterizedTest
    @ValueSource(strings = {"LEARN", "LEARN_AND_SCORE"})
    void stepsTheModelRecordsPushNoRulesStepOutOfTheTrail(String use) {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(redeemOnce())
                        .rule(new PrecedenceRule(
                                "verified",
                                PrecedenceRule.Kind.REQUIRES,
                                "POST /api/accounts/{id}/payment-methods",
                                "POST /api/accounts/{id}/verify",
                                2,
                                Duration.ofMinutes(30),
                                Duration.ZERO,
                                "test"))
                        .model(new MarkovModel(100), SequenceGuard.ModelUse.valueOf(use), 0.99)
                        .build())
                .timeSource(clock)
                .build();
        GuardRequest first = redeem("bot");
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 200);
        engine.complete(verify("bot"), 200);
        for (int i = 0; i < 40; i++) {
            GuardRequest junk = request("GET", "/nothing-here-" + i, null, "bot");
            engine.evaluate(junk);
            engine.complete(junk, 404);
        }
        assertThat(engine.evaluate(redeem("bot")).isDenied())
                .as("the once-only step, after 40 requests to made-up paths")
                .isTrue();
        assertThat(engine.evaluate(pay("bot")).isDenied())
                .as("the verification still counts")
                .isFalse();
    }

    /**
     * probe47a F5: under learn-and-score with strange paths refused, a step refused once was never learned, so an
     * ordinary flow the first sessions did not take stayed refused for good. A refused step is learned too: the
     * flow is let through once enough sessions took it.
     */
    @Test
    void anOrdinaryFlowTheModelRefusedAtFirstIsLearnedAndLetThrough() {
        int[] refused = newFlowsUsers(learnedBrowsingAndDenying(), "new-flow-", 300, Duration.ofMillis(100));

        assertThat(refused[0]).as("the new flow is refused at first").isPositive();
        assertThat(refused[1]).as("and learned: its later users go through").isLessThan(250);
    }

    /**
     * review55 F6: a refused operation was learned once 50 sites took it within an hour, counted from the first
     * refusal, so an ordinary flow that ten users an hour take was never learned under model-deny, and all of them
     * were refused for good. The crowd is counted over a day: a flow fifty users take in a day is learned.
     */
    @Test
    void anOrdinaryFlowTenUsersAnHourTakeIsLearnedWithinTheDay() {
        // one every 6 minutes: 20 hours
        int[] refused = newFlowsUsers(learnedBrowsingAndDenying(), "slow-flow-", 200, Duration.ofMinutes(6));

        assertThat(refused[0])
                .as("the new flow is refused at first")
                .isGreaterThanOrEqualTo(SequenceGuard.REFUSED_SITES_LEARNED - 1);
        assertThat(refused[1]).as("and learned: its later users go through").isLessThan(150);
    }

    /**
     * An engine whose model learned, under learn-and-score with strange paths refused, sessions that browse {@code /}
     * then a score: enough samples for a threshold, taken again.
     */
    private AbuseGuard learnedBrowsingAndDenying() {
        SequenceGuard sequence = guard().model(new MarkovModel(100), SequenceGuard.ModelUse.LEARN_AND_SCORE, 0.99)
                .strangePaths(60, SequenceGuard.StrangePathAnswer.DENY)
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(sequence).timeSource(clock).build();
        for (int session = 0; session < 3 * 8 * MarkovModel.MIN_SAMPLES / 2; session += 2) {
            for (String path : List.of("/", "/api/scores/chess")) {
                GuardRequest step = from(browser(session), request("GET", path, path, "browse-" + session));
                assertThat(engine.evaluate(step).isDenied()).isFalse();
                engine.complete(step, 200);
            }
        }
        clock.advance(Duration.ofSeconds(11)); // the threshold is taken again
        return engine;
    }

    /**
     * review105 F1: the model's trail takes a client site's new sessions within a budget (1,000 answered per 10
     * minutes), and a session past it "is scored as a fresh one" at every step. So a client spends the budget of its
     * own address with 1,000 cheap made-up sessions ({@code GET /}, answered 200), and its walker is then never scored
     * as a path: each step is scored as a first step, and a path the model refuses goes through. README: "The Markov
     * model ... scores a session's recent path (the last 5 operations)".
     */
    @Test
    void aClientThatSpendsItsSitesBudgetOfNewSessionsIsStillScoredOnItsPath() {
        AbuseGuard engine = learnedBrowsingAndDenying();
        int unspent = walkersRefusedSteps(engine, "203.0.113.60", "walker-unspent");
        assertThat(unspent)
                .as("control: the walker's path is refused while its site has budget left")
                .isPositive();
        spendNewSessionsBudget(engine, "203.0.113.61");
        assertThat(walkersRefusedSteps(engine, "203.0.113.61", "walker-after-spending"))
                .as("of 30 steps, those refused of the same walker after its address made up 1,000 sessions of GET /")
                .isEqualTo(unspent);
    }

    /**
     * review105 F1: one client behind a crowd's NAT (or a /48) spends the site's budget of new sessions, and every
     * ordinary user behind it who starts a session after that has each step scored as a first step: under
     * model-deny, the second step of the ordinary flow {@code /} then {@code /api/scores/chess} is refused 403
     * unusual-sequence.
     */
    @Test
    void aCrowdsOrdinaryUsersAreNotRefusedOnceOneOfThemSpentTheSitesBudget() {
        AbuseGuard engine = learnedBrowsingAndDenying();
        String nat = "203.0.113.62";
        assertThat(ordinaryUsersRefusedSteps(engine, nat, "before-", 20))
                .as("control: ordinary users behind the NAT go through")
                .isZero();
        spendNewSessionsBudget(engine, nat);
        assertThat(ordinaryUsersRefusedSteps(engine, nat, "after-", 20))
                .as("steps refused of 20 ordinary users behind the NAT (40 steps), after one made up 1,000 sessions")
                .isZero();
    }

    /** 1,000 made-up sessions of {@code client}, each one {@code GET /} answered 200: its site's budget. */
    private void spendNewSessionsBudget(AbuseGuard engine, String client) {
        madeUpSessions(engine, client, "spent-", SequenceGuard.NEW_ANSWERED_SESSIONS);
    }

    /** {@code count} made-up sessions of {@code client}, each one {@code GET /} answered 200 unless refused. */
    private void madeUpSessions(AbuseGuard engine, String client, String tag, int count) {
        for (int i = 0; i < count; i++) {
            GuardRequest step = GuardRequest.builder("GET", "/")
                    .route("/")
                    .client(client)
                    .header("Authorization", "Bearer " + tag + client + "-" + i)
                    .build();
            if (!engine.evaluate(step).isDenied()) {
                engine.complete(step, 200);
            }
        }
    }

    /** A walker that asks for {@code /} over and over, each step alone an ordinary first step: its steps refused. */
    private int walkersRefusedSteps(AbuseGuard engine, String client, String token) {
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            GuardRequest step = GuardRequest.builder("GET", "/")
                    .route("/")
                    .client(client)
                    .header("Authorization", "Bearer " + token)
                    .build();
            if (engine.evaluate(step).isDenied()) {
                refused++;
            } else {
                engine.complete(step, 200);
            }
        }
        return refused;
    }

    /** {@code users} ordinary sessions of {@code client}, {@code /} then {@code /api/scores/chess}: steps refused. */
    private int ordinaryUsersRefusedSteps(AbuseGuard engine, String client, String tokenPrefix, int users) {
        int refused = 0;
        for (int user = 0; user < users; user++) {
            for (String path : List.of("/", "/api/scores/chess")) {
                GuardRequest step = GuardRequest.builder("GET", path)
                        .route(path)
                        .client(client)
                        .header("Authorization", "Bearer " + tokenPrefix + user)
                        .build();
                if (engine.evaluate(step).isDenied()) {
                    refused++;
                } else {
                    engine.complete(step, 200);
                }
            }
        }
        return refused;
    }

    /**
     * {@code users} users of their own, one every {@code every}, each taking the new flow {@code /} then {@code
     * /api/transform}: how many of their steps were refused, and the last user refused (-1 for none).
     */
    private int[] newFlowsUsers(AbuseGuard engine, String tokenPrefix, int users, Duration every) {
        int refused = 0;
        int lastRefused = -1;
        for (int user = 0; user < users; user++) {
            for (String path : List.of("/", "/api/transform")) {
                GuardRequest step = GuardRequest.builder("GET", path)
                        .route(path)
                        .client("10.1." + user / 200 + "." + user % 200)
                        .header("Authorization", "Bearer " + tokenPrefix + user)
                        .build();
                if (engine.evaluate(step).isDenied()) {
                    refused++;
                    lastRefused = user;
                } else {
                    engine.complete(step, 200);
                }
            }
            clock.advance(every);
        }
        return new int[] {refused, lastRefused};
    }

    /**
     * review48 F3: one client retrying a path the model refuses, with one token or a fresh one each time, taught the
     * model that path after 201 refusals; a client's refused step is learned once an hour.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void oneClientsRetriesOfARefusedPathTeachTheModelNothing(boolean sameSession) {
        oneSitesRetriesOfARefusedPathTeachTheModelNothing(attempt -> "198.51.100.7", sameSession);
    }

    /**
     * README's open limit (stop 48): the threshold is a quantile of the latest sampled scores from any session, so one
     * client's flood of cheap sessions ({@code GET /} with a fresh token each, 96,000 of them) filled the sample with
     * its low scores, and ordinary paths were refused. Once the sample holds many sites' scores, a site holds at most
     * 1% of it.
     */
    @Test
    void oneClientsFloodOfCheapSessionsDoesNotLowerTheThresholdForEveryone() {
        MarkovModel model = new MarkovModel(100);
        AbuseGuard engine = learningAndDenying(model);
        List<List<String>> flows = ORDINARY_FLOWS;
        ordinarySessions(engine, 6_000);
        clock.advance(Duration.ofSeconds(11));
        double before = model.threshold(0.99);

        for (int session = 0; session < 96_000; session++) {
            GuardRequest cheap = from("198.51.100.66", request("GET", "/", "/", "flood-" + session));
            engine.evaluate(cheap);
            engine.complete(cheap, 200);
        }
        clock.advance(Duration.ofSeconds(11));

        assertThat(model.threshold(0.99))
                .as("the threshold (%.3f before the flood)", before)
                .isGreaterThan(before * 0.9);
        int refused = 0;
        for (int user = 0; user < 30; user++) {
            for (String path : flows.get(user % flows.size())) {
                GuardRequest step = from("10.4.0." + (user + 1), request("GET", path, path, "new-" + user));
                if (engine.evaluate(step).isDenied()) {
                    refused++;
                } else {
                    engine.complete(step, 200);
                }
            }
        }
        assertThat(refused).as("steps of 30 new users' ordinary flows refused").isZero();

        // probe50a F1: one address's 900 made-up steps, each refused and learned, filled its share of the sample with
        // the highest scores, and the threshold rose until unusual jumps were answered
        double beforeTheJumps = model.threshold(0.99);
        for (int step = 0; step < 900; step++) {
            GuardRequest madeUp = from(
                    "198.51.100.67", request("GET", "/api/made-up-" + step, "/api/made-up-" + step, "jump-" + step));
            engine.evaluate(madeUp);
        }
        clock.advance(Duration.ofSeconds(11));
        assertThat(model.threshold(0.99))
                .as("the threshold (%.3f before the made-up steps)", beforeTheJumps)
                .isLessThan(beforeTheJumps * 1.1);
    }

    /**
     * probe50a F2: the transitions answered requests teach were one client's to shape. Ten addresses' sessions of one
     * fresh read each (6,000 each here) made that read the usual first step, so every new visitor's first step became
     * strange against a threshold sampled before, and model-deny refused all 30. A site teaches a share of the hour.
     */
    @Test
    void tenAddressesFloodOfOneStepSessionsDoesNotMakeNewVisitorsStrange() {
        MarkovModel model = new MarkovModel(100);
        AbuseGuard engine = learningAndDenying(model);
        List<List<String>> flows = List.of(
                List.of("/", "/api/scores/chess"),
                List.of("/", "/api/scores/go", "/api/scores/chess"),
                List.of("/", "/api/transform"),
                List.of("/api/scores/go", "/api/scores/chess")); // a bookmark, now and then
        for (int session = 0; session < 2_000; session++) {
            String client = "10.7." + session % 250 + ".1"; // 250 users of their own
            for (String path : flows.get(session % 10 == 9 ? 3 : session % 3)) {
                GuardRequest step = from(client, request("GET", path, path, "user-" + session));
                engine.evaluate(step);
                engine.complete(step, 200);
            }
        }
        clock.advance(Duration.ofSeconds(11));
        assertThat(model.threshold(0.99)).isFinite();

        int answered = 0;
        for (int session = 0; session < 60_000; session++) {
            String path = "/api/scores/go"; // the bookmark's read, a fresh session each time
            GuardRequest read =
                    from("198.51.100." + (10 + session % 10), request("GET", path, path, "fresh-" + session));
            if (!engine.evaluate(read).isDenied()) {
                engine.complete(read, 200);
                answered++;
            }
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(answered).as("the reads are ordinary first steps").isGreaterThan(59_000);
        clock.advance(Duration.ofSeconds(11));

        int refused = 0;
        for (int user = 0; user < 30; user++) {
            for (String path : flows.get(user % 3)) {
                GuardRequest step = from("10.8.0." + (user + 1), request("GET", path, path, "new-" + user));
                if (engine.evaluate(step).isDenied()) {
                    refused++;
                } else {
                    engine.complete(step, 200);
                }
            }
        }
        assertThat(refused)
                .as("steps of 30 new visitors' ordinary flows refused")
                .isZero();
    }

    /**
     * review52 F3: a refused step's score was sampled within its site's 0.1% share, but the 0.99 quantile moves once
     * refused scores hold 1% of the sample: 12 addresses' 167 made-up steps each raised the threshold tenfold, and a
     * fresh client's 100 made-up steps were all answered. A refused step's score is sampled only once a crowd of
     * sites took its operation within the hour.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 12, 40})
    void aFewAddressesMadeUpStepsDoNotRaiseTheThreshold(int addresses) {
        MarkovModel model = new MarkovModel(100);
        AbuseGuard engine = learningAndDenying(model);
        List<List<String>> flows = ORDINARY_FLOWS;
        ordinarySessions(engine, 6_000);
        clock.advance(Duration.ofSeconds(11));
        double before = model.threshold(0.99);
        for (int step = 0; step < 2_000; step++) {
            GuardRequest madeUp = from(
                    "198.51.100." + (step % addresses + 1),
                    request("GET", "/api/made-up-" + step, "/api/made-up-" + step, "jump-" + step));
            engine.evaluate(madeUp);
        }
        clock.advance(Duration.ofSeconds(11));

        assertThat(model.threshold(0.99))
                .as("the threshold (%.3f before)", before)
                .isLessThan(before * 1.1);
        int answered = 0;
        for (int step = 0; step < 100; step++) {
            GuardRequest madeUp =
                    from("203.0.113.9", request("GET", "/api/other-" + step, "/api/other-" + step, "later-" + step));
            answered += engine.evaluate(madeUp).isDenied() ? 0 : 1;
        }
        assertThat(answered).as("a fresh client's made-up steps answered").isZero();
    }

    /**
     * review53 F2: a refused step's transition was learned once an hour per site and operation, 200 an hour per site:
     * ten addresses' made-up steps, all refused, made every ordinary step less likely (5,907 of 14,000 honest steps
     * refused), and twenty made any made-up step answered. A refused operation is learned only once 50 sites took it.
     */
    @ParameterizedTest
    @ValueSource(ints = {10, 20})
    void aFewAddressesRefusedMadeUpStepsTeachTheModelNothing(int addresses) {
        MarkovModel model = new MarkovModel(100);
        AbuseGuard engine = learningAndDenying(model);
        List<List<String>> flows = ORDINARY_FLOWS;
        int session = 0;
        int madeUp = 0;
        int honestRefused = 0;
        for (int hour = 0; hour < 3; hour++) {
            // an hour of 3,000 ordinary sessions from 250 users; from the second, 200 made-up steps per address too
            int attacks = hour == 0 ? 0 : addresses * 200;
            long every = Duration.ofHours(1).toMillis() / (3_000 + attacks);
            for (int i = 0; i < 3_000 + attacks; i++) {
                if (attacks == 0 || i % (1 + attacks / 3_000 + 1) == 0 || madeUp >= attacks * hour) {
                    for (String path : flows.get(session % flows.size())) {
                        GuardRequest step = from(browser(session), request("GET", path, path, "user-" + session));
                        if (engine.evaluate(step).isDenied()) {
                            honestRefused += hour > 0 ? 1 : 0;
                        } else {
                            engine.complete(step, 200);
                        }
                    }
                    session++;
                } else {
                    String path = "/api/made-up-" + madeUp;
                    GuardRequest step =
                            from("198.51.100." + (madeUp % addresses + 1), request("GET", path, path, "bot-" + madeUp));
                    madeUp++;
                    if (!engine.evaluate(step).isDenied()) {
                        engine.complete(step, 200);
                    }
                }
                clock.advance(Duration.ofMillis(every));
            }
        }
        clock.advance(Duration.ofSeconds(11));
        int answered = 0;
        for (int step = 0; step < 100; step++) {
            GuardRequest other =
                    from("203.0.113.9", request("GET", "/api/other-" + step, "/api/other-" + step, "later-" + step));
            answered += engine.evaluate(other).isDenied() ? 0 : 1;
        }

        assertThat(madeUp).as("made-up steps sent").isGreaterThan(addresses * 200);
        assertThat(honestRefused)
                .as("ordinary steps refused while the made-up steps came")
                .isZero();
        assertThat(answered).as("a fresh client's made-up steps answered").isZero();
    }

    /**
     * probe50a F5: the threshold, infinite while fewer than {@link MarkovModel#MIN_SAMPLES} scores were sampled, was
     * kept for 10 s after the sample reached its minimum, and every strange step of that time was answered and learned.
     */
    @Test
    void theFirstThresholdAppliesAsSoonAsTheSampleReachesItsMinimum() {
        MarkovModel model = new MarkovModel(100);
        AbuseGuard engine = learningAndDenying(model);
        int session = 0;
        while (model.threshold(0.99) == Double.POSITIVE_INFINITY) {
            for (String path : List.of("/", "/api/scores/chess")) {
                GuardRequest step = from("10.5." + session % 250 + ".1", request("GET", path, path, "s-" + session));
                engine.evaluate(step);
                engine.complete(step, 200);
            }
            session++;
        }
        GuardRequest strange = from("198.51.100.68", request("GET", "/api/admin/export", "/api/admin/export", "x"));
        assertThat(engine.evaluate(strange).isDenied())
                .as("a strange first step right after the sample reached its minimum")
                .isTrue();
    }

    /**
     * review50 F3: the once-an-hour bound was per client key, an IPv6 /64, so one subscriber's /48, a fresh /64 and
     * token per try, taught the model the refused path after 201 tries. It is per client site.
     */
    @Test
    void oneIpv6SitesManyPrefixesTeachTheModelARefusedPathNothing() {
        oneSitesRetriesOfARefusedPathTeachTheModelNothing(
                attempt -> "2001:db8:1:" + Integer.toHexString(attempt) + "::/64", false);
    }

    private void oneSitesRetriesOfARefusedPathTeachTheModelNothing(
            java.util.function.IntFunction<String> client, boolean sameSession) {
        SequenceGuard sequence = guard().model(new MarkovModel(100), SequenceGuard.ModelUse.LEARN_AND_SCORE, 0.99)
                .strangePaths(60, SequenceGuard.StrangePathAnswer.DENY)
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(sequence).timeSource(clock).build();
        for (int session = 0; session < 3 * 8 * MarkovModel.MIN_SAMPLES / 2; session += 2) {
            for (String path : List.of("/", "/api/scores/chess", "/api/scores/go")) {
                GuardRequest step = from(browser(session), request("GET", path, path, "browse-" + session));
                engine.evaluate(step);
                engine.complete(step, 200);
            }
        }
        clock.advance(Duration.ofSeconds(11));
        int refused = 0;
        for (int attempt = 0; attempt < 1_000; attempt++) {
            String token = sameSession ? "bot" : "bot-" + attempt;
            if (!sameSession || attempt == 0) {
                GuardRequest page = from(client.apply(attempt), request("GET", "/", "/", token));
                engine.evaluate(page);
                engine.complete(page, 200);
            }
            if (engine.evaluate(from(
                            client.apply(attempt), request("GET", "/api/admin/export", "/api/admin/export", token)))
                    .isDenied()) {
                refused++;
            }
            clock.advance(Duration.ofMillis(50));
        }

        assertThat(refused).isEqualTo(1_000);
    }

    /**
     * review48 F2: a principal is an account the application signed in, whatever its name; one named like a
     * placeholder ({@code null}, {@code undefined}, {@code bearer}) was keyed by its address, so it replayed a
     * once-only step from each of five addresses.
     */
    @ParameterizedTest
    @ValueSource(strings = {"alice", "null", "Undefined", "bearer", "mr null"})
    void aPrincipalNamedLikeAPlaceholderIsItsOwnSession(String user) {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().session(io.github.abuseguard.KeyResolver.principal())
                        .rule(redeemOnce())
                        .build())
                .timeSource(clock)
                .build();
        int passed = 0;
        for (int address = 1; address <= 5; address++) {
            GuardRequest redeem = GuardRequest.builder("POST", "/api/gift-cards/X1/redeem")
                    .route("/api/gift-cards/{code}/redeem")
                    .client("198.51.100." + address)
                    .principal(user)
                    .build();
            if (!engine.evaluate(redeem).isDenied()) {
                passed++;
                engine.complete(redeem, 200);
            }
        }

        assertThat(passed)
                .as("once-only steps of '" + user + "' from five addresses")
                .isEqualTo(1);
    }

    /**
     * probe47a F4: {@code Authorization: Bearer null} (what a single-page app sends before log-in), an empty value
     * or a scheme without credentials was one session for every client that sent it: one spent the once-only step
     * for all. Each is its client's own session, as a request without the header is.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Bearer null", "Bearer undefined", "bearer NULL", "Bearer ", "Bearer", "", "   "})
    void aPlaceholderCredentialIsTheClientsOwnSessionNotOneSharedByAll(String placeholder) {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(redeemOnce()).build())
                .timeSource(clock)
                .build();
        GuardRequest first = GuardRequest.builder("POST", "/api/gift-cards/X1/redeem")
                .route("/api/gift-cards/{code}/redeem")
                .client("198.51.100.1")
                .header("Authorization", placeholder)
                .build();
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 200);
        GuardRequest other = GuardRequest.builder("POST", "/api/gift-cards/X1/redeem")
                .route("/api/gift-cards/{code}/redeem")
                .client("203.0.113.7")
                .header("Authorization", placeholder)
                .build();
        assertThat(engine.evaluate(other).isDenied()).as("another client").isFalse();
        GuardRequest again = GuardRequest.builder("POST", "/api/gift-cards/X1/redeem")
                .route("/api/gift-cards/{code}/redeem")
                .client("198.51.100.1")
                .header("Authorization", placeholder)
                .build();
        assertThat(engine.evaluate(again).isDenied())
                .as("the same client: its address's trail")
                .isTrue();
    }

    /** probe23 F3: a made-up cookie in front of the real session cookie is no new trail. */
    @Test
    void aJunkCookieInFrontOfTheSessionCookieIsRefusedAsAmbiguous() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().session(io.github.abuseguard.KeyResolver.parse("cookie:JSESSIONID"))
                        .rule(redeemOnce())
                        .build())
                .timeSource(clock)
                .build();
        GuardRequest first = redeemWith("Cookie", "JSESSIONID=real");
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 200);
        for (int n = 0; n < 5; n++) {
            Decision decision = engine.evaluate(redeemWith("Cookie", "JSESSIONID=junk" + n + "; JSESSIONID=real"))
                    .decision();
            assertThat(decision.isDeny()).isTrue();
            assertThat(decision.status()).isEqualTo(400);
            assertThat(decision.reason()).isEqualTo("ambiguous-header");
        }
        assertThat(engine.evaluate(redeemWith("Cookie", "JSESSIONID=real; JSESSIONID=real"))
                        .decision()
                        .reason())
                .as("the same cookie twice is that session, which redeemed")
                .isNotEqualTo("ambiguous-header");
        assertThat(engine.evaluate(redeemWith("Cookie", "JSESSIONID=other")).isDenied())
                .as("another session")
                .isFalse();
    }

    /**
     * probe24 F4: Spring MVC answers 406 after a @ResponseBody handler ran when the client's Accept names no
     * type it can write; settled as a failure, the once-only step could be repeated at will. A 406 keeps
     * the reservation, also when a model learns paths (which records every status).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aOnceOnlyStepAnswered406StaysTaken(boolean learning) {
        SequenceGuard.Builder builder = guard().rule(redeemOnce());
        if (learning) {
            builder.model(new MarkovModel(100), SequenceGuard.ModelUse.LEARN, 0.99);
        }
        AbuseGuard engine =
                AbuseGuard.builder().guard(builder.build()).timeSource(clock).build();

        GuardRequest first = redeem("bot");
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 406);
        for (int again = 0; again < 3; again++) {
            GuardRequest repeated = redeem("bot");
            assertThat(engine.evaluate(repeated).decision().reason())
                    .as("repeat %d after the 406", again)
                    .isEqualTo("forbidden-sequence");
        }
        assertThat(engine.evaluate(redeem("alice")).isDenied())
                .as("another session")
                .isFalse();
        clock.advance(Duration.ofDays(1).plusMinutes(1));
        assertThat(engine.evaluate(redeem("bot")).isDenied())
                .as("after the rule's window")
                .isFalse();
    }

    /**
     * A server error settles the reservation as failed: a legitimate 5xx must not lock a user out of a
     * once-only step for the rule's whole window (an adapter that knows the handler returned normally
     * reports the handler's status instead, see GuardRequest#handlerStatusWanted). Nor does a refusal.
     */
    @ParameterizedTest
    @ValueSource(ints = {500, 503, 401, 409})
    void aOnceOnlyStepAnsweredWithAServerErrorOrARefusalMayBeRetried(int status) {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(redeemOnce()).build())
                .timeSource(clock)
                .build();
        GuardRequest first = redeem("alice");
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, status);

        GuardRequest retried = redeem("alice");
        assertThat(engine.evaluate(retried).isDenied()).isFalse();
        engine.complete(retried, 200);
        assertThat(engine.evaluate(redeem("alice")).decision().reason()).isEqualTo("forbidden-sequence");
    }

    /** A 406 of an operation no forbidding rule reserves is no step a 2xx prerequisite counts. */
    @Test
    void aPrerequisiteAnswered406IsNoPrerequisite() {
        SequenceGuard sequence = guard().rule(verifiedFirst()).build();
        sequence.observe(verify("t"), 406);
        assertThat(sequence.check(pay("t")).reason()).isEqualTo("missing-prerequisite");
    }

    /**
     * Each reservation asks the adapter for the status the handler meant (the Spring starter reports it),
     * so that a 406 written after the handler ran settles the step as the success it was; a request no
     * rule reserves asks for nothing, and costs the adapter nothing.
     */
    @Test
    void aReservationAsksForTheHandlersStatus() {
        SequenceGuard sequence =
                guard().rule(redeemOnce()).rule(verifiedFirst()).build();
        GuardRequest reserving = redeem("alice");
        GuardRequest prior = verify("alice");
        GuardRequest unguarded = request("GET", "/api/gift-cards", "/api/gift-cards", "alice");

        assertThat(sequence.check(reserving).isAllow()).isTrue();
        assertThat(sequence.check(prior).isAllow()).isTrue();
        assertThat(sequence.check(unguarded).isAllow()).isTrue();

        assertThat(reserving.handlerStatusWanted()).isTrue();
        assertThat(prior.handlerStatusWanted()).isFalse();
        assertThat(unguarded.handlerStatusWanted()).isFalse();

        GuardRequest refused = redeem("alice");
        assertThat(sequence.check(refused).isDeny()).isTrue();
        assertThat(refused.handlerStatusWanted())
                .as("refused: it reserved nothing")
                .isFalse();
    }

    private static final String SCORE = "GET /api/scores/{game}";

    private static GuardRequest scores(String method, String token) {
        return request(method, "/api/scores/pacman", "/api/scores/{game}", token);
    }

    private static PrecedenceRule scoreOnce() {
        return new PrecedenceRule(
                "score-once", PrecedenceRule.Kind.FORBIDS, SCORE, SCORE, 2, Duration.ofHours(1), Duration.ZERO, "test");
    }

    /**
     * probe24 F6: a servlet container and Spring MVC answer HEAD with the GET handler, which runs in full;
     * a once-only GET must hold HEAD too, in both orders, as every other guard's GET rule does.
     */
    @ParameterizedTest
    @ValueSource(strings = {"GET,HEAD", "HEAD,GET", "HEAD,HEAD"})
    void aHeadRequestIsTheGetOperationOfAOnceOnlyRule(String methods) {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard().rule(scoreOnce()).build())
                .timeSource(clock)
                .build();
        String[] order = methods.split(",");

        GuardRequest first = scores(order[0], "bot");
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 200);
        Decision second = engine.evaluate(scores(order[1], "bot")).decision();

        assertThat(second.isDeny()).as(methods).isTrue();
        assertThat(second.status()).isEqualTo(403);
        assertThat(second.reason()).isEqualTo("forbidden-sequence");
        assertThat(engine.evaluate(scores(order[1], "alice")).isDenied())
                .as("another session")
                .isFalse();
    }

    /** A HEAD still running holds a once-only GET, as a GET still running does. */
    @Test
    void aHeadStillRunningReservesTheGetStep() {
        SequenceGuard sequence = guard().rule(scoreOnce()).build();
        GuardRequest head = scores("HEAD", "bot");
        assertThat(sequence.check(head).isAllow()).isTrue();
        assertThat(head.handlerStatusWanted()).isTrue();
        assertThat(sequence.check(scores("GET", "bot")).reason()).isEqualTo("forbidden-sequence");
        sequence.cancel(head);
        assertThat(sequence.check(scores("GET", "bot")).isAllow())
                .as("the HEAD's reservation, withdrawn")
                .isTrue();
    }

    /** A GET that requires a prior is refused for a HEAD without it: the GET handler would run. */
    @Test
    void aHeadNeedsThePriorAGetRequires() {
        SequenceGuard sequence = guard().rule(new PrecedenceRule(
                        "download-after-purchase",
                        PrecedenceRule.Kind.REQUIRES,
                        "GET /api/downloads/{id}",
                        "POST /api/purchases",
                        2,
                        Duration.ofHours(1),
                        Duration.ZERO,
                        "test"))
                .build();
        GuardRequest head = request("HEAD", "/api/downloads/7", "/api/downloads/{id}", "bot");

        Decision refused = sequence.check(head);
        assertThat(refused.isDeny()).isTrue();
        assertThat(refused.reason()).isEqualTo("missing-prerequisite");

        sequence.observe(request("POST", "/api/purchases", "/api/purchases", "bot"), 201);
        assertThat(sequence.check(request("HEAD", "/api/downloads/7", "/api/downloads/{id}", "bot"))
                        .isAllow())
                .isTrue();
    }

    /** A rule that names HEAD itself keeps it apart from GET on that route. */
    @Test
    void aRuleNamingHeadKeepsHeadApartFromGet() {
        SequenceGuard sequence = guard().rule(new PrecedenceRule(
                        "head-once",
                        PrecedenceRule.Kind.FORBIDS,
                        "HEAD /api/scores/{game}",
                        "HEAD /api/scores/{game}",
                        2,
                        Duration.ofHours(1),
                        Duration.ZERO,
                        "test"))
                .build();
        GuardRequest head = scores("HEAD", "bot");
        assertThat(sequence.check(head).isAllow()).isTrue();
        sequence.observe(head, 200);
        assertThat(sequence.check(scores("HEAD", "bot")).reason()).isEqualTo("forbidden-sequence");
        assertThat(sequence.check(scores("GET", "bot")).isAllow()).isTrue();
    }

    /**
     * review106 F1: the model's trail is shared (Redis), but which sessions an instance records on it is each
     * instance's own. A session another instance recorded has a shared trail, so an instance on which its site spent
     * the budget scores it on that trail and records its steps only in its own memory, which it never reads while the
     * shared trail is there. The client takes one ordinary step ({@code /}) on instance A, spends its address's budget
     * on instance B with 1,000 made-up sessions of {@code GET /}, then walks {@code /api/scores/chess} 30 times on B:
     * every step is scored as the ordinary {@code /} then {@code /api/scores/chess}, against the frozen trail, and
     * none is refused. The same walker on B with budget left has 25 of 30 refused. README: "Trails live in the state
     * store (Redis shares them)"; "a session past it is ... scored on its path as any other".
     */
    @Test
    void aSessionAnotherInstanceRecordedIsScoredOnItsPathOnAnInstanceWhereItsSiteSpentTheBudget() {
        AbuseGuard a = learnedBrowsingAndDenying("a-");
        AbuseGuard b = learnedBrowsingAndDenying("b-");
        int control = walkAcross(a, b, "203.0.113.80", "walker-control");
        assertThat(control)
                .as("control: chess after chess is refused on B while the site has budget left")
                .isPositive();
        spendNewSessionsBudget(b, "203.0.113.81");
        assertThat(walkAcross(a, b, "203.0.113.81", "walker-spent"))
                .as("of 30 steps on B, those refused after the walker's address spent B's budget")
                .isEqualTo(control);
    }

    /** {@code /} on {@code a}, then {@code /api/scores/chess} 30 times on {@code b}: the steps {@code b} refused. */
    private int walkAcross(AbuseGuard a, AbuseGuard b, String client, String token) {
        GuardRequest first = GuardRequest.builder("GET", "/")
                .route("/")
                .client(client)
                .header("Authorization", "Bearer " + token)
                .build();
        assertThat(a.evaluate(first).isDenied()).isFalse();
        a.complete(first, 200);
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            GuardRequest step = GuardRequest.builder("GET", "/api/scores/chess")
                    .route("/api/scores/chess")
                    .client(client)
                    .header("Authorization", "Bearer " + token)
                    .build();
            if (b.evaluate(step).isDenied()) {
                refused++;
            } else {
                b.complete(step, 200);
            }
        }
        return refused;
    }

    /** An instance of its own (its own guard and model) on the test's shared store, learned as {@link #learnedBrowsingAndDenying()}. */
    private AbuseGuard learnedBrowsingAndDenying(String tokenPrefix) {
        SequenceGuard sequence = guard().model(new MarkovModel(100), SequenceGuard.ModelUse.LEARN_AND_SCORE, 0.99)
                .strangePaths(60, SequenceGuard.StrangePathAnswer.DENY)
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(sequence).timeSource(clock).build();
        for (int session = 0; session < 3 * 8 * MarkovModel.MIN_SAMPLES / 2; session += 2) {
            for (String path : List.of("/", "/api/scores/chess")) {
                GuardRequest step = from(browser(session), request("GET", path, path, tokenPrefix + session));
                assertThat(engine.evaluate(step).isDenied()).isFalse();
                engine.complete(step, 200);
            }
        }
        clock.advance(Duration.ofSeconds(11)); // the threshold is taken again
        return engine;
    }

    /**
     * review106 F2: the trails of sessions past their site's budget share one store of 65,536 sessions per instance,
     * whatever their site. One address past its budget fills it with 70,000 made-up sessions (each one {@code GET /},
     * answered 200) and pushes out the trails of a crowd behind another NAT past its own budget: each of its users
     * is then scored at the second step as at a first, and under model-deny the ordinary {@code /} then {@code
     * /api/scores/chess} is refused, review105 F1's crowd again.
     */
    @Test
    void oneAddressesFloodOfSessionsDoesNotPushOutACrowdsTrails() {
        AbuseGuard engine = learnedBrowsingAndDenying();
        String crowd = "203.0.113.90";
        String flooder = "198.51.100.90";
        spendNewSessionsBudget(engine, crowd);
        spendNewSessionsBudget(engine, flooder);
        int users = 20;
        for (int user = 0; user < users; user++) {
            GuardRequest step = from(crowd, request("GET", "/", "/", "crowd-" + user));
            assertThat(engine.evaluate(step).isDenied()).isFalse();
            engine.complete(step, 200);
        }
        for (int i = 0; i < 70_000; i++) {
            GuardRequest step = from(flooder, request("GET", "/", "/", "flood-" + i));
            if (!engine.evaluate(step).isDenied()) {
                engine.complete(step, 200);
            }
        }
        int refused = 0;
        for (int user = 0; user < users; user++) {
            GuardRequest step = from(crowd, request("GET", "/api/scores/chess", "/api/scores/chess", "crowd-" + user));
            if (engine.evaluate(step).isDenied()) {
                refused++;
            } else {
                engine.complete(step, 200);
            }
        }
        assertThat(refused)
                .as("second steps refused of %d users behind the crowd's NAT, after another address's flood", users)
                .isZero();
    }

    /**
     * review107 F1: one client behind a crowd's NAT spends both budgets of the site (5,096 made-up sessions of {@code
     * GET /} in 10 minutes), and every ordinary user behind it who starts a session after that is scored at each step
     * as at a first step: the ordinary {@code /} then {@code /api/scores/chess} is refused at its second step,
     * review105 F1's crowd again.
     */
    @Test
    void aCrowdsOrdinaryUsersAreNotRefusedOnceOneOfThemSpentBothBudgetsOfTheSite() {
        AbuseGuard engine = learnedBrowsingAndDenying();
        String nat = "203.0.113.102";
        assertThat(ordinaryUsersRefusedSteps(engine, nat, "before-", 20))
                .as("control: ordinary users behind the NAT go through")
                .isZero();
        spendNewSessionsBudget(engine, nat);
        spendKeptSessionsBudget(engine, nat);
        assertThat(ordinaryUsersRefusedSteps(engine, nat, "after-", 20))
                .as("steps refused of 20 ordinary users behind the NAT (40 steps), after one made up 5,096 sessions")
                .isZero();
    }

    /**
     * review109 F1: README's known limit is "sixteen sites flooding past their budgets (81,536 requests in 10 minutes)
     * fill the 65,536 kept trails and push out those of a crowd whose site spent its first budget". But the kept
     * trails live an hour idle while a site's budget of 4,096 kept sessions is renewed every 10 minutes, and a made-up
     * session answered 401 (what a made-up token gets) is kept once the site's 20 refused ones are spent, with no
     * 1,000 answered sessions first: three addresses, each 4,116 made-up sessions answered 401 per 10 minutes for 50
     * minutes, push out the crowd's kept trails, and its users are refused at their ordinary second step.
     */
    @Test
    void threeAddressesFloodingRefusedSessionsForAnHourDoNotPushOutACrowdsTrails() {
        assertThat(crowdsSecondStepsRefusedAfterAnHoursFlood(1))
                .as("control: second steps refused of 20 users behind the crowd's NAT, one flooding address")
                .isZero();
        assertThat(crowdsSecondStepsRefusedAfterAnHoursFlood(3))
                .as("second steps refused of 20 users behind the crowd's NAT, after 3 addresses' 74,088 made-up"
                        + " sessions answered 401 over 50 minutes")
                .isZero();
    }

    /**
     * 20 users of a crowd past its first budget take {@code /}, then {@code flooders} addresses each make up 4,116
     * sessions answered 401 in each of six windows of 10 minutes, then the users take {@code /api/scores/chess}: those
     * refused.
     */
    private int crowdsSecondStepsRefusedAfterAnHoursFlood(int flooders) {
        AbuseGuard engine = learnedBrowsingAndDenying();
        String crowd = "203.0.113." + (150 + flooders);
        spendNewSessionsBudget(engine, crowd);
        int users = 20;
        for (int user = 0; user < users; user++) {
            GuardRequest step = from(crowd, request("GET", "/", "/", "crowd-" + flooders + "-" + user));
            assertThat(engine.evaluate(step).isDenied()).isFalse();
            engine.complete(step, 200);
        }
        int perWindow = SequenceGuard.NEW_REFUSED_SESSIONS + SequenceGuard.KEPT_SESSIONS_PER_SITE;
        for (int window = 0; window < 6; window++) {
            if (window > 0) {
                clock.advance(Duration.ofMinutes(10).plusSeconds(1));
            }
            for (int flooder = 0; flooder < flooders; flooder++) {
                refusedMadeUpSessions(
                        engine, "198.51.100." + (190 + flooder), flooders + "w" + window + "-", perWindow);
            }
        }
        int refused = 0;
        for (int user = 0; user < users; user++) {
            GuardRequest step = from(
                    crowd, request("GET", "/api/scores/chess", "/api/scores/chess", "crowd-" + flooders + "-" + user));
            if (engine.evaluate(step).isDenied()) {
                refused++;
            } else {
                engine.complete(step, 200);
            }
        }
        return refused;
    }

    /**
     * review107 F2: README's known limit was that sites flooding made-up sessions that are answered, sixteen within
     * 10 minutes, fill the 65,536 kept trails and push out those of a crowd whose site spent its first budget. Seventeen
     * addresses, each past both budgets of its own site in one window (5,096 made-up sessions of {@code GET /}, answered
     * 200), and the crowd's users, kept for want of room on the shared trail, are refused at their ordinary second step.
     */
    @Test
    void seventeenAddressesFloodingAnsweredSessionsDoNotPushOutACrowdsTrails() {
        AbuseGuard engine = learnedBrowsingAndDenying();
        String crowd = "203.0.113.170";
        spendNewSessionsBudget(engine, crowd);
        int users = 20;
        for (int user = 0; user < users; user++) {
            GuardRequest step = from(crowd, request("GET", "/", "/", "crowd-" + user));
            assertThat(engine.evaluate(step).isDenied()).isFalse();
            engine.complete(step, 200);
        }
        for (int flooder = 0; flooder < 17; flooder++) {
            String address = "198.51.100." + (100 + flooder);
            spendNewSessionsBudget(engine, address);
            spendKeptSessionsBudget(engine, address);
        }
        int refused = 0;
        for (int user = 0; user < users; user++) {
            GuardRequest step = from(crowd, request("GET", "/api/scores/chess", "/api/scores/chess", "crowd-" + user));
            if (engine.evaluate(step).isDenied()) {
                refused++;
            } else {
                engine.complete(step, 200);
            }
        }
        assertThat(refused)
                .as(
                        "second steps refused of %d users behind the crowd's NAT, after 17 addresses' 86,632 made-up"
                                + " sessions answered 200 in 10 minutes",
                        users)
                .isZero();
    }

    /**
     * review110 F1: README says a session past its site's budget is kept "each for an hour idle", and that a crowd
     * loses kept sessions only to about 65,536 / k sites flooding "at once". Sixteen addresses flood one after
     * another, one per 10-minute window (each 1,000 + 4,096 made-up sessions of {@code GET /}, answered 200), and
     * leave; two hours later a busy NAT (1,000 + 4,096 new sessions in a window, 20 of them ordinary users past the
     * first budget) starts another window: its 1,000 new sessions go on the shared trail, and 20 more are kept. The
     * flooders' sessions, idle for hours, still hold 61,440 places, so the crowd's 20 new ones push out its own users'
     * live sessions (stepped 11 minutes before), and those users are refused at their ordinary second step. Without
     * the flooders none is.
     */
    @Test
    void sitesThatFloodedHoursAgoOneAtATimeDoNotPushOutACrowdsLiveTrails() {
        assertThat(crowdUsersRefusedAfterSequentialFlooders(0))
                .as("control: no flooders")
                .isZero();
        assertThat(crowdUsersRefusedAfterSequentialFlooders(16))
                .as("second steps refused of 20 users behind a NAT, after 16 addresses flooded one at a time and left"
                        + " two hours before")
                .isZero();
    }

    /**
     * review111 F1: README says a crowd holding k kept sessions loses some only to about 65,536 / k sites "each making
     * up 1,000 + k answered sessions, within the hour", and that a kept session lasts "each for an hour idle". A kept
     * session is kept live by any later step of it, from any address, and that step charges nothing once the stepping
     * address spent its 1,000 of the window. Sixteen addresses flood one after another, one per 11 minutes (176
     * minutes, never two at once, never within one hour), and one more address steps every kept flooder session once
     * per 55 minutes for two more hours (its own 1,000 each time, then one {@code GET /api/scores/chess} per session).
     * Then a busy NAT does what it does in review110's test: its 20 users are refused at their ordinary second step.
     * Without the keep-alive address (review110's test), none is.
     */
    @Test
    void floodersSessionsKeptLiveByAnotherAddressDoNotPushOutACrowdsLiveTrails() {
        assertThat(crowdUsersRefusedAfterFloodersKeptLive(16))
                .as("second steps refused of 20 users behind a NAT, after 16 addresses flooded one at a time over 176"
                        + " minutes and a 17th kept their sessions live for two more hours")
                .isZero();
    }

    private int crowdUsersRefusedAfterFloodersKeptLive(int flooders) {
        AbuseGuard engine = learnedBrowsingAndDenying();
        String keeper = "198.51.100.200";
        int[] round = {0};
        int[] flooded = {0};
        Runnable keepLive = () -> {
            madeUpSessions(engine, keeper, "round-" + round[0]++ + "-", SequenceGuard.NEW_ANSWERED_SESSIONS);
            for (int flooder = 0; flooder < flooded[0]; flooder++) { // only sessions kept already: nothing new
                String address = "198.51.100." + (100 + flooder);
                for (int i = 0; i < SequenceGuard.KEPT_SESSIONS_PER_SITE; i++) {
                    GuardRequest step = GuardRequest.builder("GET", "/api/scores/chess")
                            .route("/api/scores/chess")
                            .client(keeper)
                            .header("Authorization", "Bearer kept-" + address + "-" + i)
                            .build();
                    if (!engine.evaluate(step).isDenied()) {
                        engine.complete(step, 200);
                    }
                }
            }
        };
        for (int flooder = 0; flooder < flooders; flooder++) {
            String address = "198.51.100." + (100 + flooder);
            spendNewSessionsBudget(engine, address);
            spendKeptSessionsBudget(engine, address);
            flooded[0]++;
            clock.advance(Duration.ofMinutes(11)); // one site at a time, each in a window of its own
            if (flooder % 5 == 4) {
                keepLive.run(); // each flooder session stepped within 55 minutes
            }
        }
        for (int hour = 0; hour < 3; hour++) {
            keepLive.run();
            clock.advance(Duration.ofMinutes(55));
        }
        keepLive.run();
        String crowd = "203.0.113.180";
        spendNewSessionsBudget(engine, crowd);
        int users = 20;
        for (int user = 0; user < users; user++) {
            GuardRequest step = from(crowd, request("GET", "/", "/", "crowd-" + user));
            assertThat(engine.evaluate(step).isDenied()).isFalse();
            engine.complete(step, 200);
        }
        madeUpSessions(engine, crowd, "crowd-others-", SequenceGuard.KEPT_SESSIONS_PER_SITE - users);
        clock.advance(Duration.ofMinutes(11)); // the crowd's next window
        madeUpSessions(engine, crowd, "crowd-next-window-", SequenceGuard.NEW_ANSWERED_SESSIONS);
        madeUpSessions(engine, crowd, "crowd-next-window-kept-", users);
        int refused = 0;
        for (int user = 0; user < users; user++) {
            GuardRequest step = from(crowd, request("GET", "/api/scores/chess", "/api/scores/chess", "crowd-" + user));
            if (engine.evaluate(step).isDenied()) {
                refused++;
            } else {
                engine.complete(step, 200);
            }
        }
        return refused;
    }

    private int crowdUsersRefusedAfterSequentialFlooders(int flooders) {
        AbuseGuard engine = learnedBrowsingAndDenying();
        for (int flooder = 0; flooder < flooders; flooder++) {
            String address = "198.51.100." + (100 + flooder);
            spendNewSessionsBudget(engine, address);
            spendKeptSessionsBudget(engine, address);
            clock.advance(Duration.ofMinutes(11)); // one site at a time, each in a window of its own
        }
        clock.advance(Duration.ofHours(2)); // every flooder's session is idle past the hour
        String crowd = "203.0.113.180";
        spendNewSessionsBudget(engine, crowd);
        int users = 20;
        for (int user = 0; user < users; user++) {
            GuardRequest step = from(crowd, request("GET", "/", "/", "crowd-" + user));
            assertThat(engine.evaluate(step).isDenied()).isFalse();
            engine.complete(step, 200);
        }
        madeUpSessions(engine, crowd, "crowd-others-", SequenceGuard.KEPT_SESSIONS_PER_SITE - users);
        clock.advance(Duration.ofMinutes(11)); // the crowd's next window
        madeUpSessions(engine, crowd, "crowd-next-window-", SequenceGuard.NEW_ANSWERED_SESSIONS);
        madeUpSessions(engine, crowd, "crowd-next-window-kept-", users);
        int refused = 0;
        for (int user = 0; user < users; user++) {
            GuardRequest step = from(crowd, request("GET", "/api/scores/chess", "/api/scores/chess", "crowd-" + user));
            if (engine.evaluate(step).isDenied()) {
                refused++;
            } else {
                engine.complete(step, 200);
            }
        }
        return refused;
    }

    /** {@code count} made-up sessions of {@code client}, each one {@code GET /} answered 401 unless refused. */
    private void refusedMadeUpSessions(AbuseGuard engine, String client, String tag, int count) {
        for (int i = 0; i < count; i++) {
            GuardRequest step = from(client, request("GET", "/", "/", "refused-" + tag + client + "-" + i));
            if (!engine.evaluate(step).isDenied()) {
                engine.complete(step, 401);
            }
        }
    }

    /** 4,096 more made-up sessions of {@code client} past its site's budget, each one {@code GET /} answered 200. */
    private void spendKeptSessionsBudget(AbuseGuard engine, String client) {
        madeUpSessions(engine, client, "kept-", SequenceGuard.KEPT_SESSIONS_PER_SITE);
    }

    /**
     * review108 F1: README says a step of a session with no trail is flagged, never refused, once its site spent its
     * budget "(past the 4,096 too, or pushed out by other sites' floods ...)", and names as known limit "a client that
     * spends its site's budgets (5,096 new sessions in 10 minutes, per instance)". The code lets it through once the
     * site spent the first budget alone (1,000 sessions of {@code GET /}), while the kept trails still take its
     * sessions: a walker with a fresh token at each step, each one a strange first step ({@code /api/scores/chess}
     * straight away), is refused at every step before and at none after.
     */
    @Test
    void aWalkerRotatingItsSessionIsStillRefusedOnceItsSiteSpentOnlyTheFirstBudget() {
        AbuseGuard engine = learnedBrowsingAndDenying();
        int control = rotatingWalkersRefusedSteps(engine, "203.0.113.108", "rotating-control-");
        assertThat(control)
                .as("control: of 30 strange first steps, those refused while the site has budget left")
                .isEqualTo(30);
        spendNewSessionsBudget(engine, "203.0.113.109");
        assertThat(rotatingWalkersRefusedSteps(engine, "203.0.113.109", "rotating-after-"))
                .as("of 30 strange first steps, those refused after 1,000 sessions of GET / (4,096 kept left)")
                .isEqualTo(control);
    }

    /**
     * review108 F1, the same with one session: its steps sent together, before any is answered, each find an empty
     * trail, and once its site spent the first budget (1,000 sessions, the 4,096 kept ones left) none is refused.
     */
    @Test
    void aWalkersStepsSentTogetherAreStillRefusedOnceItsSiteSpentOnlyTheFirstBudget() {
        AbuseGuard engine = learnedBrowsingAndDenying();
        int control = concurrentWalkersRefusedSteps(engine, "203.0.113.110", "together-control");
        assertThat(control)
                .as("control: of 30 strange steps sent together, those refused")
                .isEqualTo(30);
        spendNewSessionsBudget(engine, "203.0.113.111");
        assertThat(concurrentWalkersRefusedSteps(engine, "203.0.113.111", "together-after"))
                .as("of 30 strange steps sent together, those refused after 1,000 sessions of GET /")
                .isEqualTo(control);
    }

    /** 30 steps {@code GET /api/scores/chess} of {@code client}, each with a fresh token: those refused. */
    private int rotatingWalkersRefusedSteps(AbuseGuard engine, String client, String tokenPrefix) {
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            GuardRequest step = from(client, request("GET", "/api/scores/chess", "/api/scores/chess", tokenPrefix + i));
            if (engine.evaluate(step).isDenied()) {
                refused++;
            } else {
                engine.complete(step, 200);
            }
        }
        return refused;
    }

    /** 30 steps {@code GET /api/scores/chess} of one session, all evaluated before any is answered: those refused. */
    private int concurrentWalkersRefusedSteps(AbuseGuard engine, String client, String token) {
        int refused = 0;
        List<GuardRequest> passed = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            GuardRequest step = from(client, request("GET", "/api/scores/chess", "/api/scores/chess", token));
            if (engine.evaluate(step).isDenied()) {
                refused++;
            } else {
                passed.add(step);
            }
        }
        for (GuardRequest step : passed) {
            engine.complete(step, 200);
        }
        return refused;
    }
}
