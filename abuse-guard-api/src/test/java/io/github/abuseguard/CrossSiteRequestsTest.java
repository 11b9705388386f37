package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.internal.AllowedOrigins;
import io.github.abuseguard.internal.DeniedClients;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Another site's page makes its visitors' browsers send requests to your routes; counted, they spend the
 * visitor's limits (probe5: a dozen {@code <img>} tags locked visitors out of every counted route).
 */
class CrossSiteRequestsTest {
    private static final String VISITOR = "198.51.100.20";

    private final FakeTimeSource clock = new FakeTimeSource();

    /** One request per address per hour on {@code path}. */
    private RateLimitGuard oneAnHour(String path) {
        return RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("limit")
                        .path(path)
                        .limit(Limit.of(1, Duration.ofHours(1)))
                        .build())
                .build();
    }

    /** One request per address per hour on the gift-card route; nothing on the static files. */
    private AbuseGuard engine(CrossSiteRequests policy, Mode mode) {
        return AbuseGuard.builder()
                .guard(oneAnHour("/api/giftcards/{code}"))
                .timeSource(clock)
                .mode(mode)
                .crossSiteRequests(policy)
                .build();
    }

    private AbuseGuard engine() {
        return engine(CrossSiteRequests.refused(), Mode.ENFORCE);
    }

    private static GuardRequest.Builder request(String method, String path) {
        return GuardRequest.builder(method, path)
                .client(VISITOR)
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.0.0 Safari/537.36");
    }

    /** What {@code <img src="https://shop/api/giftcards/X">} on evil.example makes the browser send. */
    private static GuardRequest image(String path) {
        return request("GET", path)
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "no-cors")
                .header("Sec-Fetch-Dest", "image")
                .header("Referer", "https://evil.example/")
                .build();
    }

    /** The visitor on the shop's own page. */
    private static GuardRequest own(String path) {
        return request("GET", path)
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .build();
    }

    @Test
    void anImageOnAnotherSitesPageIsRefusedWithoutSpendingTheVisitorsLimit() {
        AbuseGuard engine = engine();
        for (int i = 0; i < 12; i++) {
            Decision decision = engine.evaluate(image("/api/giftcards/IMG" + i)).decision();
            assertThat(decision.isDeny()).isTrue();
            assertThat(decision.guard()).isEqualTo(CrossSiteRequests.NAME);
            assertThat(decision.reason()).isEqualTo("cross-site-request");
            assertThat(decision.status()).isEqualTo(403);
        }
        assertThat(engine.evaluate(own("/api/giftcards/GIFT-1000")).decision().isAllow())
                .as("the visitor's own request, after twelve images: its budget untouched")
                .isTrue();
        assertThat(engine.evaluate(own("/api/giftcards/GIFT-1001")).decision().reason())
                .as("and the limit still holds for the visitor's own requests")
                .isEqualTo("rate-limited");
    }

    @Test
    void aNoCorsPostAndAFramedPageAreRefusedToo() {
        AbuseGuard engine = engine();
        GuardRequest post = request("POST", "/api/giftcards/X")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "no-cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("Origin", "https://evil.example")
                .build();
        GuardRequest frame = request("GET", "/api/giftcards/X")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "navigate")
                .header("Sec-Fetch-Dest", "iframe")
                .build();
        assertThat(engine.evaluate(post).decision().reason()).isEqualTo("cross-site-request");
        assertThat(engine.evaluate(frame).decision().reason()).isEqualTo("cross-site-request");
        assertThat(engine.evaluate(own("/api/giftcards/GIFT-1000")).decision().isAllow())
                .isTrue();
    }

    @Test
    void aLinkFromAnotherSiteIsWhatItsUserDidAndCountsLikeAnyRequest() {
        AbuseGuard engine = engine();
        GuardRequest link = request("GET", "/api/giftcards/GIFT-1000")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "navigate")
                .header("Sec-Fetch-Dest", "document")
                .build();
        assertThat(engine.evaluate(link).decision().isAllow()).isTrue();
        assertThat(engine.evaluate(own("/api/giftcards/GIFT-1001")).decision().reason())
                .as("the navigation was charged")
                .isEqualTo("rate-limited");
    }

    /** A top-level navigation to {@code path} from a page of {@code site}, the headers a browser sends. */
    private static GuardRequest.Builder navigation(String path, String site) {
        return request("GET", path)
                .header("Sec-Fetch-Site", site)
                .header("Sec-Fetch-Mode", "navigate")
                .header("Sec-Fetch-Dest", "document");
    }

    /**
     * probe16 F2: {@code <script type="speculationrules">} on another site's page makes its visitors'
     * browsers prefetch (or prerender) the URLs it lists, with the headers of a top-level navigation plus
     * {@code Sec-Purpose}, without a click and showing nothing. Twelve such prefetches banned a visitor
     * from the demo's gift cards. Older browsers and other engines say the same with their own headers
     * (Chromium's {@code Purpose}, Firefox's {@code X-Moz}, WebKit's {@code X-Purpose}).
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Sec-Purpose | prefetch",
                "Sec-Purpose | prefetch;prerender",
                "Sec-Purpose | prefetch;anonymous-client-ip",
                "Sec-Purpose | prefetch;prerender;preview",
                "sec-purpose | prefetch;anonymous-client-ip=?1",
                "Purpose     | prefetch",
                "X-Moz       | prefetch",
                "X-Purpose   | preview",
            })
    void aSpeculativeLoadByAnotherSitesPageIsRefusedWithoutSpendingTheVisitorsLimit(String header, String value) {
        AbuseGuard engine = engine();
        for (int i = 0; i < 12; i++) {
            GuardRequest prefetch = navigation("/api/giftcards/PF" + i, "cross-site")
                    .header(header, value)
                    .build();
            Decision decision = engine.evaluate(prefetch).decision();
            assertThat(decision.isDeny()).isTrue();
            assertThat(decision.guard()).isEqualTo(CrossSiteRequests.NAME);
            assertThat(decision.reason()).isEqualTo("cross-site-prefetch");
            assertThat(decision.status()).isEqualTo(403);
        }
        assertThat(engine.evaluate(own("/api/giftcards/GIFT-1000")).decision().isAllow())
                .as("the visitor's own request, after twelve prefetches: its budget untouched")
                .isTrue();
        assertThat(engine.evaluate(navigation("/api/giftcards/GIFT-1001", "cross-site")
                                .build())
                        .decision()
                        .reason())
                .as("the same navigation without a purpose is the user's click, counted")
                .isEqualTo("rate-limited");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"same-origin", "same-site", "none"})
    void aPrefetchByTheSitesOwnPagesOrTheBrowserItselfIsCountedLikeAnyRequest(String site) {
        // your own speculation rules (same-origin), a sibling subdomain's (same-site), the address bar's
        // prerender of a typed URL (none): not another site's doing
        AbuseGuard engine = engine();
        GuardRequest prefetch = navigation("/api/giftcards/GIFT-1000", site)
                .header("Sec-Purpose", "prefetch;prerender")
                .build();
        assertThat(engine.evaluate(prefetch).decision().isAllow()).isTrue();
        assertThat(engine.evaluate(own("/api/giftcards/GIFT-1001")).decision().reason())
                .as("the prefetch was charged")
                .isEqualTo("rate-limited");
    }

    @Test
    void aNavigationWhosePurposeIsBlankOrNoPrefetchIsTheUsersOwn() {
        AbuseGuard engine = engine();
        GuardRequest blank = navigation("/api/giftcards/GIFT-1000", "cross-site")
                .header("Sec-Purpose", " ")
                .header("Purpose", "")
                .header("X-Purpose", "other")
                .build();
        assertThat(engine.evaluate(blank).decision().isAllow()).isTrue();
    }

    @Test
    void aMonitoredPolicyReportsAPrefetchAndLetsTheGuardsCountIt() {
        AbuseGuard engine = engine(CrossSiteRequests.refused().monitored(), Mode.ENFORCE);
        GuardRequest prefetch = navigation("/api/giftcards/GIFT-1000", "cross-site")
                .header("Sec-Purpose", "prefetch")
                .build();
        Evaluation evaluation = engine.evaluate(prefetch);
        assertThat(evaluation.decision().isAllow()).isTrue();
        assertThat(evaluation.signals()).extracting(Decision::reason).containsExactly("cross-site-prefetch");
    }

    @Test
    void aPrefetchFromAnAllowedOriginPassesAsItsOtherRequestsDo() {
        AbuseGuard engine = engine(
                CrossSiteRequests.refusedUnlessFrom(AllowedOrigins.of(List.of("https://partner.example"))),
                Mode.ENFORCE);
        GuardRequest.Builder prefetch =
                navigation("/api/giftcards/GIFT-1000", "cross-site").header("Sec-Purpose", "prefetch");
        assertThat(engine.evaluate(prefetch.header("Origin", "https://evil.example")
                                .build())
                        .decision()
                        .reason())
                .isEqualTo("cross-site-prefetch");
        assertThat(engine.evaluate(navigation("/api/giftcards/GIFT-1000", "cross-site")
                                .header("Sec-Purpose", "prefetch")
                                .header("Origin", "https://partner.example")
                                .build())
                        .decision()
                        .isAllow())
                .isTrue();
    }

    @Test
    void aPathThatReadsAsAPatternIsRefusedLikeAWatchedOne() {
        // review3: unplanned paths (with * or {) were taken for unwatched, yet /api/** rules count them
        AbuseGuard engine = AbuseGuard.builder()
                .guard(oneAnHour("/api/**"))
                .timeSource(clock)
                .build();
        for (String path : List.of("/api/giftcards/x*", "/api/giftcards/x{", "/api/x}")) {
            assertThat(engine.evaluate(image(path)).decision().reason())
                    .as(path)
                    .isEqualTo("cross-site-request");
        }
        assertThat(engine.evaluate(own("/api/giftcards/GIFT-1000")).decision().isAllow())
                .isTrue();
    }

    @Test
    void aRouteNoRuleWatchesIsNotTouched() {
        AbuseGuard engine = engine();
        assertThat(engine.evaluate(image("/images/logo.png")).decision().isAllow())
                .as("a hot-linked image of a route nothing counts")
                .isTrue();
    }

    @Test
    void aListedOriginsCorsRequestsPassAndAreCounted() {
        AbuseGuard engine = engine(
                CrossSiteRequests.refusedUnlessFrom(AllowedOrigins.of(List.of("https://*.partner.example"))),
                Mode.ENFORCE);
        GuardRequest partner = request("GET", "/api/giftcards/GIFT-1000")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("Origin", "https://app.partner.example")
                .build();
        GuardRequest other = request("GET", "/api/giftcards/GIFT-1000")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("Origin", "https://partner.example.evil.example")
                .build();
        assertThat(engine.evaluate(other).decision().reason()).isEqualTo("cross-site-request");
        assertThat(engine.evaluate(partner).decision().isAllow()).isTrue();
        assertThat(engine.evaluate(partner).decision().reason()).isEqualTo("rate-limited");
    }

    @Test
    void aClientThatIsNoBrowserGainsNothingByClaimingToBeCrossSite() {
        AbuseGuard engine = engine();
        assertThat(engine.evaluate(own("/api/giftcards/GIFT-1000")).decision().isAllow())
                .isTrue();
        GuardRequest claimed = request("GET", "/api/giftcards/GIFT-1001")
                .header("Sec-Fetch-Site", " Cross-Site ")
                .header("Sec-Fetch-Mode", "no-cors")
                .build();
        assertThat(engine.evaluate(claimed).decision().isDeny())
                .as("refused, not waved past the rate limit")
                .isTrue();
    }

    @Test
    void whenAllowedOrMonitoredCrossSiteRequestsAreCheckedLikeAnyOther() {
        AbuseGuard allowed = engine(CrossSiteRequests.allowed(), Mode.ENFORCE);
        assertThat(allowed.evaluate(image("/api/giftcards/IMG")).decision().isAllow())
                .isTrue();
        assertThat(allowed.evaluate(own("/api/giftcards/GIFT-1000")).decision().reason())
                .isEqualTo("rate-limited");

        AbuseGuard monitored = engine(CrossSiteRequests.refused(), Mode.MONITOR);
        Evaluation evaluation = monitored.evaluate(image("/api/giftcards/IMG"));
        assertThat(evaluation.decision().isAllow()).isTrue();
        assertThat(evaluation.signals()).extracting(Decision::reason).contains("cross-site-request");
    }

    @Test
    void anOriginThatTheRoutesOriginRuleListsPassesItsPreflightAndItsCall() {
        RateLimitGuard limit = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("orders")
                        .path("/api/orders")
                        .limit(Limit.of(100, Duration.ofHours(1)))
                        .build())
                .build();
        io.github.abuseguard.origin.OriginGuard origins = io.github.abuseguard.origin.OriginGuard.of(
                List.of(io.github.abuseguard.origin.OriginRule.builder("orders")
                        .path("/api/orders")
                        .allowOrigin("https://partner.example")
                        .build()));
        AbuseGuard engine = AbuseGuard.builder()
                .guard(origins)
                .guard(limit)
                .timeSource(clock)
                .build();
        GuardRequest preflight = request("OPTIONS", "/api/orders")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Origin", "https://partner.example")
                .header("Access-Control-Request-Method", "POST")
                .build();
        GuardRequest call = request("POST", "/api/orders")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Origin", "https://partner.example")
                .build();
        GuardRequest other = request("POST", "/api/orders")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Origin", "https://other.example")
                .build();
        assertThat(engine.evaluate(preflight).decision().isAllow()).isTrue();
        assertThat(engine.evaluate(call).decision().isAllow()).isTrue();
        assertThat(engine.evaluate(other).decision().reason()).isEqualTo("cross-site-request");
    }

    /**
     * review77 F9: every origin rule that applies to a call must let it through, but its preflight asked the first
     * matching rule alone: a rule over {@code /api/**} listing a partner passed the preflight of a route whose own rule
     * names the site's origin only, and the browser then sent a call that was refused.
     */
    @Test
    void aPreflightPassesOnlyWhereEveryOriginRuleOfTheRouteListsTheOrigin() {
        io.github.abuseguard.origin.OriginGuard origins = io.github.abuseguard.origin.OriginGuard.of(List.of(
                io.github.abuseguard.origin.OriginRule.builder("partners")
                        .path("/api/**")
                        .allowOrigin("https://partner.example")
                        .build(),
                io.github.abuseguard.origin.OriginRule.builder("orders")
                        .path("/api/orders")
                        .allowOrigin("https://shop.example")
                        .build()));
        RateLimitGuard limit = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("api")
                        .path("/api/**")
                        .limit(Limit.of(100, Duration.ofHours(1)))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(origins)
                .guard(limit)
                .timeSource(clock)
                .build();
        GuardRequest ordersPreflight = request("OPTIONS", "/api/orders")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Origin", "https://partner.example")
                .header("Access-Control-Request-Method", "POST")
                .build();
        GuardRequest ordersCall = request("POST", "/api/orders")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Origin", "https://partner.example")
                .build();
        GuardRequest catalogPreflight = request("OPTIONS", "/api/catalog")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Origin", "https://partner.example")
                .header("Access-Control-Request-Method", "POST")
                .build();

        assertThat(engine.evaluate(ordersCall).decision().isDeny())
                .as("the orders rule refuses the partner's call")
                .isTrue();
        assertThat(engine.evaluate(ordersPreflight).decision().reason())
                .as("so its preflight is another site's page's request")
                .isEqualTo("cross-site-request");
        assertThat(engine.evaluate(catalogPreflight).decision().isAllow())
                .as("where the partners' rule alone applies, the partner's preflight passes")
                .isTrue();
    }

    /**
     * probe61a F1: a clone behind a stock reverse proxy relays its visitor's write with the clone's {@code Origin} and
     * {@code Sec-Fetch-Site: same-origin}, a pair no browser sends to another origin; the route's rate limit watched it
     * and nothing refused it. Refused against the own origins where named, else against the target unless a trusted
     * proxy forwarded it; the site's own page, {@code Origin: null} and an allowed partner pass.
     */
    @Test
    void aSameOriginRequestNamingAnotherOriginCameThroughThatOriginsProxyAndIsRefused() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(oneAnHour("/api/giftcards/{code}"))
                .timeSource(clock)
                .build();
        java.util.function.Function<String, GuardRequest> relayed = origin -> request("GET", "/api/giftcards/A")
                .targetOrigin("https://shop.example")
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Origin", origin)
                .build();

        assertThat(engine.evaluate(relayed.apply("https://clone.example"))
                        .decision()
                        .reason())
                .isEqualTo("proxied-cross-site-request");
        assertThat(engine.evaluate(relayed.apply("https://shop.example"))
                        .decision()
                        .reason())
                .as("the site's own page")
                .isNotEqualTo("proxied-cross-site-request");
        assertThat(engine.evaluate(relayed.apply("null")).decision().reason())
                .as("a page under no-referrer posting a form")
                .isNotEqualTo("proxied-cross-site-request");

        GuardRequest throughOwnProxy = request("GET", "/api/giftcards/A")
                .client(new ClientIdentity(VISITOR, VISITOR, true, false))
                .targetOrigin("http://app.internal:8080")
                .header("Sec-Fetch-Site", "same-origin")
                .header("Origin", "https://shop.example")
                .build();
        assertThat(engine.evaluate(throughOwnProxy).decision().reason())
                .as("a trusted proxy of the site's own may rewrite Host")
                .isNotEqualTo("proxied-cross-site-request");

        AbuseGuard named = AbuseGuard.builder()
                .guard(oneAnHour("/api/giftcards/{code}"))
                .guard(io.github.abuseguard.origin.OriginGuard.of(List.of(), List.of("https://shop.example")))
                .timeSource(clock)
                .build();
        assertThat(named.evaluate(throughOwnProxy).decision().reason())
                .as("with own-origins named, the trusted proxy's request is judged by them")
                .isNotEqualTo("proxied-cross-site-request");
        GuardRequest cloneThroughOwnProxy = request("GET", "/api/giftcards/A")
                .client(new ClientIdentity(VISITOR, VISITOR, true, false))
                .targetOrigin("http://app.internal:8080")
                .header("Sec-Fetch-Site", "same-origin")
                .header("Origin", "https://clone.example")
                .build();
        assertThat(named.evaluate(cloneThroughOwnProxy).decision().reason()).isEqualTo("proxied-cross-site-request");
    }

    @Test
    void aVisitorWhoseBrowserAnotherSiteUsedIsNotReportedAsDenied() {
        DeniedClients denied = new DeniedClients(Duration.ofHours(1), 100, clock);
        AbuseGuard engine = AbuseGuard.builder()
                .guard(oneAnHour("/api/giftcards/{code}"))
                .listener(denied)
                .timeSource(clock)
                .build();
        for (int i = 0; i < 5; i++) {
            engine.evaluate(image("/api/giftcards/IMG" + i));
        }
        assertThat(denied.top(10))
                .as("review3: innocent visitors topped the report")
                .isEmpty();
        engine.evaluate(own("/api/giftcards/GIFT-1000"));
        engine.evaluate(own("/api/giftcards/GIFT-1001"));
        assertThat(denied.top(10)).extracting(DeniedClients.Entry::denials).containsExactly(1L);
    }

    private AbuseGuard engineFromProperties(Map<String, String> properties) {
        AbuseGuard.Builder builder = io.github.abuseguard.internal.SettingsAssembler.engine(
                io.github.abuseguard.config.AbuseGuardSettings.bind(properties), clock);
        return builder.guard(oneAnHour("/api/giftcards/{code}")).build();
    }

    @Test
    void thePropertiesTurnThePolicyOffOrToMonitorAndListOrigins() {
        assertThat(engineFromProperties(Map.of())
                        .evaluate(image("/api/giftcards/A"))
                        .decision()
                        .reason())
                .as("on by default")
                .isEqualTo("cross-site-request");
        AbuseGuard monitored = engineFromProperties(Map.of("abuse-guard.cross-site.mode", "monitor"));
        Evaluation evaluation = monitored.evaluate(image("/api/giftcards/A"));
        assertThat(evaluation.decision().isAllow()).isTrue();
        assertThat(evaluation.signals()).extracting(Decision::reason).containsExactly("cross-site-request");
        assertThat(monitored.evaluate(own("/api/giftcards/B")).decision().reason())
                .as("monitored: the image was counted")
                .isEqualTo("rate-limited");
        assertThat(engineFromProperties(Map.of("abuse-guard.cross-site.enabled", "false"))
                        .evaluate(image("/api/giftcards/A"))
                        .signals())
                .isEmpty();
        GuardRequest partner = request("GET", "/api/giftcards/A")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Origin", "https://partner.example")
                .build();
        assertThat(engineFromProperties(Map.of("abuse-guard.cross-site.allowed-origins[0]", "https://partner.example"))
                        .evaluate(partner)
                        .decision()
                        .isAllow())
                .isTrue();
    }

    @Test
    void aMistakeInTheListFailsStartUpNamingTheEntryEvenWhileThePolicyIsOff() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engineFromProperties(Map.of(
                        "abuse-guard.cross-site.enabled", "false",
                        "abuse-guard.cross-site.allowed-origins[0]", "https://partner.example/path")))
                .isInstanceOf(io.github.abuseguard.config.InvalidSettingException.class)
                .hasMessageContaining("abuse-guard.cross-site.allowed-origins[0]");
    }

    /**
     * review83 F1: the refusal's detail and README tell an operator whose own proxy terminates TLS (the container sees
     * {@code http}, the browser sends {@code Origin: https://...}) to name the site in
     * {@code abuse-guard.origin.own-origins}; but the origin guard, which hands own-origins to the cross-site policy, is
     * only built when some origin rule exists, so an application with rate limits only (the servlet demo, the seed
     * story) keeps refusing its own page's sign-ups and logins after setting it.
     */
    @Test
    void ownOriginsNamedWithoutAnyOriginRuleAreTheOwnOriginsOfTheProxiedCheck() {
        AbuseGuard engine = io.github.abuseguard.internal.SettingsAssembler.assemble(
                        io.github.abuseguard.config.AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.origin.own-origins[0]", "https://shop.example",
                                "abuse-guard.rate-limit.rules.limit.paths[0]", "/api/giftcards/**",
                                "abuse-guard.rate-limit.rules.limit.limits[0].capacity", "100",
                                "abuse-guard.rate-limit.rules.limit.limits[0].period", "1h")),
                        io.github.abuseguard.config.GuardContext.builder()
                                .store(LocalStateStore.builder()
                                        .timeSource(clock)
                                        .build())
                                .timeSource(clock)
                                .build())
                .build();
        GuardRequest ownPageBehindTlsTerminatingProxy = request("POST", "/api/giftcards/A")
                .targetOrigin("http://shop.example")
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("Origin", "https://shop.example")
                .build();
        assertThat(engine.evaluate(ownPageBehindTlsTerminatingProxy).decision().reason())
                .as("own-origins names https://shop.example: the site's own page is not a proxied clone")
                .isNotEqualTo("proxied-cross-site-request");
    }

    /**
     * review83 F3: a front-end dev server's proxy with {@code changeOrigin} rewrites {@code Host} to the application's
     * port and keeps the page's {@code Origin} (another port of localhost); with no trusted proxy configured (the
     * default) the page's own same-origin sign-up was refused as a clone's. Hosts are compared, and loopback names are
     * one machine.
     */
    @Test
    void aDevServersProxyOnLocalhostIsNoClone() {
        AbuseGuard engine = engine();
        GuardRequest viaDevServerProxy = GuardRequest.builder("POST", "/api/giftcards/A")
                .client("127.0.0.1")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.0.0 Safari/537.36")
                .targetOrigin("http://localhost:8080")
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("Origin", "http://localhost:5173")
                .build();
        assertThat(engine.evaluate(viaDevServerProxy).decision().reason())
                .as("Vite/webpack/Angular dev proxy with changeOrigin: Host rewritten, Origin the page's own")
                .isNotEqualTo("proxied-cross-site-request");
    }
}
