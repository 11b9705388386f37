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

/** review84: legitimate same-origin browser requests the proxied-request check refuses. */
class CrossSiteRequestsReview84Test {
    private final FakeTimeSource clock = new FakeTimeSource();

    private AbuseGuard engine() {
        return AbuseGuard.builder()
                .guard(RateLimitGuard.builder()
                        .store(LocalStateStore.builder().timeSource(clock).build())
                        .rule(RateLimitRule.builder("limit")
                                .path("/api/giftcards/{code}")
                                .limit(Limit.of(100, Duration.ofHours(1)))
                                .build())
                        .build())
                .timeSource(clock)
                .mode(Mode.ENFORCE)
                .crossSiteRequests(CrossSiteRequests.refused())
                .build();
    }

    /**
     * F3: the javadoc of {@code proxiedRefusal} says the check stands aside where "a proxy of the site's own may stand
     * between (a trusted one, a loopback peer, or a request with forwarding headers)", but no loopback peer is
     * checked: a dev server's proxy ({@code changeOrigin}, no {@code xfwd}, the Vite/webpack/Angular default) on the
     * developer's machine, whose page is opened by the machine's LAN address or name (testing on a phone,
     * {@code server.host: true}) or on {@code 0.0.0.0}, connects from 127.0.0.1 with {@code Host} rewritten to the
     * application, and the page's own sign-up is refused as a clone's. So is the minimal nginx site on the same host
     * (nginx's default {@code Host} is the upstream's, and it adds no forwarding header unless told to).
     */
    /**
     * F3 (the host list): {@code loopback} knows {@code localhost}, {@code 127.x} and {@code [::1]} but not the
     * IPv4-mapped loopback {@code [::ffff:7f00:1]} (what a browser shows for {@code http://[::ffff:127.0.0.1]:5173}),
     * so that spelling of the one machine is refused where {@code 127.0.0.1} passes.
     */
    @ParameterizedTest(name = "F3 loopback spelt as an IPv4-mapped address: page {0}, Host {1}")
    @CsvSource({
        "http://[::ffff:7f00:1]:5173, http://localhost:8080",
        "http://localhost:5173, http://[::ffff:127.0.0.1]:8080",
    })
    void anIpv4MappedLoopbackIsThisMachineToo(String pageOrigin, String target) {
        GuardRequest viaDevServerProxy = GuardRequest.builder("POST", "/api/giftcards/A")
                .client("127.0.0.1")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.0.0 Safari/537.36")
                .targetOrigin(target)
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("Origin", pageOrigin)
                .build();
        assertThat(engine().evaluate(viaDevServerProxy).decision().reason())
                .as("127.0.0.1 and localhost pass; ::ffff:127.0.0.1 is the same machine")
                .isNotEqualTo("proxied-cross-site-request");
    }
}
