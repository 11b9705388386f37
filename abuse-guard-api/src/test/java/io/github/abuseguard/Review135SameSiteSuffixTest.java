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
 * review135 F1: ddf9b3a8 shortened {@code SiteNames.SECOND_LEVELS} (review134 F3, so that {@code nic.ch} is one site)
 * and guarded {@code OriginGuard}'s {@code allow-same-site} with {@code SiteNames.certain}, but the cross-site check's
 * same-site comparison ({@code CrossSiteRequests}, no own origins named) reads {@code SiteNames.sameSite} without it.
 * Every registry second level dropped from the list ({@code ltd.uk}, {@code plc.uk}, {@code sch.uk}, {@code nhs.uk},
 * {@code gouv.fr}, {@code gob.mx}, {@code gv.at}, {@code lg.jp}, {@code nom.za}, {@code info.pl}, {@code biz.pl}) is now
 * read as a registrable domain: a clone registered beside the shop under the same suffix is its "sibling", and its
 * relayed same-site sign-up passes where 39a2b6ac refused it.
 */
class Review135SameSiteSuffixTest {
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

    /** A sign-up as a browser sends it from {@code origin}, relayed to {@code host}. */
    private static GuardRequest signUp(String origin, String host) {
        return GuardRequest.builder("POST", "/api/accounts")
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
    }

    @ParameterizedTest(name = "{0} relayed to {1}")
    @CsvSource({
        "https://www.clone.ltd.uk, shop.ltd.uk",
        "https://www.clone.plc.uk, shop.plc.uk",
        "https://www.clone.sch.uk, school.sch.uk",
        "https://www.impots-remboursement.gouv.fr, www.impots.gouv.fr",
        "https://www.clone.gob.mx, www.sat.gob.mx",
        "https://www.clone.gv.at, www.bmf.gv.at"
    })
    void aCloneUnderARegistrySecondLevelIsNoSibling(String clone, String target) {
        Decision decision = engine().evaluate(signUp(clone, target)).decision();

        assertThat(decision.reason())
                .as(
                        "%s is another registrant's domain under the same public suffix as %s (%s)",
                        clone, target, decision)
                .isEqualTo(CrossSiteRequests.PROXIED_REASON);
    }

    /** Control: the clone under a suffix still on the list is refused. */
    @Test
    void controlACloneUnderCoUkIsRefused() {
        assertThat(engine().evaluate(signUp("https://www.clone.co.uk", "shop.co.uk"))
                        .decision()
                        .reason())
                .isEqualTo(CrossSiteRequests.PROXIED_REASON);
    }
}
