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
 * review135 F2: since ddf9b3a8 (review134 F1), with own origins named a {@code Sec-Fetch-Site: same-site} request must
 * come from one of them, and a request without {@code Origin} is judged by its {@code Referer}. A visitor following a
 * link on the company's own marketing site ({@code https://www.shop.example}, not among the own origins: it is not the
 * application) to a rate-limited page of the shop is a top-level navigation with {@code Referer:
 * https://www.shop.example/} (the browser's default {@code strict-origin-when-cross-origin}): refused 403 {@code
 * proxied-cross-site-request}, where 39a2b6ac let it through as the target's sibling. The same link on any other
 * site ({@code Sec-Fetch-Site: cross-site}) passes, as a navigation is never a cross-site refusal: the site's own
 * sibling is trusted less than a stranger.
 */
class Review135SiblingNavigationTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private AbuseGuard engine() {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("scores")
                                .path("/scores/{game}")
                                .limit(Limit.of(600, Duration.ofMinutes(1)))
                                .build())
                        .build())
                .timeSource(clock)
                .mode(Mode.ENFORCE)
                .crossSiteRequests(CrossSiteRequests.refused().ownOrigins("https://shop.example"::equals))
                .build();
    }

    /** A click on a link to the shop's page, on a page of {@code site} relative to it. */
    private static GuardRequest linkFollowed(String site, String referer) {
        return GuardRequest.builder("GET", "/scores/tetris")
                .client("198.51.100.20")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .header("Accept-Language", "en-GB,en;q=0.9")
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .targetOrigin("https://shop.example")
                .header("Host", "shop.example")
                .header("Sec-Fetch-Site", site)
                .header("Sec-Fetch-Mode", "navigate")
                .header("Sec-Fetch-User", "?1")
                .header("Sec-Fetch-Dest", "document")
                .header("Referer", referer)
                .build();
    }

    @Test
    void aLinkOnTheCompanysOwnSiblingSitePasses() {
        Decision decision = engine().evaluate(linkFollowed("same-site", "https://www.shop.example/"))
                .decision();

        assertThat(decision.isDeny())
                .as("a visitor following a link from www.shop.example to shop.example (%s)", decision)
                .isFalse();
    }

    /** Control: the same link on another site's page. */
    @Test
    void controlTheSameLinkOnAnotherSitePasses() {
        assertThat(engine().evaluate(linkFollowed("cross-site", "https://news.example/"))
                        .decision()
                        .isDeny())
                .isFalse();
    }
}
