package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** review138: the decoy continuation of {@code RateLimitGuard.consume} and {@code chargeDecoyed} (5d44c8a1). */
class Review138DecoyTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private static GuardRequest search(String client) {
        return GuardRequest.builder("GET", "/api/search")
                .route("/api/search")
                .client(client)
                .header("User-Agent", "Mozilla/5.0")
                .build();
    }

    private AbuseGuard searchEngine(Action perClientAction) {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("per-client")
                                .path("/api/search")
                                .limit(Limit.of(2, Duration.ofMinutes(1)))
                                .action(perClientAction)
                                .build())
                        .rule(RateLimitRule.builder("cap")
                                .path("/api/search")
                                .key("global")
                                .limit(Limit.of(10, Duration.ofMinutes(1)))
                                .build())
                        .build())
                .timeSource(clock)
                .build();
    }

    /**
     * F1: a per-client rule's own {@code action: decoy} now goes on to the rules after it, the global cap included
     * (checked, not charged: {@code charging} is false). One address over its limit of 2, decoyed 18 times, spends the
     * route's cap of 10 for everyone; the same address throttled instead spends 2. {@code chargeDecoyed}'s own
     * javadoc says caps are not charged for a decoy, and the rule order's says a request refused by a per-client rule
     * never reaches a global bucket.
     */
    @Test
    void aDecoyedFloodDoesNotSpendTheRoutesCapForEveryoneElse() {
        AbuseGuard throttling = searchEngine(Action.THROTTLE);
        for (int i = 0; i < 20; i++) {
            throttling.evaluate(search("203.0.113.50"));
        }
        assertThat(throttling.evaluate(search("198.51.100.51")).decision().isAllow())
                .as("control: a throttled flood leaves the cap to the others")
                .isTrue();

        AbuseGuard decoying = searchEngine(Action.DECOY);
        int decoys = 0;
        for (int i = 0; i < 20; i++) {
            Evaluation answer = decoying.evaluate(search("203.0.113.60"));
            decoys += answer.decision().action() == Action.DECOY ? 1 : 0;
        }
        assertThat(decoys).as("control: the flood was decoyed").isPositive();
        Evaluation other = decoying.evaluate(search("198.51.100.61"));
        assertThat(other.decision().isAllow())
                .as("another client's first request after a decoyed flood: %s", other.decision())
                .isTrue();
    }

    private static GuardRequest login(String client, String user) {
        return GuardRequest.builder("POST", "/login")
                .route("/login")
                .client(client)
                .header("User-Agent", "Mozilla/5.0")
                .body("application/json", "{\"username\":\"" + user + "\",\"password\":\"guess\"}")
                .build();
    }

    private AbuseGuard loginEngine(Action perAddressAction) {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("per-address")
                                .path("/login")
                                .methods("POST")
                                .limit(Limit.of(3, Duration.ofMinutes(10)))
                                .action(perAddressAction)
                                .build())
                        .rule(RateLimitRule.builder("per-user")
                                .path("/login")
                                .methods("POST")
                                .key("body:/username")
                                .limit(Limit.of(5, Duration.ofMinutes(10)))
                                .build())
                        .build())
                .timeSource(clock)
                .build();
    }

    /**
     * F2: the same continuation spends the bucket of a user name the request typed (probe57a F8, probe44b F2: a
     * request refused by its address's rule writes no bucket under the name it sends). With a per-address limit of
     * 3 answered by a throttle an attacker spends 3 of the victim's 5 log-ins; answered by a decoy, every decoyed
     * guess spends one more, and the victim is locked out by requests that never reached the application.
     */
    @Test
    void aDecoyedAttackerDoesNotSpendTheVictimsLoginQuota() {
        AbuseGuard throttling = loginEngine(Action.THROTTLE);
        for (int i = 0; i < 20; i++) {
            throttling.evaluate(login("203.0.113.70", "victim"));
        }
        assertThat(throttling
                        .evaluate(login("198.51.100.71", "victim"))
                        .decision()
                        .isAllow())
                .as("control: a throttled attacker spent 3 of the victim's 5")
                .isTrue();

        AbuseGuard decoying = loginEngine(Action.DECOY);
        int decoys = 0;
        for (int i = 0; i < 20; i++) {
            Evaluation answer = decoying.evaluate(login("203.0.113.80", "victim2"));
            decoys += answer.decision().action() == Action.DECOY ? 1 : 0;
        }
        assertThat(decoys).as("control: the attacker was decoyed").isPositive();
        Evaluation victim = decoying.evaluate(login("198.51.100.81", "victim2"));
        assertThat(victim.decision().isAllow())
                .as("the victim's own log-in after a decoyed attacker's guesses: %s", victim.decision())
                .isTrue();
    }

    /**
     * F3: a guard after the decoying one is not asked and is charged with {@code chargeDecoyed}, which for a rate-limit
     * guard charges keys naming others too ({@code answered} skips probe57a F8's rule). A bot detector that decoys a
     * known bot (instead of refusing it) makes every decoyed guess spend the victim's per-user quota: refused with a
     * 403 the bot spends none.
     */
    @Test
    void aGuardNotAskedBeforeADecoyDoesNotChargeAVictimsKey() {
        AbuseGuard refusing = botEngine(Action.REJECT);
        for (int i = 0; i < 10; i++) {
            refusing.evaluate(login("203.0.113.90", "victim3"));
        }
        assertThat(refusing.evaluate(login("198.51.100.91", "victim3"))
                        .decision()
                        .isAllow())
                .as("control: a refused bot spends none of the victim's quota")
                .isTrue();

        AbuseGuard decoying = botEngine(Action.DECOY);
        int decoys = 0;
        for (int i = 0; i < 10; i++) {
            Evaluation answer = decoying.evaluate(login("203.0.113.90", "victim4"));
            decoys += answer.decision().action() == Action.DECOY ? 1 : 0;
        }
        assertThat(decoys).as("control: the bot was decoyed").isPositive();
        Evaluation victim = decoying.evaluate(login("198.51.100.91", "victim4"));
        assertThat(victim.decision().isAllow())
                .as("the victim's own log-in after a decoyed bot's guesses: %s", victim.decision())
                .isTrue();
    }

    private AbuseGuard botEngine(Action botAction) {
        Guard bots = new Guard() {
            @Override
            public String name() {
                return "bots";
            }

            @Override
            public Decision check(GuardRequest request) {
                return request.client().key().contains("203.0.113.90")
                        ? Decision.deny(botAction).guard("bots").reason("bot").build()
                        : Decision.allow();
            }
        };
        return AbuseGuard.builder()
                .guard(bots)
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("per-user")
                                .path("/login")
                                .methods("POST")
                                .key("body:/username")
                                .limit(Limit.of(5, Duration.ofMinutes(10)))
                                .build())
                        .build())
                .timeSource(clock)
                .build();
    }

    /**
     * F1, across guards: a rate-limit guard that let the request through now keeps what its check took when a later
     * guard decoys it ({@code keepsChargeOfADecoy}), its global cap's token included; before, it was cancelled and
     * charged again, and a charge skips the cap. A known bot decoyed 20 times spends the search route's cap of 10 for
     * everyone; refused with a 403 it spends none.
     */
    @Test
    void aBotDecoyedAfterTheRateLimitGuardDoesNotSpendTheCap() {
        AbuseGuard refusing = cappedBotEngine(Action.REJECT);
        for (int i = 0; i < 20; i++) {
            refusing.evaluate(search("203.0.113.90"));
        }
        assertThat(refusing.evaluate(search("198.51.100.92")).decision().isAllow())
                .as("control: a refused bot leaves the cap to the others")
                .isTrue();

        AbuseGuard decoying = cappedBotEngine(Action.DECOY);
        int decoys = 0;
        for (int i = 0; i < 20; i++) {
            Evaluation answer = decoying.evaluate(search("203.0.113.90"));
            decoys += answer.decision().action() == Action.DECOY ? 1 : 0;
        }
        assertThat(decoys).as("control: the bot was decoyed").isPositive();
        Evaluation other = decoying.evaluate(search("198.51.100.93"));
        assertThat(other.decision().isAllow())
                .as("another client's first request after a decoyed bot's 20: %s", other.decision())
                .isTrue();
    }

    private AbuseGuard cappedBotEngine(Action botAction) {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("cap-" + botAction)
                                .path("/api/search")
                                .key("global")
                                .limit(Limit.of(10, Duration.ofMinutes(1)))
                                .build())
                        .build())
                .guard(botGuard(botAction))
                .timeSource(clock)
                .build();
    }

    private static Guard botGuard(Action botAction) {
        return new Guard() {
            @Override
            public String name() {
                return "bots";
            }

            @Override
            public Decision check(GuardRequest request) {
                return request.client().key().contains("203.0.113.90")
                        ? Decision.deny(botAction).guard("bots").reason("bot").build()
                        : Decision.allow();
            }
        };
    }
}
