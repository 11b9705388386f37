package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.CrossSiteRequests;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.Mode;
import io.github.abuseguard.origin.MissingOriginPolicy;
import io.github.abuseguard.origin.OriginGuard;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The cross-site check as browsers meet it: an origin-bound API key's preflight (probe70b F2), and requests to
 * proof-required routes, refused as cross-site where the proof is enforced and only reported where it is monitored
 * (probe70b F1, review119 F1, F4).
 */
class CrossSiteBrowserTest {
    private static final String WIDGET = "https://widget.example";

    /**
     * F2: a browser sends the widget's GET with its X-Api-Key only after a CORS preflight (X-Api-Key is no
     * CORS-safelisted header), and the preflight carries the header's name, never its value. On a route a rule watches
     * on every method (a rate limit without methods, as the demo's gift cards), the preflight is refused
     * cross-site-request, so the read README says the widget's browser makes past the cross-site check is never sent.
     */
    @Test
    void theWidgetsPreflightForItsKeyedReadPasses() throws Exception {
        LocalStateStore store = LocalStateStore.builder().maximumKeys(1_000).build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(OriginGuard.of(List.of(OriginRule.builder("api")
                        .path("/api/**")
                        .missing(MissingOriginPolicy.FLAG, 40)
                        .bindApiKey("widget-key-123", List.of(WIDGET))
                        .build())))
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("giftcards")
                                .path("/api/giftcards/**")
                                .limit(Limit.of(100, Duration.ofHours(1)))
                                .build())
                        .build())
                .mode(Mode.ENFORCE)
                .build();
        try (TestServer server =
                new TestServer(AbuseGuardFilter.builder().engine(engine).build())) {
            HttpResponse<String> read = server.send(fromWidget(server, "/api/giftcards/AAAA")
                    .header("X-Api-Key", "widget-key-123")
                    .GET());
            assertThat(read.statusCode())
                    .as("control: the keyed read itself passes: %s", read.body())
                    .isEqualTo(200);

            for (String method : List.of("GET", "POST")) {
                HttpResponse<String> preflight = server.send(fromWidget(server, "/api/giftcards/AAAA")
                        .header("Access-Control-Request-Method", method)
                        .header("Access-Control-Request-Headers", "x-api-key")
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
                assertThat(preflight.statusCode())
                        .as(
                                "the preflight of the widget's keyed %s, which a browser sends first: %s",
                                method, preflight.body())
                        .isNotEqualTo(403);
            }
        } finally {
            engine.close();
        }
    }

    /**
     * F1: another site's page (an image) makes a visitor without a proof request a proof-required route. README: such a
     * request is refused before any guard as cross-site-request, reported under guard cross-site, and does not count
     * against the visitor in the most-denied clients; it is refused and reported as the visitor's proof-required
     * denial (guard proof), which the most-denied clients count.
     */
    @Test
    void anotherSitesImageOnAProofRequiredRouteIsACrossSiteRefusal() throws Exception {
        Answered image = image("/api/scores/**", CrossSiteRequests.refused(), Mode.ENFORCE);

        assertThat(image.status()).isEqualTo(403);
        assertThat(image.events())
                .as("another site's image is the cross-site check's refusal, not the visitor's proof-required one")
                .containsExactly("DENY cross-site/cross-site-request");
    }

    private static HttpRequest.Builder fromWidget(TestServer server, String path) {
        return HttpRequest.newBuilder(server.uri(path))
                .header("Origin", WIDGET)
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty");
    }

    /**
     * F1: the proof trialled in monitor mode (proof.mode: monitor) on a route no guard rule names. README: the
     * cross-site check refuses what another site's page sends "to a route some rule names"; a monitored proof only
     * reports. 1a43dc00 asks the cross-site check first in refuseUnproved, whatever the route: the unproved visitor's
     * cross-site request is now refused 403 cross-site-request where before (and for a proved visitor still) it passed.
     */
    @Test
    void aMonitoredProofDoesNotRefuseCrossSiteRequestsOnARouteNoRuleNames() throws Exception {
        Answered image = image("/login", CrossSiteRequests.refused(), Mode.MONITOR);

        assertThat(image.status())
                .as("a monitored proof on a route no rule names refuses nothing: %s %s", image.body(), image.events())
                .isNotEqualTo(403);
    }

    /**
     * F4 (low): cross-site check and proof both monitored, on a watched route. refuseUnproved reports the cross-site
     * would-deny (crossSiteRefusal), the proof lets the request on, and decide() reports the same cross-site would-deny
     * again: one request, two would-deny cross-site reports.
     */
    @Test
    void oneMonitoredCrossSiteRequestIsReportedOnce() throws Exception {
        Answered image = image("/api/scores/**", CrossSiteRequests.refused().monitored(), Mode.MONITOR);

        assertThat(image.events().stream()
                        .filter(e -> e.startsWith("WOULD_DENY cross-site/"))
                        .count())
                .as("%s", image.events())
                .isEqualTo(1);
    }

    /** What a request answered: its status, its body and the engine's events, as {@code kind guard/reason}. */
    private record Answered(int status, String body, List<String> events) {}

    /**
     * Another site's image of {@code /api/scores/chess} sent by a visitor without a proof, where the proof is required
     * on {@code /api/scores/**} in {@code proofMode} and a rate-limit rule watches {@code GET} on {@code rulePath}.
     */
    private static Answered image(String rulePath, CrossSiteRequests crossSite, Mode proofMode) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        GuardListener recorder = new GuardListener() {
            @Override
            public void onEvent(GuardEvent event) {
                events.add(event.kind() + " " + event.guard() + "/"
                        + event.decision().reason());
            }
        };
        LocalStateStore store = LocalStateStore.builder().maximumKeys(1_000).build();
        try (AbuseGuard engine = AbuseGuard.builder()
                        .listener(recorder)
                        .crossSiteRequests(crossSite)
                        .guard(RateLimitGuard.builder()
                                .store(store)
                                .rule(RateLimitRule.builder("watched")
                                        .path(rulePath)
                                        .methods("GET")
                                        .limit(Limit.of(600, Duration.ofMinutes(1)))
                                        .build())
                                .build())
                        .build();
                TestServer server = new TestServer(AbuseGuardFilter.builder()
                        .engine(engine)
                        .store(store)
                        .proof("/abuse-guard/proof", 6, Duration.ofMinutes(2), "this site's proof secret")
                        .requireProof(List.of("/api/scores/**"), Duration.ofHours(24), proofMode)
                        .build())) {
            HttpResponse<String> image = server.send(HttpRequest.newBuilder(server.uri("/api/scores/chess"))
                    .header("Sec-Fetch-Site", "cross-site")
                    .header("Sec-Fetch-Mode", "no-cors")
                    .header("Sec-Fetch-Dest", "image")
                    .header("Referer", "https://news.example/")
                    .GET());
            return new Answered(image.statusCode(), image.body(), List.copyOf(events));
        }
    }
}
