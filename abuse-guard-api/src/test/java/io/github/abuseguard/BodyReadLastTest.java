package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.Consumption;
import io.github.abuseguard.store.DelegatingStateStore;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.TokenBuckets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guards whose rules need no body are asked before those whose rules read it: a client over its rate limit
 * is refused before its body is read (a slow or padded body would otherwise hold a thread for a refusal that
 * needs none of it), while a refusal of what the body holds still spends the limit, as in the guards' order.
 */
class BodyReadLastTest {

    private static AbuseGuard signUps(int limit) {
        return signUps(signUpLimit(limit));
    }

    /** The sign-up route's rate limit: {@code limit} an hour per address. */
    private static RateLimitRule.Builder signUpLimit(int limit) {
        return RateLimitRule.builder("sign-ups").path("/api/accounts").limit(Limit.of(limit, Duration.ofHours(1)));
    }

    /** The sign-up route's e-mail rule, and {@code rule}. */
    private static AbuseGuard signUps(RateLimitRule.Builder rule) {
        return signUps(LocalStateStore.builder().build(), rule);
    }

    /** The sign-up route's e-mail rule, then a rate-limit guard of {@code rules} over {@code store}. */
    private static AbuseGuard signUps(StateStore store, RateLimitRule.Builder... rules) {
        RateLimitGuard.Builder limits = RateLimitGuard.builder().store(store);
        for (RateLimitRule.Builder rule : rules) {
            limits.rule(rule.build());
        }
        return AbuseGuard.builder()
                .guard(DisposableEmailGuard.of(
                        DisposableDomains.bundled(),
                        List.of(EmailRule.builder("sign-up")
                                .path("/api/accounts")
                                .build())))
                .guard(limits.build())
                .build();
    }

    /** One sign-up an hour per mailbox, read from the body. */
    private static RateLimitRule.Builder perMailbox() {
        return RateLimitRule.builder("per-mailbox")
                .path("/api/accounts")
                .key("mailbox:/email")
                .limit(Limit.of(1, Duration.ofHours(1)));
    }

    private static PathReads signUp(String client, String email) {
        return new PathReads(GuardRequest.builder("POST", "/api/accounts")
                .route("/api/accounts")
                .client(client)
                .body("application/json", "{\"email\":\"" + email + "\"}")
                .build());
    }

    @Test
    void aClientOverItsRateLimitIsRefusedBeforeItsBodyIsRead() {
        AbuseGuard engine = signUps(3);
        for (int i = 0; i < 3; i++) {
            PathReads allowed = signUp("203.0.113.7", "ann" + i + "@example.com");
            assertThat(engine.evaluate(allowed).isDenied()).isFalse();
            assertThat(allowed.bodyReads)
                    .as("an allowed sign-up's address is checked")
                    .isPositive();
        }

        PathReads over = signUp("203.0.113.7", "ann3@example.com");
        Evaluation refused = engine.evaluate(over);
        assertThat(refused.decision().status()).isEqualTo(429);
        assertThat(refused.decision().guard()).isEqualTo(RateLimitGuard.NAME);
        assertThat(over.bodyReads).as("refused without reading the body").isZero();

        PathReads listed = signUp("203.0.113.7", "x@mailinator.com");
        assertThat(engine.evaluate(listed).decision().status())
                .as("a listed address over the limit: the limit's answer, as before")
                .isEqualTo(429);
        assertThat(listed.bodyReads).isZero();
    }

    /**
     * probe70a: a sign-up route whose rate-limit guard also limits the mailbox read from the body was one guard that
     * reads the body, asked after the e-mail guard: the client over its limit per address had its body read and
     * parsed by the e-mail guard first. The limit per address, known spent on this instance, now refuses it before.
     */
    @Test
    void aClientOverItsAddressLimitIsRefusedBeforeItsBodyIsReadWhereAMailboxLimitReadsItToo() {
        AbuseGuard engine = signUpsWithMailboxLimit(
                LocalStateStore.builder().maximumKeys(1_000).build());
        for (int i = 0; i < 3; i++) {
            PathReads allowed = signUp("203.0.113.50", "ann" + i + "@example.com");
            assertThat(engine.evaluate(allowed).isDenied()).isFalse();
            assertThat(allowed.bodyReads).isPositive();
        }
        PathReads over = signUp("203.0.113.50", "ann3@example.com");
        Evaluation refused = engine.evaluate(over);
        assertThat(refused.decision().status()).isEqualTo(429);
        assertThat(refused.decision().rule()).isEqualTo("sign-ups");
        assertThat(over.bodyReads).as("refused without reading the body").isZero();

        PathReads listed = signUp("203.0.113.50", "x@mailinator.com");
        assertThat(engine.evaluate(listed).decision().status()).isEqualTo(429);
        assertThat(listed.bodyReads).isZero();

        PathReads other = signUp("203.0.113.51", "ann3@example.com");
        assertThat(engine.evaluate(other).isDenied())
                .as("another address, the same mailbox under its limit")
                .isFalse();
        assertThat(other.bodyReads).isPositive();
    }

    /**
     * Under the limit nothing changes: a listed address is refused by the e-mail guard and spends the address's
     * limit, not the mailbox's, whether or not the limit was asked before the e-mail guard read the body.
     */
    @Test
    void aListedAddressSpendsTheAddressLimitAndNotTheMailboxLimitWhateverTheOrder() {
        for (boolean knownSpent : new boolean[] {false, true}) {
            LocalStateStore local = LocalStateStore.builder().maximumKeys(1_000).build();
            // a store that says every bucket is spent, which none is: the limit is asked first, and is wrong
            AbuseGuard engine = signUpsWithMailboxLimit(knownSpent ? new EveryBucketKnownSpent(local) : local);
            String client = "203.0.113.6" + (knownSpent ? 1 : 0);
            assertThat(engine.evaluate(signUp(client, "x@mailinator.com"))
                            .decision()
                            .status())
                    .isEqualTo(422);
            assertThat(engine.evaluate(signUp(client, "y@mailinator.com"))
                            .decision()
                            .status())
                    .isEqualTo(422);
            assertThat(engine.evaluate(signUp(client, "ann@example.com")).isDenied())
                    .as("the third of three per address")
                    .isFalse();
            Evaluation over = engine.evaluate(signUp(client, "bob@example.com"));
            assertThat(over.decision().rule()).as("known spent: " + knownSpent).isEqualTo("sign-ups");
            assertThat(engine.evaluate(signUp("198.51.100.60", "x@mailinator.com"))
                            .decision()
                            .status())
                    .as("the listed mailbox spent nothing of its own limit")
                    .isEqualTo(422);
            assertThat(engine.evaluate(signUp("198.51.100.61", "ann@example.com"))
                            .decision()
                            .rule())
                    .as("the mailbox limit counts what got through: one of one")
                    .isEqualTo("per-mailbox");
        }
    }

    /**
     * review73 F1: a rule keyed by a value any client may send for another (the HTTP Basic user name) reads no body,
     * and was peeked as a per-address rule is: anyone who spends a user name's bucket has every request naming it
     * asked of the rate limit first. A listed address naming that user is answered 429 by the user name's limit
     * instead of 422 by the e-mail guard, and the client's own per-address limit, after it in the rules, is not
     * charged for its refused sign-up. Only rules keyed by what is the client's own may be peeked.
     */
    @Test
    void aLimitKeyedByAValueOthersMaySendIsNotPeeked() {
        AbuseGuard engine = signUps(
                LocalStateStore.builder().build(),
                RateLimitRule.builder("per-user")
                        .path("/api/accounts")
                        .key("basic-user")
                        .limit(Limit.of(1, Duration.ofHours(1))),
                signUpLimit(3),
                perMailbox());
        String victim = "Basic " + java.util.Base64.getEncoder().encodeToString("victim:pw".getBytes());
        // someone else spends the victim's user name: one request through, the second refused
        assertThat(engine.evaluate(basicSignUp("198.51.100.9", victim, "a@example.com"))
                        .isDenied())
                .isFalse();
        assertThat(engine.evaluate(basicSignUp("198.51.100.9", victim, "b@example.com"))
                        .decision()
                        .rule())
                .isEqualTo("per-user");

        PathReads listed = basicSignUp("203.0.113.80", victim, "x@mailinator.com");
        Evaluation answer = engine.evaluate(listed);
        assertThat(answer.decision().status())
                .as("the e-mail guard's answer, as in the guards' order: the user name's bucket was not this client's"
                        + " to peek")
                .isEqualTo(422);
        assertThat(listed.bodyReads).isPositive();
    }

    private static PathReads basicSignUp(String client, String authorization, String email) {
        return new PathReads(GuardRequest.builder("POST", "/api/accounts")
                .route("/api/accounts")
                .client(client)
                .header("Authorization", authorization)
                .body("application/json", "{\"email\":\"" + email + "\"}")
                .build());
    }

    /**
     * review73 F3: the guard said "a wrong answer changes only the order the guards are asked in". With a cap for
     * every client on the route it does not: a rate limit asked first on a wrong "refuses" (a token given back
     * between the peek and the check) answers a listed address 429 capacity-reached before the e-mail guard sees
     * it, where the guards' order answers 422 and spends the client's own limit. A refusal either way, as the
     * contract now says; a right look changes nothing. (The stale fallback of review73 F2 no longer looks wrong.)
     */
    @Test
    void aWrongPeekWithASpentCapStillRefusesAListedAddress() {
        for (boolean knownSpent : new boolean[] {false, true}) {
            LocalStateStore local = LocalStateStore.builder().maximumKeys(1_000).build();
            StateStore store = knownSpent ? new EveryBucketKnownSpent(local) : local;
            AbuseGuard engine = signUps(
                    store,
                    perMailbox(),
                    signUpLimit(3),
                    RateLimitRule.builder("site-wide")
                            .path("/api/accounts")
                            .key("global")
                            .limit(Limit.of(1, Duration.ofHours(1))));
            assertThat(engine.evaluate(signUp("198.51.100.70", "ann@example.com"))
                            .isDenied())
                    .as("the cap's one sign-up")
                    .isFalse();
            String client = "203.0.113.9" + (knownSpent ? 1 : 0);
            Evaluation listed = engine.evaluate(signUp(client, "x@mailinator.com"));
            assertThat(listed.decision().status())
                    .as("known spent: " + knownSpent)
                    .isEqualTo(knownSpent ? 429 : 422);
            assertThat(listed.decision().guard())
                    .isEqualTo(knownSpent ? RateLimitGuard.NAME : DisposableEmailGuard.NAME);
        }
    }

    /**
     * review73 F4: "nothing changes for a request under the limit", but each such request on a route with a mailbox
     * limit has its per-address key resolved, and its bucket looked up, twice: once by the look before the body,
     * once by the check. That is the look's cost, on such routes only, and no more than that.
     */
    @Test
    void aSignUpUnderTheLimitResolvesItsAddressKeyOnceForTheLookAndOnceForTheCheck() {
        java.util.concurrent.atomic.AtomicInteger resolved = new java.util.concurrent.atomic.AtomicInteger();
        KeyResolver counting = request -> {
            resolved.incrementAndGet();
            return request.client().key();
        };
        AbuseGuard engine = signUps(
                LocalStateStore.builder().build(),
                perMailbox(),
                RateLimitRule.builder("sign-ups")
                        .path("/api/accounts")
                        .key(counting, "counting-ip")
                        .limit(Limit.of(3, Duration.ofHours(1))));
        assertThat(engine.evaluate(signUp("203.0.113.44", "ann@example.com")).isDenied())
                .isFalse(); // the bucket is made
        resolved.set(0);
        assertThat(engine.evaluate(signUp("203.0.113.44", "bob@example.com")).isDenied())
                .isFalse();
        assertThat(resolved.get()).as("key resolutions for one allowed sign-up").isEqualTo(2);
    }

    /** The e-mail guard, then a rate-limit guard of three sign-ups per address an hour and one per mailbox. */
    private static AbuseGuard signUpsWithMailboxLimit(StateStore store) {
        return signUps(store, perMailbox(), signUpLimit(3));
    }

    /** A local store whose buckets all claim to be known spent, which only moves the guard that asks forward. */
    private static final class EveryBucketKnownSpent extends DelegatingStateStore {
        EveryBucketKnownSpent(StateStore store) {
            super(store);
        }

        @Override
        public TokenBuckets tokenBuckets(String namespace, BucketSpec spec) {
            TokenBuckets buckets = store.tokenBuckets(namespace, spec);
            return new TokenBuckets() {
                @Override
                public Consumption tryConsume(String key, long tokens) {
                    return buckets.tryConsume(key, tokens);
                }

                @Override
                public void refund(String key, long tokens) {
                    buckets.refund(key, tokens);
                }

                @Override
                public boolean knownToRefuse(String key, long tokens) {
                    return true;
                }

                @Override
                public long trackedKeys() {
                    return buckets.trackedKeys();
                }
            };
        }
    }

    /** A plain servlet filter without route templates plans no route: the guards are asked in the same order. */
    @Test
    void withoutARouteAClientOverItsRateLimitIsRefusedBeforeItsBodyIsRead() {
        AbuseGuard engine = signUps(1);
        PathReads first = new PathReads(GuardRequest.builder("POST", "/api/accounts")
                .client("203.0.113.12")
                .body("application/json", "{\"email\":\"ann@example.com\"}")
                .build());
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        assertThat(first.bodyReads).isPositive();

        PathReads over = new PathReads(GuardRequest.builder("POST", "/api/accounts")
                .client("203.0.113.12")
                .body("application/json", "{\"email\":\"x@mailinator.com\"}")
                .build());
        assertThat(engine.evaluate(over).decision().status()).isEqualTo(429);
        assertThat(over.bodyReads).as("refused without reading the body").isZero();
    }

    @Test
    void aListedAddressStillSpendsTheLimitAndItsRefusalKeepsTheTokenTheLimitTook() {
        AbuseGuard engine = signUps(2);
        assertThat(engine.evaluate(signUp("203.0.113.8", "x@mailinator.com"))
                        .decision()
                        .status())
                .isEqualTo(422);
        assertThat(engine.evaluate(signUp("203.0.113.8", "y@mailinator.com"))
                        .decision()
                        .status())
                .isEqualTo(422);
        assertThat(engine.evaluate(signUp("203.0.113.8", "ann@example.com"))
                        .decision()
                        .status())
                .as("the two refused addresses spent the limit")
                .isEqualTo(429);
    }

    /**
     * A guard after the e-mail guard that holds something for each request it passes (a once-only step's
     * reservation, a failure rule's in-flight slot) is asked first now; a listed address's refusal charges the
     * guards after it only with {@link Guard#charge}, which takes nothing from such a guard: what it held is given
     * back, as when it was never asked.
     */
    @Test
    void whatAGuardAskedFirstHoldsIsGivenBackWhenTheBodyIsRefused() {
        Holding holding = new Holding();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(DisposableEmailGuard.of(
                        DisposableDomains.bundled(),
                        List.of(EmailRule.builder("sign-up")
                                .path("/api/accounts")
                                .build())))
                .guard(holding)
                .build();
        PathReads listed = signUp("203.0.113.13", "x@mailinator.com");
        assertThat(engine.evaluate(listed).decision().status()).isEqualTo(422);
        assertThat(holding.checked).as("asked before the body was read").isEqualTo(1);
        assertThat(holding.held).as("given back").isZero();
    }

    /**
     * review38b F1: a cap every client shares is charged only by what gets through ({@link RateLimitGuard}); the
     * limit asked before the e-mail guard took from the cap in its check, and gives it back when the address is
     * refused, so a flood of listed addresses from many clients does not shut everyone else out.
     */
    @Test
    void listedAddressesDoNotSpendACapSharedByEveryClient() {
        AbuseGuard engine = signUps(RateLimitRule.builder("site-wide")
                .path("/api/accounts")
                .key("global")
                .limit(Limit.of(2, Duration.ofHours(1))));
        for (int i = 0; i < 5; i++) {
            assertThat(engine.evaluate(signUp("203.0.113." + (20 + i), "x" + i + "@mailinator.com"))
                            .decision()
                            .status())
                    .isEqualTo(422);
        }
        assertThat(engine.evaluate(signUp("198.51.100.20", "ann@example.com")).isDenied())
                .as("the refused addresses spent nothing of the cap")
                .isFalse();
        assertThat(engine.evaluate(signUp("198.51.100.21", "bob@example.com")).isDenied())
                .isFalse();
        assertThat(engine.evaluate(signUp("198.51.100.22", "eve@example.com"))
                        .decision()
                        .status())
                .as("the cap still counts what gets through")
                .isEqualTo(429);
    }

    /**
     * review38b F2, review39 F1: over a limit that tarpits, the limit asked first answers with its tarpit, which
     * may pass the request on after its delay; the listed address is refused all the same, and, as in the guards'
     * order, the refusal charges the limit. The tarpit never stands for the refusal: it would let the address
     * through ({@code tarpit.then: pass}).
     */
    @Test
    void overATarpittingLimitAListedAddressIsStillRefused() {
        AbuseGuard engine = signUps(signUpLimit(1).action(Action.TARPIT));
        assertThat(engine.evaluate(signUp("203.0.113.30", "x@mailinator.com"))
                        .decision()
                        .status())
                .isEqualTo(422);
        Evaluation over = engine.evaluate(signUp("203.0.113.30", "y@mailinator.com"));
        assertThat(over.decision().guard()).isEqualTo(DisposableEmailGuard.NAME);
        assertThat(over.decision().status()).isEqualTo(422);
        assertThat(engine.evaluate(signUp("203.0.113.30", "ann@example.com"))
                        .decision()
                        .action())
                .as("the refused address spent the limit")
                .isEqualTo(Action.TARPIT);
    }

    /**
     * review38b F5: a guard whose rule reads the body is asked after the rate limit; when it exempts the
     * request, the limit gives back what its check took, as if it had never been asked.
     */
    @Test
    void anExemptionByABodyRuleGivesBackWhatTheGuardsAskedFirstTook() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(new ExemptingByBody())
                .guard(RateLimitGuard.builder().rule(signUpLimit(2).build()).build())
                .build();
        for (int i = 0; i < 4; i++) {
            assertThat(engine.evaluate(signUp("203.0.113.40", ExemptingByBody.EXEMPT))
                            .isDenied())
                    .as("exempt")
                    .isFalse();
        }
        assertThat(engine.evaluate(signUp("203.0.113.40", "ann@example.com")).isDenied())
                .as("the exempt requests spent nothing")
                .isFalse();
        assertThat(engine.evaluate(signUp("203.0.113.40", "bob@example.com")).isDenied())
                .isFalse();
        assertThat(engine.evaluate(signUp("203.0.113.40", "eve@example.com"))
                        .decision()
                        .status())
                .isEqualTo(429);
    }

    /** Exempts sign-ups of one address, read from the body. */
    private static final class ExemptingByBody extends RuleGuard<EmailRule> {
        static final String EXEMPT = "ops@example.com";

        ExemptingByBody() {
            super(
                    "exempting",
                    List.of(EmailRule.builder("by-body").path("/api/accounts").build()));
        }

        @Override
        protected boolean readsBody(EmailRule rule) {
            return true;
        }

        @Override
        public Decision check(GuardRequest request) {
            return EXEMPT.equals(request.bodyField("/email").single()) ? Decision.exempt() : Decision.allow();
        }
    }

    /** Holds one unit per request it passes, until cancelled. */
    private static final class Holding implements Guard {
        int checked;
        int held;

        @Override
        public String name() {
            return "holding";
        }

        @Override
        public Decision check(GuardRequest request) {
            checked++;
            held++;
            return Decision.allow();
        }

        @Override
        public void cancel(GuardRequest request) {
            held--;
        }
    }

    @Test
    void aBodyRefusalThatSpendsNothingGivesBackTheTokenTheLimitTookFirst() {
        AbuseGuard engine = signUps(2);
        for (int i = 0; i < 4; i++) {
            Evaluation unreadable = engine.evaluate(new PathReads(GuardRequest.builder("POST", "/api/accounts")
                    .route("/api/accounts")
                    .client("203.0.113.9")
                    .body("application/json", "{\"email\":")
                    .build()));
            assertThat(unreadable.decision().guard()).isEqualTo(DisposableEmailGuard.NAME);
            assertThat(unreadable.decision().status()).isEqualTo(400);
        }
        assertThat(engine.evaluate(signUp("203.0.113.9", "ann@example.com")).isDenied())
                .as("the unreadable bodies spent nothing")
                .isFalse();
        assertThat(engine.evaluate(signUp("203.0.113.9", "bob@example.com")).isDenied())
                .isFalse();
        assertThat(engine.evaluate(signUp("203.0.113.9", "eve@example.com"))
                        .decision()
                        .status())
                .isEqualTo(429);
    }

    @Test
    void aLoginOverItsRateLimitIsRefusedBeforeTheUserNamesItCountsAreRead() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(FailureGuard.builder()
                        .store(io.github.abuseguard.store.LocalStateStore.builder()
                                .maximumKeys(1_000)
                                .build())
                        .rule(FailureRule.builder("logins")
                                .path("/api/login")
                                .methods("POST")
                                .distinct("body:/username")
                                .maxRetry(10)
                                .build())
                        .build())
                .guard(RateLimitGuard.builder()
                        .rule(RateLimitRule.builder("login-rate")
                                .path("/api/login")
                                .limit(Limit.of(2, Duration.ofMinutes(1)))
                                .build())
                        .build())
                .build();
        for (int i = 0; i < 3; i++) {
            PathReads login = new PathReads(GuardRequest.builder("POST", "/api/login")
                    .route("/api/login")
                    .client("198.51.100.4")
                    .body("application/json", "{\"username\":\"user" + i + "\",\"password\":\"x\"}")
                    .build());
            Evaluation evaluation = engine.evaluate(login);
            if (i < 2) {
                assertThat(evaluation.isDenied()).isFalse();
            } else {
                assertThat(evaluation.decision().guard()).isEqualTo(RateLimitGuard.NAME);
                assertThat(login.bodyReads)
                        .as("refused without reading the body")
                        .isZero();
            }
        }
    }

    @Test
    void aKeyReadFromTheBodyKeepsItsRuleInTheGuardsOrder() {
        AbuseGuard engine = signUps(RateLimitRule.builder("per-address")
                .path("/api/accounts")
                .key("body:/email")
                .limit(Limit.of(1, Duration.ofHours(1))));
        assertThat(engine.evaluate(signUp("203.0.113.10", "ann@example.com")).isDenied())
                .isFalse();
        assertThat(engine.evaluate(signUp("203.0.113.10", "x@mailinator.com"))
                        .decision()
                        .status())
                .as("both read the body: the e-mail guard is asked first, in its place")
                .isEqualTo(422);
        assertThat(engine.evaluate(signUp("203.0.113.11", "ann@example.com"))
                        .decision()
                        .status())
                .isEqualTo(429);
    }
}
