package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** review140: the decoy accounting after d7ad4cb5. */
class Review140DecoyTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private static GuardRequest request(String method, String client) {
        return GuardRequest.builder(method, "/api/search")
                .route("/api/search")
                .client(client)
                .header("User-Agent", "Mozilla/5.0")
                .build();
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

    /** Decoys every {@code OPTIONS} request: a bot detector's, an origin guard's decoy. */
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
