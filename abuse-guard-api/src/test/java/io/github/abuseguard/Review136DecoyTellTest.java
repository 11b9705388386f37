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
import org.junit.jupiter.api.Test;

/**
 * review136 F1: e62aeee5 (probe73b F1) drops the {@code RateLimit} fields on a route a decoying rule watches, but a
 * rate-limit rule that also covers a route no decoying rule watches (a {@code /api/**} limit) keeps reporting the
 * same bucket there. A decoy is a refusal, so the rate-limit guard that let the request pass is given its token back
 * ({@link Guard#cancel}); a real answer keeps it spent. A scraper reads the bucket on the other route before and after
 * one request to the watched route, and the count tells a decoy from a real answer.
 */
class Review136DecoyTellTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    private AbuseGuard engine() {
        VolumeGuard volume = VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(1234)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(3)
                        .action(Action.DECOY)
                        .build())
                .build();
        RateLimitGuard api = RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("api")
                        .path("/api/**")
                        .limit(Limit.of(1_000, Duration.ofMinutes(1)))
                        .build())
                .build();
        return AbuseGuard.builder().guard(api).guard(volume).build();
    }

    private static GuardRequest get(String path, String route) {
        return GuardRequest.builder("GET", path)
                .route(route)
                .client("203.0.113.7")
                .header("User-Agent", "Mozilla/5.0")
                .build();
    }

    /** What the other route's answer says is left of the shared bucket. */
    private static long remaining(AbuseGuard engine) {
        return engine.evaluate(get("/api/players/7", "/api/players/{id}"))
                .hints()
                .rateLimits()
                .get(0)
                .remaining();
    }

    /** How much of the shared bucket one request to the decoy-watched route took, read on the other route. */
    private static long spentBy(AbuseGuard engine, String game, Action expected) {
        long before = remaining(engine);
        Evaluation answer = engine.evaluate(get("/api/scores/" + game, "/api/scores/{game}"));
        assertThat(answer.decision().isAllow() ? null : answer.decision().action())
                .isEqualTo(expected);
        assertThat(answer.hints().hasRateLimits())
                .as("no fields on the watched route itself")
                .isFalse();
        return before - remaining(engine) - 1; // the read on the other route took one
    }

    @Test
    void theSharedBucketOnAnotherRouteDoesNotTellADecoyFromARealAnswer() {
        AbuseGuard engine = engine();
        long real = spentBy(engine, "chess", null);
        for (int game = 0; game < 5; game++) {
            engine.evaluate(get("/api/scores/game-" + game, "/api/scores/{game}"));
        }
        long decoy = spentBy(engine, "go", Action.DECOY);

        assertThat(decoy)
                .as("tokens a decoy took (%s) against a real answer (%s), read on /api/players/{id}", decoy, real)
                .isEqualTo(real);
    }

    /**
     * The same without a second route: each decoy gives its token back, so a decoyed client never meets the route's
     * rate limit, while a client served for real is throttled past it. A scraper that sends more than the limit (learnt
     * from a fresh address) and is never throttled knows its answers are decoys.
     */
    @Test
    void aDecoyedClientMeetsTheRateLimitAsAClientServedForRealDoes() {
        FakeTimeSource time = new FakeTimeSource();
        LocalStateStore local = LocalStateStore.builder().timeSource(time).build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(local)
                        .rule(RateLimitRule.builder("scores")
                                .path("/api/scores/{game}")
                                .limit(Limit.of(5, Duration.ofMinutes(1)))
                                .build())
                        .build())
                .guard(VolumeGuard.builder()
                        .store(local)
                        .timeSource(time)
                        .seed(1234)
                        .rule(DistinctRule.builder("scores")
                                .path("/api/scores/{game}")
                                .methods("GET")
                                .maxDistinct(1)
                                .action(Action.DECOY)
                                .build())
                        .build())
                .timeSource(time)
                .build();
        int realThrottled = 0;
        int decoyedThrottled = 0;
        int decoys = 0;
        for (int i = 0; i < 12; i++) {
            Evaluation real = engine.evaluate(GuardRequest.builder("GET", "/api/scores/chess")
                    .route("/api/scores/{game}")
                    .client("203.0.113.20")
                    .build());
            realThrottled += real.decision().action() == Action.THROTTLE
                            && !real.decision().isAllow()
                    ? 1
                    : 0;
            Evaluation scraped = engine.evaluate(GuardRequest.builder("GET", "/api/scores/game-" + i)
                    .route("/api/scores/{game}")
                    .client("203.0.113.21")
                    .build());
            if (!scraped.decision().isAllow()) {
                decoys += scraped.decision().action() == Action.DECOY ? 1 : 0;
                decoyedThrottled += scraped.decision().action() == Action.THROTTLE ? 1 : 0;
            }
        }
        assertThat(realThrottled)
                .as("control: 12 real reads of a 5-a-minute route")
                .isEqualTo(7);
        assertThat(decoys).as("control: the scraper was decoyed").isPositive();

        assertThat(decoyedThrottled)
                .as("12 scraped reads, %s decoys: throttled as the real client is", decoys)
                .isEqualTo(realThrottled);
    }
}
