package io.github.abuseguard.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.Mode;
import io.github.abuseguard.internal.OriginPattern;
import io.github.abuseguard.internal.WebOrigin;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OriginGuardTest {
    private static final String SELF = "https://shop.example";

    private final OriginGuard guard = OriginGuard.of(List.of(OriginRule.builder("api")
            .path("/api/**")
            .allowOrigin("https://partner.example:8443")
            .allowOrigin("https://*.cdn-shop.example")
            .bindApiKey("key-of-widget", List.of("https://widget.example"))
            .build()));

    /**
     * user59 F1: every rule whose paths match applies and each must let the request through; a broad rule listing a
     * partner, asked first, let the partner through a route whose own rule names the application's origin only.
     */
    @Test
    void everyMatchingRuleMustLetTheRequestThrough() {
        OriginGuard layered = OriginGuard.of(List.of(
                OriginRule.builder("api")
                        .path("/api/**")
                        .allowOrigin("https://partner.example:8443")
                        .build(),
                OriginRule.builder("transform-own-only").path("/api/transform").build()));
        assertThat(layered.check(post().header("Origin", "https://partner.example:8443")
                                .build())
                        .isDeny())
                .as("the partner on the route whose own rule names no partner")
                .isTrue();
        assertThat(layered.check(post().header("Origin", SELF).build()).isDeny())
                .as("the application's own origin, which both let through")
                .isFalse();
        assertThat(layered.check(GuardRequest.builder("POST", "/api/orders")
                                .targetOrigin(SELF)
                                .header("Origin", "https://partner.example:8443")
                                .build())
                        .isDeny())
                .as("the partner elsewhere under the broad rule")
                .isFalse();
    }

    private static GuardRequest.Builder post() {
        return GuardRequest.builder("POST", "/api/transform").targetOrigin(SELF);
    }

    private Decision withOrigin(String origin) {
        return guard.check(post().header("Origin", origin).build());
    }

    @ParameterizedTest(name = "refused: {0}")
    @ValueSource(
            strings = {
                "https://shop.example.evil.net",
                "https://evilshop.example",
                "https://shop.example@evil.net",
                "https://evil.net#@shop.example",
                "https://evil.net/shop.example",
                "http://shop.example",
                "https://shop.example:444",
                "https://partner.example",
                "https://partner.example:443",
                "https://cdn-shop.example",
                "https://x.cdn-shop.example.evil.net",
                "https://xcdn-shop.example",
                "null",
                "",
                "garbage",
                "https://",
                "ftp://shop.example",
                "https://shop.example/",
                "https://shop.example/path",
                "https://shop.example?x",
                "javascript:alert(1)",
                "https://sh\u00f6p.example",
                "https://[::1]",
                "https://shop.example:99999",
            })
    void bypassAttemptsAreRefused(String origin) {
        Decision decision = withOrigin(origin);
        assertThat(decision.isDeny()).as(origin).isTrue();
        assertThat(decision.status()).isEqualTo(403);
        assertThat(decision.responseHeaders()).containsEntry("Vary", "Origin, Sec-Fetch-Site");
    }

    @ParameterizedTest(name = "allowed: {0}")
    @ValueSource(
            strings = {
                "https://shop.example",
                "HTTPS://SHOP.EXAMPLE",
                "https://shop.example:443",
                "https://shop.example.",
                "https://partner.example:8443",
                "https://a.cdn-shop.example",
                "https://a.b.cdn-shop.example",
                "https://A.CDN-SHOP.EXAMPLE",
            })
    void legitimateFormsPass(String origin) {
        Decision decision = withOrigin(origin);
        assertThat(decision.isAllow()).as(origin).isTrue();
        assertThat(decision.responseHeaders()).containsEntry("Vary", "Origin, Sec-Fetch-Site");
    }

    @Test
    void internationalisedHostsCompareInTheirAsciiForm() {
        OriginGuard idn = OriginGuard.of(List.of(OriginRule.builder("idn")
                .path("/**")
                .allowOrigin("https://bücher.example")
                .build()));
        assertThat(idn.check(post().header("Origin", "https://xn--bcher-kva.example")
                                .build())
                        .isAllow())
                .isTrue();
        assertThat(idn.check(post().header("Origin", "https://bucher.example").build())
                        .isDeny())
                .isTrue();
    }

    @Test
    void aHostWithAnIdnaDeviationIsNoOriginEvenWhereItsIdna2003TwinIsAllowed() {
        // probe24 F7: IDNA2003 reads straße as strasse, browsers as xn--strae-oqa: two domains, maybe two owners
        OriginGuard twin = OriginGuard.of(List.of(OriginRule.builder("twin")
                .path("/**")
                .allowOrigin("https://strasse.example")
                .build()));
        assertThat(twin.check(post().header("Origin", "https://strasse.example").build())
                        .isAllow())
                .isTrue();
        assertThat(twin.check(post().header("Origin", "https://straße.example").build())
                        .isDeny())
                .isTrue();
        assertThat(twin.check(post().header("Origin", "https://STRAẞE.example").build())
                        .isDeny())
                .isTrue();
    }

    @Test
    void severalOriginHeadersAreRefused() {
        Decision decision = guard.check(post().header("Origin", SELF)
                .header("Origin", "https://evil.net")
                .build());
        assertThat(decision.reason()).isEqualTo("multiple-origins");
    }

    @Test
    void theRefererIsParsedAsAUriNotAPrefix() {
        assertThat(guard.check(post().header("Referer", SELF + "/upload?x=1").build())
                        .isAllow())
                .isTrue();
        assertThat(guard.check(post().header("Referer", "https://shop.example.evil.net/")
                                .build())
                        .isDeny())
                .isTrue();
        assertThat(guard.check(post().header("Referer", "https://shop.example@evil.net/")
                                .build())
                        .isDeny())
                .isTrue();
        assertThat(guard.check(post().header("Referer", "not a url").build()).reason())
                .isEqualTo("malformed-referer");
    }

    /**
     * probe46d F5: a same-origin page whose address holds characters browsers leave unescaped in a query ({@code |},
     * {@code {}}, {@code ^}, a stray {@code %}) was refused as a malformed Referer; only the origin is read now.
     */
    @Test
    void aRefererWhosePathOrQueryBrowsersLeaveUnescapedIsReadForItsOriginOnly() {
        for (String page :
                new String[] {"/games?q=a|b", "/games?filter={\"a\":1}", "/games?q=50%", "/g{1}/x", "/s?sort=^x"}) {
            assertThat(guard.check(post().header("Referer", SELF + page).build())
                            .isAllow())
                    .as(page)
                    .isTrue();
        }
        assertThat(guard.check(post().header("Referer", "https://evil.net/games?q=a|b")
                                .build())
                        .reason())
                .isNotEqualTo("malformed-referer");
        assertThat(guard.check(post().header("Referer", "https://evil.net/games?q=a|b")
                                .build())
                        .isDeny())
                .isTrue();
        assertThat(guard.check(post().header("Referer", "https://evil.net\\@shop.example/")
                                .build())
                        .isDeny())
                .as("the host ends at a backslash, as a browser reads it")
                .isTrue();
    }

    @Test
    void aRefererThatBreaksTheJdkUriParserIsMalformedNotAnError() {
        String referer = "http://[201:db8::" + "4".repeat(62) + ".44444444%44]:4";
        assertThat(guard.check(post().header("Referer", referer).build()).reason())
                .isEqualTo("malformed-referer");
    }

    @ParameterizedTest(name = "Sec-Fetch-Site {0} with origin {1}: allowed={2}")
    @CsvSource({
        "same-origin, https://shop.example, true",
        "none, https://shop.example, true",
        "cross-site, , false",
        "cross-site, https://shop.example, false",
        "cross-site, https://partner.example:8443, true",
        "same-site, https://shop.example, false",
        "same-site, , false",
    })
    void fetchMetadataDecides(String site, String origin, boolean allowed) {
        GuardRequest.Builder request = post().header("Sec-Fetch-Site", site);
        if (origin != null) {
            request.header("Origin", origin);
        }
        assertThat(guard.check(request.build()).isAllow()).isEqualTo(allowed);
    }

    @Test
    void sameSiteAndNullPassOnlyWhenConfigured() {
        OriginGuard lenient = OriginGuard.of(List.of(OriginRule.builder("lenient")
                .path("/**")
                .allowSameSite(true)
                .allowNull(true)
                .build()));
        assertThat(lenient.check(post().header("Sec-Fetch-Site", "same-site")
                                .header("Origin", SELF)
                                .build())
                        .isAllow())
                .isTrue();
        assertThat(lenient.check(post().header("Origin", "null").build()).isAllow())
                .isTrue();
    }

    /**
     * probe48b F3: a browser sends {@code Origin: null} for a form posted from the site's own page under {@code
     * Referrer-Policy: no-referrer}, with {@code Sec-Fetch-Site: same-origin}; the site's own sign-up form was refused.
     * Other sites' opaque origins (a sandboxed frame: cross-site) and a {@code cors} request stay refused.
     */
    @Test
    void theSitesOwnFormUnderNoReferrerPassesOtherNullOriginsDoNot() {
        assertThat(guard.check(post().header("Origin", "null")
                                .header("Sec-Fetch-Site", "same-origin")
                                .header("Sec-Fetch-Mode", "navigate")
                                .build())
                        .isDeny())
                .as("goes on, weighed as a request without Origin (probe73d F4)")
                .isFalse();
        assertThat(guard.check(post().header("Origin", "null")
                                .header("Sec-Fetch-Site", "same-origin")
                                .header("Sec-Fetch-Mode", "no-cors")
                                .build())
                        .isDeny())
                .as("goes on, weighed as a request without Origin (probe73d F4)")
                .isFalse();
        for (String[] headers : new String[][] {
            {"cross-site", "navigate"}, {"same-site", "navigate"}, {"same-origin", "cors"}, {"same-origin", null}
        }) {
            GuardRequest.Builder request = post().header("Origin", "null").header("Sec-Fetch-Site", headers[0]);
            if (headers[1] != null) {
                request.header("Sec-Fetch-Mode", headers[1]);
            }
            assertThat(guard.check(request.build()).reason())
                    .as(String.join(" ", java.util.Arrays.asList(headers)))
                    .isEqualTo("null-origin");
        }
    }

    /**
     * probe73d F4: behind a clone's proxy that writes the API's own Host, {@code Sec-Fetch-Site: same-origin} is the
     * clone's page's; its {@code Origin: null} under no-referrer was let on with no score, where its own Origin and no
     * Origin at all were refused. It is weighed as a request without Origin: the missing-origin score, which a proxy's
     * marks push past the risk threshold.
     */
    @Test
    void aNullOriginUnderNoReferrerIsWeighedAsAMissingOrigin() {
        OriginGuard named =
                OriginGuard.of(List.of(OriginRule.builder("api").path("/**").build()), List.of("https://shop.example"));
        Decision decision = named.check(post().header("Origin", "null")
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "same-origin")
                .targetOrigin("https://shop.example")
                .build());
        assertThat(decision.isFlag()).isTrue();
        assertThat(decision.reason()).isEqualTo("missing-origin");
        assertThat(decision.score()).isEqualTo(40);
        OriginGuard open = OriginGuard.of(List.of(OriginRule.builder("open")
                .path("/**")
                .missing(MissingOriginPolicy.ALLOW, 1)
                .build()));
        assertThat(open.check(post().header("Origin", "null")
                                .header("Sec-Fetch-Site", "same-origin")
                                .header("Sec-Fetch-Mode", "navigate")
                                .build())
                        .isAllow())
                .as("a rule that lets a missing Origin through")
                .isTrue();
    }

    /** review49 F6: with own origins named, a null origin targeting another host (a clone relaying as is) is refused. */
    @Test
    void aNullOriginOfTheOwnPageMustTargetAnOwnOrigin() {
        OriginGuard named =
                OriginGuard.of(List.of(OriginRule.builder("api").path("/**").build()), List.of("https://shop.example"));
        GuardRequest.Builder fromOwnPage = post().header("Origin", "null")
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "navigate");

        assertThat(named.check(fromOwnPage.targetOrigin("https://shop.example").build())
                        .isDeny())
                .as("goes on, weighed as a request without Origin (probe73d F4)")
                .isFalse();
        assertThat(named.check(post().header("Origin", "null")
                                .header("Sec-Fetch-Site", "same-origin")
                                .header("Sec-Fetch-Mode", "navigate")
                                .targetOrigin("https://clone.example")
                                .build())
                        .reason())
                .isEqualTo("null-origin");
    }

    @Test
    void aRequestWithoutOriginOrRefererFollowsTheMissingPolicy() {
        assertThat(guard.check(post().build())).satisfies(decision -> {
            assertThat(decision.isFlag()).isTrue();
            assertThat(decision.score()).isEqualTo(40);
        });
        OriginGuard strict = OriginGuard.of(List.of(OriginRule.builder("strict")
                .path("/**")
                .missing(MissingOriginPolicy.REJECT, 1)
                .build()));
        assertThat(strict.check(post().build()).reason()).isEqualTo("missing-origin");
        OriginGuard open = OriginGuard.of(List.of(OriginRule.builder("open")
                .path("/**")
                .missing(MissingOriginPolicy.ALLOW, 1)
                .build()));
        assertThat(open.check(post().build()).isAllow()).isTrue();
    }

    /**
     * Probe 5, F3: a browser sends {@code Origin} on every request whose method is not GET or HEAD, so
     * {@code Sec-Fetch-Site: same-origin} or {@code none} on a POST without it is a client library that
     * added one header; it meets the missing policy like any client that names no origin.
     */
    @ParameterizedTest(name = "POST with Sec-Fetch-Site: {0} and no Origin")
    @ValueSource(strings = {"same-origin", "none", "Same-Origin", "NONE"})
    void fetchMetadataWithoutOriginOnAWriteMeetsTheMissingPolicy(String site) {
        assertThat(guard.check(post().header("Sec-Fetch-Site", site).build())).satisfies(decision -> {
            assertThat(decision.isFlag()).isTrue();
            assertThat(decision.reason()).isEqualTo("missing-origin");
            assertThat(decision.score()).isEqualTo(40);
        });
        OriginGuard strict = OriginGuard.of(List.of(OriginRule.builder("strict")
                .path("/**")
                .missing(MissingOriginPolicy.REJECT, 1)
                .build()));
        Decision refused = strict.check(post().header("Sec-Fetch-Site", site)
                .header("Sec-Fetch-Mode", "cors")
                .header("User-Agent", "python-requests/2.32")
                .build());
        assertThat(refused.isDeny()).isTrue();
        assertThat(refused.reason()).isEqualTo("missing-origin");
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
            assertThat(strict.check(GuardRequest.builder(method, "/api/accounts")
                                    .targetOrigin(SELF)
                                    .header("Sec-Fetch-Site", site)
                                    .build())
                            .isDeny())
                    .as(method)
                    .isTrue();
        }
        OriginGuard open = OriginGuard.of(List.of(OriginRule.builder("open")
                .path("/**")
                .missing(MissingOriginPolicy.ALLOW, 1)
                .build()));
        assertThat(open.check(post().header("Sec-Fetch-Site", site).build()).isAllow())
                .isTrue();
    }

    /**
     * Probe 12, L4: a browser sends {@code Origin} with every request whose method is not GET or HEAD, so
     * one that says it comes from another site ({@code Sec-Fetch-Site: cross-site} or {@code same-site})
     * without it is refused as such a request is, whatever {@code Referer} or the missing policy says.
     */
    @ParameterizedTest(name = "{0} with Sec-Fetch-Site: {1}, Referer {2} and no Origin")
    @CsvSource({
        "POST, cross-site, https://partner.example:8443/page",
        "PUT, cross-site, https://shop.example/cart",
        "DELETE, Cross-Site, ",
        "POST, same-site, ",
        "PATCH, same-site, https://shop.example/cart",
    })
    void aWriteFromAnotherSiteWithoutOriginIsRefused(String method, String site, String referer) {
        OriginGuard lenient = OriginGuard.of(List.of(OriginRule.builder("lenient")
                .path("/api/**")
                .allowOrigin("https://partner.example:8443")
                .allowSameSite(true)
                .missing(MissingOriginPolicy.ALLOW, 1)
                .build()));
        GuardRequest.Builder request = GuardRequest.builder(method, "/api/transform")
                .targetOrigin(SELF)
                .header("Sec-Fetch-Site", site);
        if (referer != null) {
            request.header("Referer", referer);
        }

        Decision decision = lenient.check(request.build());

        assertThat(decision.isDeny()).isTrue();
        assertThat(decision.reason()).isEqualTo(site.toLowerCase(java.util.Locale.ROOT));
        assertThat(lenient.check(GuardRequest.builder(method, "/api/transform")
                                .targetOrigin(SELF)
                                .header("Referer", "https://shop.example/cart")
                                .build())
                        .isAllow())
                .as("a client without Fetch Metadata is judged by its Referer as before")
                .isTrue();
    }

    /** A same-origin GET carries no {@code Origin}, nor does an address typed in: both still pass. */
    @ParameterizedTest(name = "{0} with Sec-Fetch-Site: {1} and no Origin")
    @CsvSource({"GET, same-origin", "GET, none", "HEAD, same-origin", "HEAD, none"})
    void fetchMetadataStillVouchesForAReadWithoutOrigin(String method, String site) {
        OriginGuard strictOnReads = OriginGuard.of(List.of(OriginRule.builder("reads")
                .path("/**")
                .methods("GET", "HEAD")
                .missing(MissingOriginPolicy.REJECT, 1)
                .build()));
        GuardRequest.Builder read = GuardRequest.builder(method, "/api/report").targetOrigin(SELF);
        assertThat(strictOnReads
                        .check(read.header("Sec-Fetch-Site", site)
                                .header("Sec-Fetch-Mode", "navigate")
                                .build())
                        .isAllow())
                .isTrue();
        assertThat(strictOnReads
                        .check(GuardRequest.builder(method, "/api/report")
                                .targetOrigin(SELF)
                                .build())
                        .reason())
                .isEqualTo("missing-origin");
    }

    @Test
    void safeMethodsAreNotProtectedByDefault() {
        assertThat(guard.check(GuardRequest.builder("GET", "/api/transform")
                        .header("Origin", "https://evil.net")
                        .build()))
                .isSameAs(Decision.allow());
    }

    @Test
    void aBoundApiKeyMayOnlyBeUsedFromItsOrigins() {
        assertThat(guard.check(post().header("X-Api-Key", "key-of-widget")
                                .header("Origin", "https://widget.example")
                                .build())
                        .isAllow())
                .isTrue();
        assertThat(guard.check(post().header("X-Api-Key", "key-of-widget")
                                .header("Origin", SELF)
                                .build())
                        .isDeny())
                .as("not even the application's own origin")
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "shop.example",
                "https://shop.example/path",
                "https://*",
                "https://sho*p.example",
                "ftp://x.example"
            })
    void malformedAllowedOriginsAreRefused(String pattern) {
        assertThatIllegalArgumentException().isThrownBy(() -> OriginPattern.parse(pattern));
    }

    /** probe46d L3: the refusal named {@code http://localhost} for {@code http://localhost:3000}. */
    @ParameterizedTest
    @CsvSource({
        "http://localhost:3000, http://localhost:3000",
        "http://localhost:80, http://localhost",
        "https://evil.example, https://evil.example",
        "https://evil.example:8443, https://evil.example:8443",
        "'http://[2001:db8::1]:8080', 'http://[2001:db8::1]:8080'",
        "'http://[2001:DB8:0:0::1]:8080', 'http://[2001:db8::1]:8080'",
        "'https://[::1]', 'https://[::1]'",
        "'https://[2001:db8:0:0:1:0:0:1]', 'https://[2001:db8::1:0:0:1]'",
        "'https://[0:0:0:0:0:0:0:0]', 'https://[::]'"
    })
    void aRefusalNamesTheOriginWithItsPortWhereItIsNotTheSchemes(String sent, String shown) {
        assertThat(OriginGuard.shown(WebOrigin.ofOriginHeader(sent))).isEqualTo(shown);
    }

    /** probe48b F7: an IPv6 origin configured in another spelling never matched the one a browser sends. */
    @ParameterizedTest
    @ValueSource(strings = {"https://[2001:db8:0:0::1]", "https://[2001:0db8::1]", "https://[2001:DB8::0:1]"})
    void anIpv6OriginMatchesHoweverItIsWritten(String configured) {
        assertThat(OriginPattern.parse(configured).matches(WebOrigin.ofOriginHeader("https://[2001:db8::1]")))
                .isTrue();
        assertThat(OriginPattern.parse(configured).matches(WebOrigin.ofOriginHeader("https://[2001:db8::2]")))
                .isFalse();
    }

    private static final String API = "https://api.example";
    private static final String WIDGET = "https://widget.example";
    private static final String DASHBOARD = "https://dashboard.partner.example";
    private static final String KEY = "pk_live_partner";

    /**
     * The operator binds one partner key per method: writes from the partner's widget only, reads also from the
     * partner's dashboard. A read of the dashboard with the key is let in by the read rule, which applies, and
     * refused by the write rule, which does not apply to a GET: its keyBinding checks the key against the write
     * rule's origins, and a refusal there ends the check.
     */
    @Test
    void aKeyBoundForReadsByTheRuleOfReadsIsNotRefusedByTheRuleOfWrites() {
        OriginGuard guard = OriginGuard.of(List.of(
                OriginRule.builder("partner-writes")
                        .path("/api/partner/**")
                        .methods("POST", "PUT", "PATCH", "DELETE")
                        .bindApiKey(KEY, List.of(WIDGET))
                        .build(),
                OriginRule.builder("partner-reads")
                        .path("/api/partner/**")
                        .methods("GET")
                        .bindApiKey(KEY, List.of(WIDGET, DASHBOARD))
                        .build()));
        try (AbuseGuard engine =
                AbuseGuard.builder().guard(guard).mode(Mode.ENFORCE).build()) {
            int refused = 0;
            Evaluation last = null;
            for (int i = 0; i < 5; i++) {
                last = engine.evaluate(GuardRequest.builder("GET", "/api/partner/orders")
                        .targetOrigin(API)
                        .header("Origin", DASHBOARD)
                        .header("Sec-Fetch-Site", "cross-site")
                        .header("Sec-Fetch-Mode", "cors")
                        .header("Sec-Fetch-Dest", "empty")
                        .header("X-Api-Key", KEY)
                        .client("198.51.100.7")
                        .build());
                if (last.isDenied()) {
                    refused++;
                }
            }

            assertThat(refused)
                    .as("the dashboard's reads refused, with the key the read rule binds to the dashboard: %s", last)
                    .isZero();
        }
    }
}
