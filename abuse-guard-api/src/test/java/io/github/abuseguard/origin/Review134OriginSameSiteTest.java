package io.github.abuseguard.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * review134 F2, F3 on the origin guard: {@code allow-same-site} now takes an origin {@code SiteNames} reads as the
 * target's site (79c91abf, probe75a F2). Under a public suffix the heuristic does not know, a clone's relayed
 * same-site write, refused {@code origin-not-allowed} before, passes; on a registrable domain it takes for a
 * country's second level, the site's own sibling is still refused.
 */
class Review134OriginSameSiteTest {

    private final OriginGuard guard = OriginGuard.of(List.of(
            OriginRule.builder("api").path("/api/**").allowSameSite(true).build()));

    private static GuardRequest write(String origin, String target) {
        return GuardRequest.builder("POST", "/api/orders")
                .targetOrigin(target)
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .header("Accept-Language", "en-GB,en;q=0.9")
                .header("Origin", origin)
                .header("Referer", origin + "/basket")
                .header("Sec-Fetch-Site", "same-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .build();
    }

    /**
     * F2: the clone's page on its own domain under {@code me.uk}, relayed to the shop with Host rewritten; review141 F1:
     * a clone on another project of the app's platform where the Public Suffix List lacks the platform ({@code
     * glitch.me}, {@code wordpress.com}; {@code github.io}, which it lists, the control).
     */
    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({
        "https://www.clone.me.uk, https://shop.me.uk",
        "https://www.clone.tokyo.jp, https://shop.tokyo.jp",
        "https://evil-clone.github.io, https://shop.github.io",
        "https://evil-clone.glitch.me, https://shop.glitch.me",
        "https://evil-clone.wordpress.com, https://shop.wordpress.com"
    })
    void aCloneUnderAnUnlistedSuffixIsNotTheSitesSibling(String clone, String target) {
        Decision decision = guard.check(write(clone, target));

        assertThat(decision.isDeny())
                .as("%s is a registrable domain of its own, no sibling of %s: %s", clone, target, decision)
                .isTrue();
    }
}
