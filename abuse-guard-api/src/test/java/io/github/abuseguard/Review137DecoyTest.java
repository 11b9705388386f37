package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.client.IpListGuard;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
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
import org.junit.jupiter.api.Test;

/** review137: the decoy branch of {@code AbuseGuard.decide} (ae2346ff, review136 F1). */
class Review137DecoyTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    private static GuardRequest get(String path, String route, String client) {
        return GuardRequest.builder("GET", path)
                .route(route)
                .client(client)
                .header("User-Agent", "Mozilla/5.0")
                .build();
    }

    /**
     * F1: the commonest decoy, a rate-limit rule's own {@code action: decoy}. The rate-limit guard is the refuser, so
     * it is left out of the new charge, and inside it the rules after the decoying one are never asked: a shared
     * {@code /api/**} bucket on another route shows 0 tokens taken by a decoy and 1 by a real answer (review136 F1's
     * second tell, with the decoy from the rate-limit guard instead of the volume guard).
     */
    @Test
    void aRateLimitRulesOwnDecoySpendsTheSharedBucketAsARealAnswerDoes() {
        RateLimitGuard limits = RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("scores")
                        .path("/api/scores/{game}")
                        .limit(Limit.of(3, Duration.ofMinutes(1)))
                        .action(Action.DECOY)
                        .build())
                .rule(RateLimitRule.builder("api")
                        .path("/api/**")
                        .limit(Limit.of(1_000, Duration.ofMinutes(1)))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(limits).timeSource(clock).build();
        String client = "203.0.113.7";

        long before = remaining(engine, client);
        Evaluation real = engine.evaluate(get("/api/scores/chess", "/api/scores/{game}", client));
        assertThat(real.decision().isAllow()).as("control: a real answer").isTrue();
        long realSpent = before - remaining(engine, client) - 1;

        engine.evaluate(get("/api/scores/chess", "/api/scores/{game}", client));
        engine.evaluate(get("/api/scores/chess", "/api/scores/{game}", client));
        before = remaining(engine, client);
        Evaluation decoy = engine.evaluate(get("/api/scores/chess", "/api/scores/{game}", client));
        assertThat(decoy.decision().action())
                .as("control: the fourth is a decoy")
                .isEqualTo(Action.DECOY);
        long decoySpent = before - remaining(engine, client) - 1;

        assertThat(decoySpent)
                .as("shared /api/** tokens a decoy took (%s) against a real answer (%s)", decoySpent, realSpent)
                .isEqualTo(realSpent);
    }

    private static long remaining(AbuseGuard engine, String client) {
        return engine.evaluate(get("/api/players/7", "/api/players/{id}", client))
                .hints()
                .rateLimits()
                .get(0)
                .remaining();
    }

    /**
     * F2, as decided after review138 F2/F3: a rule keyed by a value the request names ({@code query:}, {@code body:},
     * {@code mailbox:}) names someone else's quota, which a decoyed request must not spend (an attacker decoyed by the
     * volume guard would otherwise spend a victim's key without bound). The price, documented: a decoyed client is
     * not throttled by such a rule where a real one sending its own key would be. Here a scraper sends the victim's key
     * 12 times, is decoyed from its second read on, and the victim's 5 a minute lose only the scraper's one real read.
     */
    @Test
    void decoysNamingAKeySpendNoneOfItsQuota() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("per-key")
                                .path("/api/scores/{game}")
                                .key("query:key")
                                .limit(Limit.of(5, Duration.ofMinutes(1)))
                                .build())
                        .build())
                .guard(VolumeGuard.builder()
                        .store(store)
                        .timeSource(clock)
                        .seed(1234)
                        .rule(DistinctRule.builder("scores")
                                .path("/api/scores/{game}")
                                .methods("GET")
                                .maxDistinct(1)
                                .action(Action.DECOY)
                                .build())
                        .build())
                .timeSource(clock)
                .build();
        int decoys = 0;
        for (int i = 0; i < 12; i++) {
            Evaluation scraped = engine.evaluate(keyed("/api/scores/game-" + i, "victim", "203.0.113.21"));
            decoys += scraped.decision().action() == Action.DECOY
                            && !scraped.decision().isAllow()
                    ? 1
                    : 0;
        }
        assertThat(decoys).as("control: the scraper was decoyed").isEqualTo(11);
        int served = 0;
        for (int i = 0; i < 6; i++) {
            served += engine.evaluate(keyed("/api/scores/chess", "victim", "198.51.100.20"))
                            .decision()
                            .isAllow()
                    ? 1
                    : 0;
        }
        assertThat(served)
                .as("the victim's reads with its own key: 5 a minute, less the scraper's one real read")
                .isEqualTo(4);
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
     * F3: a rate-limit guard whose monitored rule would deny is cancelled and charged again for the decoy, and the
     * charge publishes its WOULD_DENY a second time: one request, two would-deny events (metrics, logs).
     */
    @Test
    void aMonitoredRateLimitDenialIsReportedOnceForADecoyedRequest() {
        List<GuardEvent> events = new ArrayList<>();
        RateLimitGuard limits = RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("watch")
                        .path("/api/scores/{game}")
                        .limit(Limit.of(1, Duration.ofMinutes(1)))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(limits, Mode.MONITOR)
                .guard(VolumeGuard.builder()
                        .store(store)
                        .timeSource(clock)
                        .seed(1234)
                        .rule(DistinctRule.builder("scores")
                                .path("/api/scores/{game}")
                                .methods("GET")
                                .maxDistinct(1)
                                .action(Action.DECOY)
                                .build())
                        .build())
                .listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent event) {
                        events.add(event);
                    }
                })
                .timeSource(clock)
                .build();
        String client = "203.0.113.30";
        Evaluation last = null;
        for (int i = 0; i < 4; i++) {
            events.clear();
            last = engine.evaluate(get("/api/scores/game-" + i, "/api/scores/{game}", client));
        }
        assertThat(last.decision().action()).as("control: decoyed").isEqualTo(Action.DECOY);
        long wouldDeny = events.stream()
                .filter(e -> e.guard().equals(RateLimitGuard.NAME) && e.kind() == GuardEvent.Kind.WOULD_DENY)
                .count();
        assertThat(wouldDeny)
                .as("would-deny events of the rate-limit guard for one request: %s", events)
                .isEqualTo(1);
    }

    /**
     * F4: a request with no route (no plan) whose guard exempts it breaks the loop without setting {@code exemptAfter};
     * a risk-score decoy then charges every guard after the exempting one, which a real answer never asks. An
     * allow-listed partner flagged by a guard before the list is throttled after one request.
     */
    @Test
    void aRiskDecoyDoesNotChargeTheGuardsPastAnExemptionOfAnUnroutedRequest() {
        Guard flagger = new Guard() {
            @Override
            public String name() {
                return "flagger";
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.flag("flagger", "odd", 10);
            }
        };
        AbuseGuard engine = AbuseGuard.builder()
                .guard(flagger)
                .guard(IpListGuard.builder().allow("198.51.100.9").build())
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("all")
                                .path("/**")
                                .limit(Limit.of(1, Duration.ofMinutes(1)))
                                .build())
                        .build())
                .riskThreshold(10)
                .riskAction(Action.DECOY)
                .timeSource(clock)
                .build();
        List<Action> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Evaluation answer = engine.evaluate(
                    GuardRequest.builder("GET", "/feed").client("198.51.100.9").build());
            answers.add(answer.decision().isAllow() ? null : answer.decision().action());
        }
        assertThat(answers)
                .as("an exempt client's guards past the exemption are never asked for a real answer")
                .containsOnly(Action.DECOY);
    }

    /**
     * F5: a refusal that spends quota (a throw-away address, {@code refusalSpendsQuota}) charges the guards after it
     * ({@code chargeAfter}); when that charge answers with a decoy (a rate-limit rule's {@code action: decoy}), the new
     * decoy branch charges the same guards again, since {@code asked} does not count the first charge: every refused
     * sign-up then spends two of the client's hourly tokens. A limit of 10 an hour throttles the client at its 7th
     * request, not its 11th.
     */
    @Test
    void aDecoyAnsweredByTheChargeOfARefusedRequestChargesEachGuardOnce() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(DisposableEmailGuard.of(
                        DisposableDomains.bundled(),
                        List.of(EmailRule.builder("sign-up")
                                .path("/api/accounts")
                                .build())))
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("hourly")
                                .path("/api/accounts")
                                .limit(Limit.of(10, Duration.ofHours(1)))
                                .build())
                        .rule(RateLimitRule.builder("burst")
                                .path("/api/accounts")
                                .limit(Limit.of(2, Duration.ofHours(1)))
                                .action(Action.DECOY)
                                .build())
                        .rule(RateLimitRule.builder("per-mailbox")
                                .path("/api/accounts")
                                .key("mailbox:/email")
                                .limit(Limit.of(100, Duration.ofHours(1)))
                                .build())
                        .build())
                .timeSource(clock)
                .build();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            Evaluation answer = engine.evaluate(GuardRequest.builder("POST", "/api/accounts")
                    .client("203.0.113.40")
                    .body("application/json", "{\"email\":\"a" + i + "@mailinator.com\"}")
                    .build());
            answers.add(answer.decision().guard() + ":" + answer.decision().action());
        }
        assertThat(answers.subList(0, 2))
                .as("control: the list refuses the first two")
                .allMatch(a -> a.startsWith(DisposableEmailGuard.NAME));
        assertThat(answers.subList(2, 10))
                .as("requests 3 to 10 of a 10-an-hour limit: decoys, not throttled (all: %s)", answers)
                .allMatch(a -> a.equals(RateLimitGuard.NAME + ":DECOY"));
        assertThat(answers.get(10)).as("the 11th").isEqualTo(RateLimitGuard.NAME + ":THROTTLE");
    }
}
