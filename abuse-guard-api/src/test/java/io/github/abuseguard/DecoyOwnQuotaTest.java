package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A decoy spends the decoyed client's own quota only, never its neighbours' (a network or allocation rule), a cap's or
 * that of a key naming someone else, whichever guard decoys and in whichever order the rules are declared; nor does a
 * request the client's own limit refuses (review139, review140).
 */
class DecoyOwnQuotaTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private static GuardRequest search(String client) {
        return GuardRequest.builder("GET", "/api/search")
                .route("/api/search")
                .client(client)
                .header("User-Agent", "Mozilla/5.0")
                .build();
    }

    private AbuseGuard networkEngine(Action perAddressAction, String sharedKey) {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("per-address")
                                .path("/api/search")
                                .limit(Limit.of(2, Duration.ofMinutes(1)))
                                .action(perAddressAction)
                                .build())
                        .rule(RateLimitRule.builder("per-network")
                                .path("/api/search")
                                .key(sharedKey)
                                .limit(Limit.of(10, Duration.ofMinutes(1)))
                                .build())
                        .build())
                .timeSource(clock)
                .build();
    }

    /**
     * F1: the decoyed continuation of {@code consume} skips caps and keys naming others, but charges a network (or
     * allocation) rule after the decoying per-address rule: one address over its own limit of 2, decoyed, spends its
     * /24's limit of 10 for every neighbour (a carrier-grade NAT's, an office's). Throttled instead, it spends 2.
     */
    @Test
    void aDecoyedFloodDoesNotSpendItsNeighboursNetworkQuota() {
        assertNeighbourUnharmed("network", "203.0.113.51");
    }

    @Test
    void aDecoyedFloodDoesNotSpendItsNeighboursAllocationQuota() {
        assertNeighbourUnharmed("allocation", "203.0.200.51");
    }

    private void assertNeighbourUnharmed(String sharedKey, String neighbour) {
        AbuseGuard throttling = networkEngine(Action.THROTTLE, sharedKey);
        for (int i = 0; i < 20; i++) {
            throttling.evaluate(search("203.0.113.50"));
        }
        assertThat(throttling.evaluate(search(neighbour)).decision().isAllow())
                .as("control: a throttled flood leaves the %s's quota to the neighbours", sharedKey)
                .isTrue();

        AbuseGuard decoying = networkEngine(Action.DECOY, sharedKey);
        int decoys = 0;
        for (int i = 0; i < 20; i++) {
            decoys += decoying.evaluate(search("203.0.113.50")).decision().action() == Action.DECOY ? 1 : 0;
        }
        assertThat(decoys).as("control: the flood was decoyed").isPositive();
        Evaluation other = decoying.evaluate(search(neighbour));
        assertThat(other.decision().isAllow())
                .as(
                        "a neighbour's first request after one address's decoyed flood (%s): %s",
                        sharedKey, other.decision())
                .isTrue();
    }

    /** Decoys every {@code OPTIONS} request: a bot detector's, an origin guard's decoy, or the risk score's. */
    private static Guard decoyingOptions() {
        return new Guard() {
            @Override
            public String name() {
                return "trap";
            }

            @Override
            public Decision check(GuardRequest request) {
                return request.method().equals("OPTIONS")
                        ? Decision.deny(Action.DECOY)
                                .guard("trap")
                                .reason("bot")
                                .build()
                        : Decision.allow();
            }
        };
    }

    private static GuardRequest request(String method, String client) {
        return GuardRequest.builder(method, "/api/search")
                .route("/api/search")
                .client(client)
                .header("User-Agent", "Mozilla/5.0")
                .build();
    }

    /**
     * F2: {@code RateLimitGuard.decoyed} gives a cap's tokens back but, unlike {@code cancel}, leaves the refunding
     * guard's record of the request's keys ({@code Refunding.chargedKeys}): a decoyed {@code OPTIONS} request, which the
     * servlet filter passes on to the application, is then refunded a second time when its answer (here a 404, a
     * refund status of the cap) is heard. Each such request adds a token to the route's cap: a cap of 2 lets a third
     * request through.
     */
    @Test
    void aDecoyedRequestsAnswerDoesNotRefundTheCapASecondTime() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("cap")
                                .path("/api/search")
                                .key("global")
                                .limit(Limit.of(2, Duration.ofMinutes(1)))
                                .refundStatuses("404")
                                .build())
                        .build())
                .guard(decoyingOptions())
                .timeSource(clock)
                .build();
        int allowed =
                engine.evaluate(request("GET", "198.51.100.10")).decision().isAllow() ? 1 : 0;
        GuardRequest options = request("OPTIONS", "203.0.113.90");
        Evaluation decoyed = engine.evaluate(options);
        assertThat(decoyed.decision().action()).as("control: decoyed").isEqualTo(Action.DECOY);
        engine.complete(options, decoyed, 404); // the application answered the passed-on OPTIONS
        for (int i = 0; i < 3; i++) {
            allowed += engine.evaluate(request("GET", "198.51.100." + (11 + i)))
                            .decision()
                            .isAllow()
                    ? 1
                    : 0;
        }
        assertThat(allowed).as("GET requests let through by a cap of 2").isLessThanOrEqualTo(2);
    }

    /** A guard of one's own that overrides {@code decoyed} alone (it holds nothing a refusal must give back) hears it. */
    @Test
    void aGuardOverridingDecoyedAloneHearsOfTheDecoy() {
        java.util.concurrent.atomic.AtomicInteger heard = new java.util.concurrent.atomic.AtomicInteger();
        Guard counting = new Guard() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.allow();
            }

            @Override
            public void decoyed(GuardRequest request) {
                heard.incrementAndGet();
            }
        };
        AbuseGuard engine =
                AbuseGuard.builder().guard(counting).guard(decoyingOptions()).build();
        assertThat(engine.evaluate(request("OPTIONS", "203.0.113.40"))
                        .decision()
                        .action())
                .isEqualTo(Action.DECOY);
        assertThat(engine.evaluate(request("GET", "203.0.113.40")).decision().isAllow())
                .isTrue();
        assertThat(heard)
                .as("told of the one decoy, not of the allowed request")
                .hasValue(1);
    }

    private RateLimitRule perAddress(Action action, int limit) {
        return RateLimitRule.builder("per-address")
                .path("/api/search")
                .limit(Limit.of(limit, Duration.ofMinutes(1)))
                .action(action)
                .build();
    }

    private static RateLimitRule perNetwork() {
        return RateLimitRule.builder("per-network")
                .path("/api/search")
                .key("network")
                .limit(Limit.of(10, Duration.ofMinutes(1)))
                .build();
    }

    /**
     * F1: review139 F1's fix skips a network rule only after the decoying rule in {@code consume}; a network rule
     * declared BEFORE the per-address decoy rule (both are in the first pass of {@code order}, as declared) is charged
     * before the decoy, and the engine never calls {@code decoyed} on the decoying guard itself: one address's decoyed
     * flood spends its /24's limit of 10 for every neighbour.
     */
    @Test
    void aDecoyedFloodDoesNotSpendANetworkRuleDeclaredBeforeTheDecoyingRule() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(perNetwork())
                        .rule(perAddress(Action.DECOY, 2))
                        .build())
                .timeSource(clock)
                .build();
        int decoys = 0;
        for (int i = 0; i < 20; i++) {
            decoys += engine.evaluate(request("GET", "203.0.113.50")).decision().action() == Action.DECOY ? 1 : 0;
        }
        assertThat(decoys).as("control: the flood was decoyed").isPositive();
        Evaluation other = engine.evaluate(request("GET", "203.0.113.51"));
        assertThat(other.decision().isAllow())
                .as("a neighbour's first request after one address's decoyed flood: %s", other.decision())
                .isTrue();
    }

    /**
     * F1b: the same order with a real refusal: an address over its own limit, throttled, keeps the tokens its /24's
     * rule (declared first) took for every throttled request, so its neighbours are throttled for its flood; with the
     * network rule declared after the per-address rule (review139's test) nothing of the /24's is spent.
     */
    @Test
    void aThrottledFloodDoesNotSpendANetworkRuleDeclaredBeforeThePerAddressRule() {
        AbuseGuard throttling = AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(perNetwork())
                        .rule(perAddress(Action.THROTTLE, 2))
                        .build())
                .timeSource(clock)
                .build();
        for (int i = 0; i < 20; i++) {
            throttling.evaluate(request("GET", "203.0.113.50"));
        }
        assertThat(throttling
                        .evaluate(request("GET", "203.0.113.51"))
                        .decision()
                        .isAllow())
                .as("a neighbour's first request after one address's throttled flood")
                .isTrue();
    }

    /**
     * F2: a decoy answered by a guard asked before the rate-limit guard leaves it unasked, and the engine then
     * {@code charge}s it; {@code consume(charging)} skips caps and keys naming others, but not a network or allocation
     * rule: a decoyed flood spends its /24's quota for every neighbour.
     */
    @Test
    void aDecoyOfAnotherGuardDoesNotSpendTheNetworkRuleOfAnUnaskedRateLimitGuard() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(decoyingOptions())
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(perAddress(Action.THROTTLE, 100))
                        .rule(perNetwork())
                        .build())
                .timeSource(clock)
                .build();
        int decoys = 0;
        for (int i = 0; i < 20; i++) {
            decoys += engine.evaluate(request("OPTIONS", "203.0.113.50"))
                                    .decision()
                                    .action()
                            == Action.DECOY
                    ? 1
                    : 0;
        }
        assertThat(decoys).as("control: the flood was decoyed").isPositive();
        Evaluation other = engine.evaluate(request("GET", "203.0.113.51"));
        assertThat(other.decision().isAllow())
                .as("a neighbour's first request after one address's decoyed flood: %s", other.decision())
                .isTrue();
    }

    private static GuardRequest lookup(String client, String user, String code) {
        return GuardRequest.builder("GET", "/api/search")
                .route("/api/search")
                .client(client)
                .header("User-Agent", "Mozilla/5.0")
                .queryParameter("user", user)
                .queryParameter("code", code)
                .build();
    }

    /**
     * F3: the same hole as F1 for a key naming someone else: a decoying rule keyed by a value the request names
     * ({@code query:user}) comes in the second pass of {@code order}, after another such rule declared before it
     * ({@code query:code}); that rule's token is taken before the decoy and stays spent. An attacker decoyed on a user
     * name it guesses at spends the quota of any code it types: the code's owner is then throttled.
     */
    @Test
    void aDecoyedRequestDoesNotSpendAKeyNamingSomeoneElseDeclaredBeforeTheDecoyingRule() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("per-code")
                                .path("/api/search")
                                .key("query:code")
                                .limit(Limit.of(5, Duration.ofMinutes(1)))
                                .build())
                        .rule(RateLimitRule.builder("per-user")
                                .path("/api/search")
                                .key("query:user")
                                .limit(Limit.of(1, Duration.ofMinutes(1)))
                                .action(Action.DECOY)
                                .build())
                        .build())
                .timeSource(clock)
                .build();
        int decoys = 0;
        for (int i = 0; i < 10; i++) {
            decoys += engine.evaluate(lookup("203.0.113.50", "guessed", "VICTIMCODE"))
                                    .decision()
                                    .action()
                            == Action.DECOY
                    ? 1
                    : 0;
        }
        assertThat(decoys).as("control: the attacker was decoyed").isPositive();
        Evaluation owner = engine.evaluate(lookup("198.51.100.7", "owner", "VICTIMCODE"));
        assertThat(owner.decision().isAllow())
                .as("the code's owner's first request after an attacker's decoyed requests: %s", owner.decision())
                .isTrue();
    }

    /** F3b: F3 with {@code action: throttle}: a refused guess keeps the token of the code it typed (probe57a F8). */
    @Test
    void aThrottledRequestDoesNotSpendAKeyNamingSomeoneElseDeclaredBeforeTheRefusingRule() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("per-code")
                                .path("/api/search")
                                .key("query:code")
                                .limit(Limit.of(5, Duration.ofMinutes(1)))
                                .build())
                        .rule(RateLimitRule.builder("per-user")
                                .path("/api/search")
                                .key("query:user")
                                .limit(Limit.of(1, Duration.ofMinutes(1)))
                                .action(Action.THROTTLE)
                                .build())
                        .build())
                .timeSource(clock)
                .build();
        int throttled = 0;
        for (int i = 0; i < 10; i++) {
            throttled += engine.evaluate(lookup("203.0.113.50", "guessed", "VICTIMCODE"))
                                    .decision()
                                    .action()
                            == Action.THROTTLE
                    ? 1
                    : 0;
        }
        assertThat(throttled).as("control: the attacker was throttled").isPositive();
        Evaluation owner = engine.evaluate(lookup("198.51.100.7", "owner", "VICTIMCODE"));
        assertThat(owner.decision().isAllow())
                .as("the code's owner's first request after an attacker's throttled requests: %s", owner.decision())
                .isTrue();
    }
}
