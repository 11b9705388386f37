package io.github.abuseguard.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * probe75a F2: the README names {@code allow-same-site} (annotation {@code allowSameSite}) as what lets {@code
 * Sec-Fetch-Site: same-site} through "without a listed origin", and the cross-site section says a sibling subdomain
 * is {@code same-site} and needs nothing. A shop whose page at {@code https://www.shop.example} writes to its API at
 * {@code https://api.shop.example} sets it on the API's rule, and each of its visitors' writes is still refused
 * {@code origin-not-allowed}: the origin must be the target's own or a listed one before {@code same-site} is read, so
 * the flag only ever decides for an own or listed origin, which is no sibling's (the only test of it sends the
 * target's own origin with {@code same-site}, a pair no browser sends).
 */
class OriginGuardProbe75aTest {
    private static final String API = "https://api.shop.example";

    private final OriginGuard guard = OriginGuard.of(List.of(
            OriginRule.builder("api").path("/api/**").allowSameSite(true).build()));

    private static GuardRequest write(String origin) {
        return GuardRequest.builder("POST", "/api/orders")
                .targetOrigin(API)
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .header("Accept-Language", "en-GB,en;q=0.9")
                .header("Origin", origin)
                .header("Referer", origin + "/basket")
                .header("Sec-Fetch-Site", "same-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .build();
    }

    @Test
    void aSiblingSubdomainsPagePassesARuleThatAllowsSameSite() {
        Decision decision = guard.check(write("https://www.shop.example"));

        assertThat(decision.isDeny())
                .as("the shop's own page on www.shop.example, allow-same-site set: %s", decision)
                .isFalse();
    }

    @Test
    void controlAnotherDomainClaimingSameSiteStaysRefused() {
        assertThat(guard.check(write("https://www.clone.example")).isDeny())
                .as("a relay's same-site with another registrable domain's Origin (probe75a F1)")
                .isTrue();
    }
}
