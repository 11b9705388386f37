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
 * review91: where proxies are named and the peer is none of them, 7302d0bf refuses any request carrying
 * {@code Forwarded} outright, even one whose {@code Forwarded} names no host ({@code for=} alone, as HAProxy's
 * {@code option forwarded} or a corporate proxy sends) and whose Origin is the Host it was sent to. Its exact
 * equivalent, {@code X-Forwarded-For}, passes: a header that forwards no host cannot have made the target another's.
 */
class CrossSiteRequestsReview91Test {
    private final FakeTimeSource clock = new FakeTimeSource();

    private AbuseGuard engine() {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("limit")
                                .path("/api/accounts")
                                .limit(Limit.of(100, Duration.ofHours(1)))
                                .build())
                        .build())
                .timeSource(clock)
                .mode(Mode.ENFORCE)
                .crossSiteRequests(CrossSiteRequests.refused())
                .build();
    }

    @ParameterizedTest(name = "own page, direct, {0}: {1}")
    @CsvSource({
        "X-Forwarded-For, 10.1.2.3", // control: passes
        "Forwarded, for=10.1.2.3",
        "Forwarded, for=10.1.2.3;proto=https",
    })
    void theSitesOwnPageWhoseForwardingHeaderNamesNoHostPasses(String name, String value) {
        GuardRequest own = GuardRequest.builder("POST", "/api/accounts")
                .client("192.0.2.50") // not a named proxy
                .proxiesNamed(true)
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .targetOrigin("https://shop.example")
                .header("Host", "shop.example")
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("Origin", "https://shop.example")
                .header(name, value)
                .build();
        assertThat(engine().evaluate(own).decision().reason())
                .as("Origin is the Host the request was sent to, and the header forwards no host")
                .isNotEqualTo("proxied-cross-site-request");
    }

    @ParameterizedTest(name = "control, own page, direct: Host {0}, Origin {1}")
    @CsvSource({
        "'[::1]:8080', 'http://[::1]:8080'",
        "'shop.example:8443', 'https://shop.example'",
        "'SHOP.example', 'https://shop.example'",
        "'[2001:db8::1]', 'https://[2001:db8::1]'",
    })
    void controlHostSpellings(String host, String origin) {
        GuardRequest own = GuardRequest.builder("POST", "/api/accounts")
                .client("192.0.2.50")
                .proxiesNamed(true)
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .targetOrigin("http://backend:8080")
                .header("Host", host)
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("Origin", origin)
                .header("X-Forwarded-For", "10.1.2.3")
                .build();
        assertThat(engine().evaluate(own).decision().reason()).isNotEqualTo("proxied-cross-site-request");
    }
}
