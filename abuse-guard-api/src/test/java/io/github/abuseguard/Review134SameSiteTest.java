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
 * review134: the {@code Sec-Fetch-Site: same-site} check of 79c91abf (probe75a F1), as a clone's relay and a
 * legitimate site meet it.
 */
class Review134SameSiteTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private AbuseGuard engine(String ownOrigin) {
        CrossSiteRequests crossSite = CrossSiteRequests.refused();
        if (!ownOrigin.isEmpty()) {
            crossSite = crossSite.ownOrigins(ownOrigin::equals);
        }
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("sign-up")
                                .path("/api/accounts")
                                .limit(Limit.of(5, Duration.ofMinutes(10)))
                                .build())
                        .build())
                .timeSource(clock)
                .mode(Mode.ENFORCE)
                .crossSiteRequests(crossSite)
                .build();
    }

    /** A sign-up as a browser sends it from {@code origin} to {@code host}, through {@code peer}. */
    private static GuardRequest.Builder signUp(String site, String origin, String host) {
        return GuardRequest.builder("POST", "/api/accounts")
                .client("192.0.2.50")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .header("Accept-Language", "en-GB,en;q=0.9")
                .targetOrigin("https://" + host)
                .header("Host", host)
                .header("Sec-Fetch-Site", site)
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("Origin", origin);
    }

    /**
     * F1: with own origins named, a same-origin request of another origin is refused whatever headers came with it,
     * but a same-site one falls through to the target comparison, which a forwarding header ends ({@code
     * !proxiesNamed && forwarded(request)}): a relay that adds {@code X-Forwarded-For} (Caddy's and Traefik's
     * reverse proxies by default, nginx's with the usual {@code proxy_set_header}) gets the clone's same-site
     * requests through, in the configuration the refusal's detail recommends.
     */
    @ParameterizedTest(name = "Sec-Fetch-Site: {0}")
    @CsvSource({"same-origin", "same-site"})
    void ownOriginsNamedRefuseASameSiteRelayThatAddsForwardingHeaders(String site) {
        Decision decision = engine("https://shop.example")
                .evaluate(signUp(site, "https://www.clone.example", "shop.example")
                        .header("X-Forwarded-For", "198.51.100.20") // the visitor, as Caddy's relay adds it
                        .header("X-Forwarded-Proto", "https")
                        .build())
                .decision();

        assertThat(decision.reason())
                .as("own origins named, %s from www.clone.example relayed with X-Forwarded-For (%s)", site, decision)
                .isEqualTo(CrossSiteRequests.PROXIED_REASON);
    }

    /**
     * F1, behind the site's own load balancer (named in trusted-proxies, as production sites are, with own origins
     * named as the refusal's detail says): every request the clone's relay sends to the public site arrives through
     * it, {@code viaTrustedProxy()} ends the same-site comparison, and the relayed same-site sign-up passes where the
     * same-origin one is refused.
     */
    @ParameterizedTest(name = "Sec-Fetch-Site: {0}")
    @CsvSource({"same-origin", "same-site"})
    void ownOriginsNamedRefuseASameSiteRelayBehindTheSitesOwnLoadBalancer(String site) {
        Decision decision = engine("https://shop.example")
                .evaluate(signUp(site, "https://www.clone.example", "shop.example")
                        .proxiesNamed(true)
                        .client(new ClientIdentity("198.51.100.77", "198.51.100.77", true)) // the relay, via the LB
                        .build())
                .decision();

        assertThat(decision.reason())
                .as(
                        "own origins named, %s from www.clone.example through the site's load balancer (%s)",
                        site, decision)
                .isEqualTo(CrossSiteRequests.PROXIED_REASON);
    }

    /**
     * F1, a relay that keeps the visitor's {@code Host} ({@code proxy_set_header Host $host}, which an application
     * that serves any host answers): with own origins named the same-site comparison is still with the request's
     * target, the clone's relay host, a sibling of the clone's page.
     */
    @ParameterizedTest(name = "Sec-Fetch-Site: {0}")
    @CsvSource({"same-origin", "same-site"})
    void ownOriginsNamedRefuseASameSiteRelayThatKeepsItsHost(String site) {
        Decision decision = engine("https://shop.example")
                .evaluate(signUp(site, "https://www.clone.example", "api.clone.example")
                        .build())
                .decision();

        assertThat(decision.reason())
                .as("own origins named, %s from www.clone.example with Host api.clone.example (%s)", site, decision)
                .isEqualTo(CrossSiteRequests.PROXIED_REASON);
    }

    /**
     * F3: a registrable domain whose first label is one of {@code SECOND_LEVELS} under a two-letter top-level domain
     * that sells no such second level ({@code nic.ch}, {@code nic.de}, {@code nic.fr}: the registries' own sites) is
     * taken for a public suffix, and each of its hosts becomes a site of its own: the site's page on {@code
     * www.nic.ch} calling its API on {@code rdap.nic.ch} (same-site to the browser) is refused as a clone's relay.
     * Before 79c91abf a same-site request passed.
     */
    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({"https://www.nic.ch, rdap.nic.ch", "https://www.nic.de, nic.de", "https://www.nic.fr, api.nic.fr"})
    void aSiblingOnARegistrableDomainThatLooksLikeACountrySecondLevelPasses(String page, String target) {
        Decision decision =
                engine("").evaluate(signUp("same-site", page, target).build()).decision();

        assertThat(decision.isDeny())
                .as("the site's own page %s calling %s (%s)", page, target, decision)
                .isFalse();
    }

    /** Control: the sibling on a registrable domain the heuristic reads right passes. */
    @Test
    void controlASiblingOnAPlainDomainPasses() {
        assertThat(engine("")
                        .evaluate(signUp("same-site", "https://www.shop.example", "api.shop.example")
                                .build())
                        .decision()
                        .isDeny())
                .isFalse();
    }
}
