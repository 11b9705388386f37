package io.github.abuseguard.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * review141 F1: {@code SiteNames} now reads the bundled Public Suffix List alone, and dropped the shared hosting
 * platforms its own list held that the PSL does not ({@code glitch.me}, {@code wordpress.com}; {@code MxCheck} keeps
 * {@code glitch.me} as a free-name zone for that reason, review137 F10, but {@code SiteNames} does not). Under {@code
 * allow-same-site}, a clone's page on the same platform (its relay forges {@code Sec-Fetch-Site: same-site}, as
 * review134's clone does) is now the app's own site and its writes pass; before this stop they were refused {@code
 * origin-not-allowed}.
 */
class Review141OriginSameSiteUnlistedPlatformTest {

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

    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({
        "https://evil-clone.github.io, https://shop.github.io", // control: the PSL lists github.io
        "https://evil-clone.glitch.me, https://shop.glitch.me",
        "https://evil-clone.wordpress.com, https://shop.wordpress.com",
    })
    void aCloneOnAnotherProjectOfTheSamePlatformIsNotTheSitesSibling(String clone, String target) {
        Decision decision = guard.check(write(clone, target));

        assertThat(decision.isDeny())
                .as("%s is another customer's project, no sibling of %s: %s", clone, target, decision)
                .isTrue();
    }
}
