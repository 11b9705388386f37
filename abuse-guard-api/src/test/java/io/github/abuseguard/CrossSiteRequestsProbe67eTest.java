package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * probe67e F1: a stock reverse proxy (nginx {@code proxy_pass}) in front of a clone forwards its visitors' reads as
 * the browser sent them: a same-origin {@code fetch} GET carries {@code Sec-Fetch-Site: same-origin}, the clone's
 * page in {@code Referer} and no {@code Origin}. That pair (a same-origin request whose referrer is another origin)
 * is one no browser sends to the target, as the clone's {@code Origin} with {@code same-origin} is, but only
 * {@code Origin} is compared: on the demo 20 of 20 score reads and 10 of 10 gift-card look-ups through such a relay
 * reached the handlers (25 of 25 with {@code own-origins} set), where the same reads with the clone's {@code Origin}
 * were refused {@code proxied-cross-site-request}.
 */
class CrossSiteRequestsProbe67eTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private AbuseGuard engine(boolean ownOriginsNamed) {
        CrossSiteRequests crossSite = CrossSiteRequests.refused();
        if (ownOriginsNamed) {
            crossSite = crossSite.ownOrigins(origin -> origin.equals("https://shop.example"));
        }
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("scores")
                                .path("/api/scores/{game}")
                                .limit(Limit.of(600, Duration.ofMinutes(1)))
                                .build())
                        .build())
                .timeSource(clock)
                .mode(Mode.ENFORCE)
                .crossSiteRequests(crossSite)
                .build();
    }

    private static GuardRequest relayedRead(String originHeader, String refererHeader) {
        GuardRequest.Builder b = GuardRequest.builder("GET", "/api/scores/tetris")
                .client("192.0.2.50") // the clone's relay, no proxy named
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .targetOrigin("https://shop.example")
                .header("Host", "shop.example") // proxy_pass rewrites Host to the upstream's
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty");
        if (!originHeader.isEmpty()) {
            b.header("Origin", originHeader);
        }
        if (!refererHeader.isEmpty()) {
            b.header("Referer", refererHeader);
        }
        return b.build();
    }

    @ParameterizedTest(name = "own-origins named: {0}")
    @CsvSource({"false", "true"})
    void controlARelayedReadWithTheClonesOriginIsRefused(boolean ownOriginsNamed) {
        assertThat(engine(ownOriginsNamed)
                        .evaluate(relayedRead("https://clone.example", ""))
                        .decision()
                        .reason())
                .isEqualTo("proxied-cross-site-request");
    }

    @ParameterizedTest(name = "own-origins named: {0}")
    @CsvSource({"false", "true"})
    void aRelayedReadWithTheClonesRefererIsRefusedToo(boolean ownOriginsNamed) {
        assertThat(engine(ownOriginsNamed)
                        .evaluate(relayedRead("", "https://clone.example/scores?page=2"))
                        .decision()
                        .reason())
                .as("same-origin with another origin's Referer: no browser sends it to this target")
                .isEqualTo("proxied-cross-site-request");
    }

    @ParameterizedTest(name = "own-origins named: {0}")
    @CsvSource({"false", "true"})
    void controlTheSitesOwnReadPasses(boolean ownOriginsNamed) {
        assertThat(engine(ownOriginsNamed)
                        .evaluate(relayedRead("", "https://shop.example/scores"))
                        .decision()
                        .reason())
                .isNotEqualTo("proxied-cross-site-request");
    }

    /** A clone's host that begins with the site's own origin is another origin, not a page of it. */
    @ParameterizedTest(name = "own-origins named: {0}")
    @CsvSource({"false", "true"})
    void aRefererWhoseHostOnlyBeginsWithTheSitesIsRefused(boolean ownOriginsNamed) {
        assertThat(engine(ownOriginsNamed)
                        .evaluate(relayedRead("", "https://shop.example.clone.example/scores"))
                        .decision()
                        .reason())
                .isEqualTo("proxied-cross-site-request");
    }

    @org.junit.jupiter.api.Test
    void onlyAnAbsoluteHttpRefererNamesAnOrigin() {
        assertThat(CrossSiteRequests.refererOrigin("https://Clone.example:8443/a?b#c"))
                .isEqualTo("https://Clone.example:8443");
        assertThat(CrossSiteRequests.refererOrigin(" http://clone.example")).isEqualTo("http://clone.example");
        assertThat(CrossSiteRequests.refererOrigin("/relative/page")).isNull();
        assertThat(CrossSiteRequests.refererOrigin("android-app://com.example")).isNull();
        assertThat(CrossSiteRequests.refererOrigin("https:///path")).isNull();
        assertThat(CrossSiteRequests.refererOrigin(null)).isNull();
    }
}
