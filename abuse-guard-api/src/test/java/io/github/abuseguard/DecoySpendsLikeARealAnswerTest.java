package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.client.IpListGuard;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.VolumeGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A decoy spends what a real answer spends of the decoyed client's own quota, no more and no less: a scraper that
 * counts a shared bucket, or waits for a throttle it would meet if served, cannot tell a decoy from a real answer
 * (review136 F1, review137). Its neighbours' and others' quota is {@link DecoyOwnQuotaTest}'s.
 */
class DecoySpendsLikeARealAnswerTest {
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

    private static GuardRequest scores(String game, String client) {
        return get("/api/scores/" + game, "/api/scores/{game}", client);
    }

    /** Decoys a client's reads of {@code /api/scores/{game}} past {@code maxDistinct} games. */
    private VolumeGuard decoyingScrapers(int maxDistinct) {
        return VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(1234)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(maxDistinct)
                        .action(Action.DECOY)
                        .build())
                .build();
    }

    private RateLimitGuard limit(String name, String path, int perMinute, Action action) {
        return RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder(name)
                        .path(path)
                        .limit(Limit.of(perMinute, Duration.ofMinutes(1)))
                        .action(action)
                        .build())
                .build();
    }

    /** What the answer on another route under the same {@code /api/**} bucket says is left of it. */
    private static long remaining(AbuseGuard engine, String client) {
        return engine.evaluate(get("/api/players/7", "/api/players/{id}", client))
                .hints()
                .rateLimits()
                .get(0)
                .remaining();
    }

    /**
     * How much of the shared bucket one request to the scores route took, read on the other route before and after;
     * the answer is checked against {@code expected} (null for allowed).
     */
    private static long spentBy(AbuseGuard engine, String game, String client, Action expected) {
        long before = remaining(engine, client);
        Decision answer = engine.evaluate(scores(game, client)).decision();
        assertThat(answer.isAllow() ? null : answer.action())
                .as("control: the answer")
                .isEqualTo(expected);
        return before - remaining(engine, client) - 1; // the read on the other route took one
    }

    /**
     * review136 F1: a rate-limit rule covering a route no decoying rule watches (a {@code /api/**} limit) keeps
     * reporting the bucket the decoy-watched route spends; a scraper reads it before and after one request to the
     * watched route, and a count of 0 (a decoy given its token back) against 1 told a decoy from a real answer.
     */
    @Test
    void theSharedBucketOnAnotherRouteDoesNotTellADecoyFromARealAnswer() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(limit("api", "/api/**", 1_000, Action.THROTTLE))
                .guard(decoyingScrapers(3))
                .build();
        String client = "203.0.113.7";
        long real = spentBy(engine, "chess", client, null);
        for (int game = 0; game < 5; game++) {
            engine.evaluate(scores("game-" + game, client));
        }
        assertThat(engine.evaluate(scores("go", client)).hints().hasRateLimits())
                .as("no fields on the watched route itself")
                .isFalse();
        long decoy = spentBy(engine, "hex", client, Action.DECOY);

        assertThat(decoy)
                .as("tokens a decoy took (%s) against a real answer (%s), read on /api/players/{id}", decoy, real)
                .isEqualTo(real);
    }

    /**
     * review137 F1: the same with the commonest decoy, a rate-limit rule's own {@code action: decoy}; the rules after the
     * decoying one were never asked, so the shared bucket showed 0 tokens taken by a decoy and 1 by a real answer.
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
        long real = spentBy(engine, "chess", client, null);
        engine.evaluate(scores("chess", client));
        engine.evaluate(scores("chess", client));
        long decoy = spentBy(engine, "chess", client, Action.DECOY);

        assertThat(decoy)
                .as("shared /api/** tokens a decoy took (%s) against a real answer (%s)", decoy, real)
                .isEqualTo(real);
    }

    /**
     * review136 F1, without a second route: each decoy gave its token back, so a decoyed client never met the route's
     * rate limit while a client served for real was throttled past it. A scraper that sends more than the limit (learnt
     * from a fresh address) and is never throttled knows its answers are decoys.
     */
    @Test
    void aDecoyedClientMeetsTheRateLimitAsAClientServedForRealDoes() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(limit("scores", "/api/scores/{game}", 5, Action.THROTTLE))
                .guard(decoyingScrapers(1))
                .timeSource(clock)
                .build();
        List<Action> real = new ArrayList<>();
        List<Action> scraped = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            real.add(engine.evaluate(scores("chess", "203.0.113.20")).decision().action());
            Decision answer =
                    engine.evaluate(scores("game-" + i, "203.0.113.21")).decision();
            scraped.add(answer.isAllow() ? null : answer.action());
        }
        long realThrottled = real.stream().filter(Action.THROTTLE::equals).count();
        assertThat(realThrottled)
                .as("control: 12 real reads of a 5-a-minute route")
                .isEqualTo(7);
        assertThat(scraped).as("control: the scraper was decoyed").contains(Action.DECOY);

        assertThat(scraped.stream().filter(Action.THROTTLE::equals).count())
                .as("12 scraped reads (%s): throttled as the real client is", scraped)
                .isEqualTo(realThrottled);
    }

    /**
     * review137 F3: a rate-limit guard whose monitored rule would deny was cancelled and charged again for the decoy,
     * and the charge published its WOULD_DENY a second time: one request, two would-deny events (metrics, logs).
     */
    @Test
    void aMonitoredRateLimitDenialIsReportedOnceForADecoyedRequest() {
        List<GuardEvent> events = new ArrayList<>();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(limit("watch", "/api/scores/{game}", 1, Action.THROTTLE), Mode.MONITOR)
                .guard(decoyingScrapers(1))
                .listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent event) {
                        events.add(event);
                    }
                })
                .timeSource(clock)
                .build();
        Evaluation last = null;
        for (int i = 0; i < 4; i++) {
            events.clear();
            last = engine.evaluate(scores("game-" + i, "203.0.113.30"));
        }
        assertThat(last.decision().action()).as("control: decoyed").isEqualTo(Action.DECOY);
        assertThat(events)
                .as("would-deny events of the rate-limit guard for one request")
                .filteredOn(e -> e.guard().equals(RateLimitGuard.NAME) && e.kind() == GuardEvent.Kind.WOULD_DENY)
                .hasSize(1);
    }

    /**
     * review137 F4: a request with no route whose guard exempts it broke the loop without marking the exemption; a
     * risk-score decoy then charged every guard after the exempting one, which a real answer never asks. An
     * allow-listed partner flagged by a guard before the list was throttled after one request.
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
                .guard(limit("all", "/**", 1, Action.THROTTLE))
                .riskThreshold(10)
                .riskAction(Action.DECOY)
                .timeSource(clock)
                .build();
        List<Action> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Decision answer = engine.evaluate(GuardRequest.builder("GET", "/feed")
                            .client("198.51.100.9")
                            .build())
                    .decision();
            answers.add(answer.isAllow() ? null : answer.action());
        }
        assertThat(answers)
                .as("an exempt client's guards past the exemption are never asked for a real answer")
                .containsOnly(Action.DECOY);
    }

    /**
     * review137 F5: a refusal that spends quota (a throw-away address) charges the guards after it; when that charge
     * answered with a decoy (a rate-limit rule's {@code action: decoy}), the decoy branch charged the same guards again:
     * every refused sign-up spent two of the client's hourly tokens, and a limit of 10 an hour throttled the client at
     * its 7th request, not its 11th.
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
            Decision answer = engine.evaluate(GuardRequest.builder("POST", "/api/accounts")
                            .client("203.0.113.40")
                            .body("application/json", "{\"email\":\"a" + i + "@mailinator.com\"}")
                            .build())
                    .decision();
            answers.add(answer.guard() + ":" + answer.action());
        }
        assertThat(answers.subList(0, 2))
                .as("control: the list refuses the first two")
                .allMatch(a -> a.startsWith(DisposableEmailGuard.NAME));
        assertThat(answers.subList(2, 10))
                .as("requests 3 to 10 of a 10-an-hour limit: decoys, not throttled (all: %s)", answers)
                .allMatch(a -> a.equals(RateLimitGuard.NAME + ":DECOY"));
        assertThat(answers.get(10)).as("the 11th").isEqualTo(RateLimitGuard.NAME + ":THROTTLE");
    }

    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    /** Tarpits every request sent with the user agent {@code tarpitted/1}. */
    private static final Guard TARPIT = new Guard() {
        @Override
        public String name() {
            return "tarpit";
        }

        @Override
        public Decision check(GuardRequest request) {
            return "tarpitted/1".equals(request.header("User-Agent"))
                    ? Decision.deny(Action.TARPIT)
                            .guard("tarpit")
                            .reason("slow-down")
                            .build()
                    : Decision.allow();
        }
    };

    private static GuardRequest login(String address, String username, String userAgent) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", userAgent)
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
    }

    private static UnderAttack surge(Action action) {
        return new UnderAttack(
                Duration.ofSeconds(10),
                5.0,
                20,
                0.2,
                Duration.ofMinutes(2),
                action,
                EnumSet.allOf(UnderAttack.Signal.class),
                null);
    }

    /**
     * review141 F3: a decoy spends what a real answer spends of the client's own quota (README, Decoy and tarpit; {@code
     * Guard#decoyed}), but a decoy answered when a tarpitted request resumes ({@code AbuseGuard.resumed}: the route's
     * under-attack mode, {@code action: decoy}, started during the delay) goes through {@code refused}, which {@code
     * cancel}s every guard the request passed: the rate limit gives back the client's own token too. A tarpitted client
     * whose waits end in decoys spends none of its own limit, where an answered one does, and where a decoy at evaluation
     * keeps it spent.
     */
    @Test
    void aDecoyWhenATarpittedRequestResumesKeepsTheClientsOwnTokenSpent() {
        FailureGuard failure = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .methods("POST")
                        .maxRetry(10)
                        .underAttack(surge(Action.DECOY))
                        .build())
                .build();
        RateLimitGuard rate = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("per-address")
                        .path("/api/login")
                        .limit(Limit.of(2, Duration.ofHours(1)))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(failure)
                .guard(rate)
                .guard(TARPIT)
                .timeSource(clock)
                .build();

        GuardRequest held = login("10.7.0.1", "victim", "tarpitted/1");
        Evaluation evaluation = engine.evaluate(held);
        assertThat(evaluation.decision().action()).as("control: tarpitted").isEqualTo(Action.TARPIT);
        engine.waiting(held, evaluation);
        List<GuardRequest> guesses = new ArrayList<>();
        for (int a = 0; a < 20; a++) {
            GuardRequest guess = login("10.8." + a + ".1", "victim", "python-requests/2.31");
            assertThat(engine.evaluate(guess).decision().isAllow()).isTrue();
            guesses.add(guess);
        }
        for (GuardRequest guess : guesses) {
            engine.complete(guess, 401);
        }
        assertThat(failure.underAttack())
                .as("control: the mode started meanwhile")
                .containsExactly("login");
        Decision resumed = engine.resumed(held, evaluation);
        assertThat(resumed).as("control: the resumed request is decoyed").isNotNull();
        assertThat(resumed.action()).isEqualTo(Action.DECOY);

        // the held request was answered (with a decoy): its token of 2 stays spent, so one more request of the
        // address is answered before its own limit throttles it, as after a real answer or a decoy at evaluation
        int answeredBeforeTheLimit = 0;
        for (int i = 0; i < 3; i++) {
            Decision next =
                    engine.evaluate(login("10.7.0.1", "victim", BROWSER)).decision();
            if (next.isDeny() && next.action() == Action.THROTTLE) {
                break;
            }
            answeredBeforeTheLimit++;
        }
        assertThat(answeredBeforeTheLimit)
                .as("requests of 10.7.0.1 answered (or decoyed) before its own limit of 2 after the decoyed wait")
                .isEqualTo(1);
    }
}
