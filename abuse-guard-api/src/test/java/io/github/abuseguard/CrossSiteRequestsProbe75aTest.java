package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * probe75a F1: a clone behind a stock reverse proxy whose page and relay are on two hosts of its own domain (the page
 * at {@code https://www.clone.example}, the relay at {@code https://api.clone.example}, which answers CORS) gets its
 * visitors' requests from their browsers with {@code Sec-Fetch-Site: same-site} and the clone's page in {@code Origin}
 * (or, on a read, in {@code Referer}), and forwards them as they are. Only {@code same-origin} is compared with the
 * target: a {@code same-site} request naming another registrable domain (a pair no browser sends to this target, as
 * the clone's {@code Origin} with {@code same-origin} is) passes every watched route that has no origin rule. On the
 * demo: the sign-up with {@code same-origin} 403 {@code proxied-cross-site-request}, with {@code same-site} 201; the
 * browser proof relayed so 204, after which the relay's address read the proof-required scores (200).
 */
class CrossSiteRequestsProbe75aTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private AbuseGuard engine(boolean ownOriginsNamed) {
        CrossSiteRequests crossSite = CrossSiteRequests.refused();
        if (ownOriginsNamed) {
            crossSite = crossSite.ownOrigins(origin -> origin.equals("https://shop.example"));
        }
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("sign-up")
                                .path("/api/accounts")
                                .limit(Limit.of(5, Duration.ofMinutes(10)))
                                .build())
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

    /** What the relay forwards: the visitor's browser headers as sent to the clone, {@code Host} made the upstream's. */
    private static GuardRequest relayed(String method, String path, String site, String origin, String referer) {
        GuardRequest.Builder b = GuardRequest.builder(method, path)
                .client("192.0.2.50") // the clone's relay, no proxy named
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .header("Accept-Language", "en-GB,en;q=0.9")
                .targetOrigin("https://shop.example")
                .header("Host", "shop.example") // proxy_pass rewrites Host to the upstream's
                .header("Sec-Fetch-Site", site)
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty");
        if (!origin.isEmpty()) {
            b.header("Origin", origin);
        }
        if (!referer.isEmpty()) {
            b.header("Referer", referer);
        }
        return b.build();
    }

    @ParameterizedTest(name = "own-origins named: {0}")
    @CsvSource({"false", "true"})
    void controlASameOriginRelayedSignUpIsRefused(boolean ownOriginsNamed) {
        assertThat(engine(ownOriginsNamed)
                        .evaluate(relayed("POST", "/api/accounts", "same-origin", "https://www.clone.example", ""))
                        .decision()
                        .reason())
                .isEqualTo(CrossSiteRequests.PROXIED_REASON);
    }

    @ParameterizedTest(name = "own-origins named: {0}")
    @CsvSource({"false", "true"})
    void aSameSiteRelayedSignUpFromAnotherDomainIsRefused(boolean ownOriginsNamed) {
        Decision decision = engine(ownOriginsNamed)
                .evaluate(relayed("POST", "/api/accounts", "same-site", "https://www.clone.example", ""))
                .decision();

        assertThat(decision.isDeny())
                .as(
                        "same-site with www.clone.example to shop.example: no browser sends it, a relay on"
                                + " api.clone.example does; it was let through (%s)",
                        decision)
                .isTrue();
        assertThat(decision.guard()).isEqualTo(CrossSiteRequests.NAME);
    }

    @ParameterizedTest(name = "own-origins named: {0}")
    @CsvSource({"false", "true"})
    void aSameSiteRelayedReadNamingAnotherDomainsPageIsRefused(boolean ownOriginsNamed) {
        Decision decision = engine(ownOriginsNamed)
                .evaluate(relayed("GET", "/api/scores/tetris", "same-site", "", "https://www.clone.example/scores"))
                .decision();

        assertThat(decision.isDeny())
                .as("same-site read whose Referer is another registrable domain's page (%s)", decision)
                .isTrue();
        assertThat(decision.guard()).isEqualTo(CrossSiteRequests.NAME);
    }

    /**
     * The site's own sibling subdomain is same-site and needs nothing (README, cross-site requests); with own origins
     * named, those are the site's pages, its siblings among them (review134 F1: a relay on a sibling host passed).
     */
    @Test
    void controlASiblingSubdomainsPageStillPasses() {
        assertThat(engine(false)
                        .evaluate(relayed("POST", "/api/accounts", "same-site", "https://www.shop.example", ""))
                        .decision()
                        .isDeny())
                .isFalse();
        assertThat(engine(true)
                        .evaluate(relayed("POST", "/api/accounts", "same-site", "https://www.shop.example", ""))
                        .decision()
                        .reason())
                .as("not among the own origins named")
                .isEqualTo(CrossSiteRequests.PROXIED_REASON);
    }

    @ParameterizedTest(name = "own-origins named: {0}")
    @CsvSource({"false", "true"})
    void controlTheSitesOwnWriteFromABrowserWithoutFetchMetadataPasses(boolean ownOriginsNamed) {
        GuardRequest own = GuardRequest.builder("POST", "/api/accounts")
                .client("198.51.100.20")
                .header("User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Version/15.6 Safari/605.1.15")
                .targetOrigin("https://shop.example")
                .header("Host", "shop.example")
                .header("Origin", "https://shop.example")
                .build();

        assertThat(engine(ownOriginsNamed).evaluate(own).decision().isDeny()).isFalse();
    }
}
