package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.VolumeGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A decoy spends the decoyed client's own quota only, never its neighbours' (a network or allocation rule), a cap's or
 * that of a key naming someone else, whichever guard decoys and in whichever order the rules are declared; nor does a
 * request the client's own limit refuses (review138, review139, review140). Each flood is sent twice, once refused
 * for real (the control) and once decoyed; after either, another client's first request is served.
 */
class DecoyOwnQuotaTest {
    private static final String ATTACKER = "203.0.113.50";

    private final FakeTimeSource clock = new FakeTimeSource();

    private static GuardRequest request(String method, String client) {
        return GuardRequest.builder(method, "/api/search")
                .route("/api/search")
                .client(client)
                .header("User-Agent", "Mozilla/5.0")
                .build();
    }

    private static GuardRequest search(String client) {
        return request("GET", client);
    }

    private static GuardRequest login(String client, String user) {
        return GuardRequest.builder("POST", "/login")
                .route("/login")
                .client(client)
                .header("User-Agent", "Mozilla/5.0")
                .body("application/json", "{\"username\":\"" + user + "\",\"password\":\"guess\"}")
                .build();
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

    /** Answers {@code action} to the requests {@code refused} picks: a bot detector's, an origin guard's decoy. */
    private static Guard refusing(Predicate<GuardRequest> refused, Action action) {
        return new Guard() {
            @Override
            public String name() {
                return "trap";
            }

            @Override
            public Decision check(GuardRequest request) {
                return refused.test(request)
                        ? Decision.deny(action).guard("trap").reason("bot").build()
                        : Decision.allow();
            }
        };
    }

    private static Guard decoyingOptions() {
        return refusing(request -> request.method().equals("OPTIONS"), Action.DECOY);
    }

    private static Guard refusingAttacker(Action action) {
        return refusing(request -> request.client().key().contains(ATTACKER), action);
    }

    private AbuseGuard engine(Guard... guards) {
        AbuseGuard.Builder builder = AbuseGuard.builder().timeSource(clock);
        for (Guard guard : guards) {
            builder.guard(guard);
        }
        return builder.build();
    }

    private RateLimitGuard limits(RateLimitRule... rules) {
        RateLimitGuard.Builder builder = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build());
        for (RateLimitRule rule : rules) {
            builder.rule(rule);
        }
        return builder.build();
    }

    private static RateLimitRule perAddress(Action action, int limit) {
        return RateLimitRule.builder("per-address")
                .path("/api/search")
                .limit(Limit.of(limit, Duration.ofMinutes(1)))
                .action(action)
                .build();
    }

    private static RateLimitRule shared(String name, String key, int limit) {
        return RateLimitRule.builder(name)
                .path("/api/search")
                .key(key)
                .limit(Limit.of(limit, Duration.ofMinutes(1)))
                .build();
    }

    /** Each answer to {@code times} copies of {@code request}: its action, or null where it was allowed. */
    private static List<Action> answers(AbuseGuard engine, GuardRequest request, int times) {
        List<Action> answers = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            Decision decision = engine.evaluate(request).decision();
            answers.add(decision.isAllow() ? null : decision.action());
        }
        return answers;
    }

    /**
     * Floods an engine whose refusal is {@code control}, then one that decoys the same flood; after each, {@code other}
     * (a neighbour, a victim, anyone under a cap) is served.
     */
    private static void assertFloodSparesOthers(
            Function<Action, AbuseGuard> engines, Action control, GuardRequest flood, int times, GuardRequest other) {
        AbuseGuard refusing = engines.apply(control);
        assertThat(answers(refusing, flood, times))
                .as("control: the flood was refused")
                .contains(control);
        assertThat(refusing.evaluate(other).decision().isAllow())
                .as("control: a flood answered %s spares the others", control)
                .isTrue();

        AbuseGuard decoying = engines.apply(Action.DECOY);
        assertThat(answers(decoying, flood, times))
                .as("control: the flood was decoyed")
                .contains(Action.DECOY);
        Decision answer = decoying.evaluate(other).decision();
        assertThat(answer.isAllow())
                .as("another client's first request after a decoyed flood: %s", answer)
                .isTrue();
    }

    /**
     * review139 F1: the decoyed continuation of {@code consume} skips caps and keys naming others, but charged a network
     * (or allocation) rule after the decoying per-address rule: one address over its own limit of 2, decoyed, spent its
     * /24's limit of 10 for every neighbour (a carrier-grade NAT's, an office's). Throttled instead, it spends 2.
     */
    @Test
    void aDecoyedFloodDoesNotSpendItsNeighboursNetworkQuota() {
        assertFloodSparesOthers(
                action -> engine(limits(perAddress(action, 2), shared("per-network", "network", 10))),
                Action.THROTTLE,
                search(ATTACKER),
                20,
                search("203.0.113.51"));
    }

    @Test
    void aDecoyedFloodDoesNotSpendItsNeighboursAllocationQuota() {
        assertFloodSparesOthers(
                action -> engine(limits(perAddress(action, 2), shared("per-network", "allocation", 10))),
                Action.THROTTLE,
                search(ATTACKER),
                20,
                search("203.0.200.51"));
    }

    /**
     * review140 F1 and F1b: the same with the network rule declared BEFORE the per-address rule (both in the first pass
     * of {@code order}, as declared): its token was taken before the refusal and kept, throttled or decoyed.
     */
    @Test
    void aRefusedFloodDoesNotSpendANetworkRuleDeclaredBeforeThePerAddressRule() {
        assertFloodSparesOthers(
                action -> engine(limits(shared("per-network", "network", 10), perAddress(action, 2))),
                Action.THROTTLE,
                search(ATTACKER),
                20,
                search("203.0.113.51"));
    }

    /**
     * review138 F1: a per-client rule's own {@code action: decoy} goes on to the rules after it, the global cap included
     * (checked, not charged). One address over its limit of 2, decoyed 18 times, spent the route's cap of 10 for
     * everyone; throttled instead it spends 2.
     */
    @Test
    void aDecoyedFloodDoesNotSpendTheRoutesCapForEveryoneElse() {
        assertFloodSparesOthers(
                action -> engine(limits(perAddress(action, 2), shared("cap", "global", 10))),
                Action.THROTTLE,
                search(ATTACKER),
                20,
                search("198.51.100.61"));
    }

    /**
     * review138 F1, across guards: a rate-limit guard that let the request through keeps what its check took when a
     * later guard decoys it, but not a global cap's token. A known bot decoyed 20 times spent the search route's cap of
     * 10 for everyone; refused with a 403 it spends none.
     */
    @Test
    void aBotDecoyedAfterTheRateLimitGuardDoesNotSpendTheCap() {
        assertFloodSparesOthers(
                action -> engine(limits(shared("cap", "global", 10)), refusingAttacker(action)),
                Action.REJECT,
                search(ATTACKER),
                20,
                search("198.51.100.93"));
    }

    /**
     * review138 F2: the continuation spent the bucket of a user name the request typed (probe57a F8, probe44b F2: a
     * request refused by its address's rule writes no bucket under the name it sends). Throttled, an attacker spends 3
     * of the victim's 5 log-ins; decoyed, every guess spent one more, and the victim was locked out by requests that
     * never reached the application.
     */
    @Test
    void aDecoyedAttackerDoesNotSpendTheVictimsLoginQuota() {
        Function<Action, AbuseGuard> engines = action -> engine(limits(
                RateLimitRule.builder("per-address")
                        .path("/login")
                        .methods("POST")
                        .limit(Limit.of(3, Duration.ofMinutes(10)))
                        .action(action)
                        .build(),
                perUser()));
        assertFloodSparesOthers(
                engines, Action.THROTTLE, login(ATTACKER, "victim"), 20, login("198.51.100.71", "victim"));
    }

    private static RateLimitRule perUser() {
        return RateLimitRule.builder("per-user")
                .path("/login")
                .methods("POST")
                .key("body:/username")
                .limit(Limit.of(5, Duration.ofMinutes(10)))
                .build();
    }

    /**
     * review138 F3: a guard after the decoying one is not asked and is charged, which charged keys naming others too. A
     * bot detector that decoys a known bot (instead of refusing it) made every decoyed guess spend the victim's per-user
     * quota; refused with a 403 the bot spends none.
     */
    @Test
    void aGuardNotAskedBeforeADecoyDoesNotChargeAVictimsKey() {
        assertFloodSparesOthers(
                action -> engine(refusingAttacker(action), limits(perUser())),
                Action.REJECT,
                login(ATTACKER, "victim"),
                10,
                login("198.51.100.91", "victim"));
    }

    /**
     * review140 F3 and F3b: a refusing rule keyed by a value the request names ({@code query:user}) comes in the second
     * pass of {@code order}, after another such rule declared before it ({@code query:code}), whose token was taken
     * before the refusal and stayed spent: an attacker refused on a user name it guesses at spent the quota of any code
     * it typed, and the code's owner was throttled.
     */
    @Test
    void aRefusedRequestDoesNotSpendAKeyNamingSomeoneElseDeclaredBeforeTheRefusingRule() {
        Function<Action, AbuseGuard> engines = action -> engine(limits(
                shared("per-code", "query:code", 5),
                RateLimitRule.builder("per-user")
                        .path("/api/search")
                        .key("query:user")
                        .limit(Limit.of(1, Duration.ofMinutes(1)))
                        .action(action)
                        .build()));
        assertFloodSparesOthers(
                engines,
                Action.THROTTLE,
                lookup(ATTACKER, "guessed", "VICTIMCODE"),
                10,
                lookup("198.51.100.7", "owner", "VICTIMCODE"));
    }

    /**
     * review140 F2: a decoy answered by a guard asked before the rate-limit guard leaves it unasked, and the engine then
     * charges it; the charge skipped caps and keys naming others, but not a network or allocation rule.
     */
    @Test
    void aDecoyOfAnotherGuardDoesNotSpendTheNetworkRuleOfAnUnaskedRateLimitGuard() {
        AbuseGuard engine = engine(
                decoyingOptions(), limits(perAddress(Action.THROTTLE, 100), shared("per-network", "network", 10)));
        assertThat(answers(engine, request("OPTIONS", ATTACKER), 20))
                .as("the flood was decoyed")
                .containsOnly(Action.DECOY);
        Decision other = engine.evaluate(search("203.0.113.51")).decision();
        assertThat(other.isAllow())
                .as("a neighbour's first request after one address's decoyed flood: %s", other)
                .isTrue();
    }

    /**
     * review138 F2/F3 and review137 F2, as decided: a rule keyed by a value the request names ({@code query:},
     * {@code body:}, {@code mailbox:}) names someone else's quota, which a decoyed request must not spend. The price,
     * documented: a decoyed client is not throttled by such a rule where a real one sending its own key would be. A
     * scraper sends the victim's key 12 times, is decoyed from its second read on, and the victim's 5 a minute lose
     * only the scraper's one real read.
     */
    @Test
    void decoysNamingAKeySpendNoneOfItsQuota() {
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        AbuseGuard engine = engine(
                RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("per-key")
                                .path("/api/scores/{game}")
                                .key("query:key")
                                .limit(Limit.of(5, Duration.ofMinutes(1)))
                                .build())
                        .build(),
                VolumeGuard.builder()
                        .store(store)
                        .timeSource(clock)
                        .seed(1234)
                        .rule(DistinctRule.builder("scores")
                                .path("/api/scores/{game}")
                                .methods("GET")
                                .maxDistinct(1)
                                .action(Action.DECOY)
                                .build())
                        .build());
        List<Action> scraped = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            scraped.addAll(answers(engine, keyed("/api/scores/game-" + i, "victim", "203.0.113.21"), 1));
        }
        assertThat(scraped)
                .as("control: the scraper was decoyed")
                .filteredOn(Action.DECOY::equals)
                .hasSize(11);
        assertThat(answers(engine, keyed("/api/scores/chess", "victim", "198.51.100.20"), 6))
                .as("the victim's reads with its own key: 5 a minute, less the scraper's one real read")
                .filteredOn(action -> action == null)
                .hasSize(4);
    }

    private static GuardRequest keyed(String path, String key, String client) {
        return GuardRequest.builder("GET", path)
                .route("/api/scores/{game}")
                .client(client)
                .queryParameter("key", key)
                .header("User-Agent", "Mozilla/5.0")
                .build();
    }

    /**
     * review139 F2: {@code RateLimitGuard.decoyed} gave a cap's tokens back but, unlike {@code cancel}, left the
     * refunding guard's record of the request's keys: a decoyed {@code OPTIONS} request, which the servlet filter passes
     * on to the application, was then refunded a second time when its answer (here a 404, a refund status of the cap)
     * was heard. Each such request added a token to the route's cap: a cap of 2 let a third request through.
     */
    @Test
    void aDecoyedRequestsAnswerDoesNotRefundTheCapASecondTime() {
        AbuseGuard engine = engine(
                RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("cap")
                                .path("/api/search")
                                .key("global")
                                .limit(Limit.of(2, Duration.ofMinutes(1)))
                                .refundStatuses("404")
                                .build())
                        .build(),
                decoyingOptions());
        int allowed = answers(engine, search("198.51.100.10"), 1).get(0) == null ? 1 : 0;
        GuardRequest options = request("OPTIONS", "203.0.113.90");
        Evaluation decoyed = engine.evaluate(options);
        assertThat(decoyed.decision().action()).as("control: decoyed").isEqualTo(Action.DECOY);
        engine.complete(options, decoyed, 404); // the application answered the passed-on OPTIONS
        for (int i = 0; i < 3; i++) {
            allowed += answers(engine, search("198.51.100." + (11 + i)), 1).get(0) == null ? 1 : 0;
        }
        assertThat(allowed).as("GET requests let through by a cap of 2").isLessThanOrEqualTo(2);
    }

    /** A guard of one's own that overrides {@code decoyed} alone (it holds nothing a refusal must give back) hears it. */
    @Test
    void aGuardOverridingDecoyedAloneHearsOfTheDecoy() {
        AtomicInteger heard = new AtomicInteger();
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
        AbuseGuard engine = engine(counting, decoyingOptions());
        assertThat(answers(engine, request("OPTIONS", "203.0.113.40"), 1)).containsExactly(Action.DECOY);
        assertThat(answers(engine, search("203.0.113.40"), 1)).containsOnlyNulls();
        assertThat(heard)
                .as("told of the one decoy, not of the allowed request")
                .hasValue(1);
    }
}
