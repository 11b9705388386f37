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
 * review136 F2: the {@code same-site} proxied check compares sites worked out by {@code SiteNames}, which takes the
 * last two labels under a generic top-level name and, unlike {@code allow-same-site}, trusts a two-label site under a
 * country's name too. A clone that registers its own domain under a public suffix the list misses, next to the site
 * it relays (a CentralNic name such as {@code uk.com}, a dynamic-DNS zone such as {@code duckdns.org} whose users get
 * every subdomain of their name, a Polish or Russian city zone), hosts its page and relay on two hosts of that domain:
 * browsers send {@code same-site}, and the guard takes the clone's page for the target's sibling.
 */
class Review136SameSiteSuffixTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private AbuseGuard engine() {
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
                .crossSiteRequests(CrossSiteRequests.refused())
                .build();
    }

    @ParameterizedTest(name = "{1} relayed to {0}")
    @CsvSource({
        "shop.uk.com, https://www.clone.uk.com",
        "myshop.duckdns.org, https://www.clone.duckdns.org",
        "shop.waw.pl, https://www.clone.waw.pl",
        "shop.spb.ru, https://www.clone.spb.ru"
    })
    void aRelayOnAnotherRegistrableDomainUnderAnUnlistedSuffixIsRefused(String host, String origin) {
        GuardRequest relayed = GuardRequest.builder("POST", "/api/accounts")
                .client("192.0.2.50")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .header("Accept-Language", "en-GB,en;q=0.9")
                .targetOrigin("https://" + host)
                .header("Host", host)
                .header("Sec-Fetch-Site", "same-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("Origin", origin)
                .build();

        Decision decision = engine().evaluate(relayed).decision();

        assertThat(decision.reason())
                .as("same-site from %s to %s, two registrable domains (%s)", origin, host, decision)
                .isEqualTo(CrossSiteRequests.PROXIED_REASON);
    }
}
