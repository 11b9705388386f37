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

/** review86: stock relays whose visitors' writes the proxied-request check lets through. */
class CrossSiteRequestsReview86Test {
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

    private static GuardRequest.Builder relayed(String host, String origin) {
        return GuardRequest.builder("POST", "/api/accounts")
                .client("198.51.100.20") // the clone's server, an untrusted peer (nothing is trusted by default)
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .targetOrigin(host)
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("Origin", origin);
    }

    /**
     * F1: the check stands aside for any request that carries Forwarded or an X-Forwarded-* header, from any peer.
     * Caddy's reverse_proxy (X-Forwarded-For, -Proto, -Host by default), Apache's ProxyPass (X-Forwarded-For, -Host,
     * -Server by default, ProxyAddHeaders On), Traefik, http-proxy with xfwd, and nginx with the usual
     * proxy_set_header X-Forwarded-For line all add one, so a clone behind any of them gets its visitors' writes
     * through; only nginx's bare proxy_pass is stopped. So is every relay once the site itself sits behind a load
     * balancer or ingress, which appends X-Forwarded-For to every request, the clone's too. Where the site's proxies
     * are named as trusted, a forwarding header from another peer is no sign of them; where none is named, the check
     * cannot tell a relay from the site's own unnamed proxy and still stands aside (README: set own-origins).
     */
    @ParameterizedTest(name = "F1 relay adds {0}")
    @CsvSource({
        "X-Forwarded-For, 203.0.113.7",
        "X-Forwarded-Proto, https",
        "X-Forwarded-Host, clone.example",
        "Forwarded, for=203.0.113.7",
    })
    void aStockRelayThatAddsAForwardingHeaderIsStillAClone(String name, String value) {
        GuardRequest viaClone = relayed("http://shop.example", "https://clone.example")
                .header(name, value)
                .build();
        GuardRequest namedProxies = relayed("http://shop.example", "https://clone.example")
                .header(name, value)
                .proxiesNamed(true)
                .build();
        assertThat(engine().evaluate(namedProxies).decision().reason())
                .as("an untrusted peer's forwarding header is no sign of the site's own proxy")
                .isEqualTo("proxied-cross-site-request");
        assertThat(engine().evaluate(viaClone).decision().isDeny())
                .as("with no proxy named, the site's own unnamed proxy looks the same: it stands aside")
                .isFalse();
    }

    @Test
    void theSitesOwnPageThroughItsNamedProxyPasses() {
        // the site's load balancer rewrote Host to the upstream's name; it is a trusted proxy
        GuardRequest ownPage = relayed("http://backend:8080", "https://shop.example")
                .client(ClientIdentity.of("198.51.100.20").forwardedByTrustedProxy())
                .header("X-Forwarded-For", "203.0.113.7, 10.0.0.2")
                .proxiesNamed(true)
                .build();
        assertThat(engine().evaluate(ownPage).decision().isDeny()).isFalse();
    }

    /**
     * F3: loopback() takes any host starting with "127." as this machine, so a clone on a domain such as
     * 127.clone.example (a valid DNS name) passes wherever the target is a loopback name: the same-machine proxy of
     * review84 F3 refuses the site's own page but lets this clone through.
     */
    @Test
    void aDomainThatStartsWith127IsNoLoopbackAddress() {
        GuardRequest viaClone =
                relayed("http://127.0.0.1:8080", "https://127.clone.example").build();
        assertThat(engine().evaluate(viaClone).decision().reason())
                .as("127.clone.example is a public name, not 127.0.0.0/8")
                .isEqualTo("proxied-cross-site-request");
        GuardRequest devServer =
                relayed("http://127.0.0.1:8080", "http://localhost:5173").build();
        assertThat(engine().evaluate(devServer).decision().isDeny())
                .as("a development server's page on the loopback address is this machine")
                .isFalse();
    }
}
