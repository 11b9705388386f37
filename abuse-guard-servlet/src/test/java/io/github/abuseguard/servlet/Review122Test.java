package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.CrossSiteRequests;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.Mode;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review122: failing tests of the findings on the servlet filter. */
class Review122Test {

    /**
     * A proof rolled out in monitor mode ({@code proof.mode: monitor}) on a route no guard's rule names (the proof is
     * its only protection), with the cross-site check enforced. Another site's image of it from a visitor without a
     * proof: refuseUnproved sees the cross-site refusal, reports nothing and lets the request on "to the guards, which
     * report it once"; but decide() checks cross-site requests only on a route a rule watches, so neither the
     * cross-site refusal nor the missing proof is reported. Before e2a5bbbe the missing proof was reported (WOULD_DENY
     * proof/proof-required): the monitor-mode preview no longer shows the requests the proof would refuse. The same
     * under routes.monitor with the proof enforced (a rollout of the route): 0 reports where there were 2.
     */
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"proof.mode: monitor", "routes.monitor"})
    void aCrossSiteRequestUnderAMonitoredProofOnARouteNoRuleNamesIsReported(String monitoredBy) throws Exception {
        boolean route = monitoredBy.equals("routes.monitor");
        List<String> events = new CopyOnWriteArrayList<>();
        GuardListener recorder = new GuardListener() {
            @Override
            public void onEvent(GuardEvent event) {
                events.add(event.kind() + " " + event.guard() + "/"
                        + event.decision().reason());
            }
        };
        LocalStateStore store = LocalStateStore.builder().maximumKeys(1_000).build();
        AbuseGuard.Builder builder = AbuseGuard.builder();
        if (route) {
            builder.monitoredRoute("/api/scores/chess");
        }
        try (AbuseGuard engine = builder.listener(recorder)
                        .crossSiteRequests(CrossSiteRequests.refused())
                        .guard(RateLimitGuard.builder()
                                .store(store)
                                .rule(RateLimitRule.builder("elsewhere")
                                        .path("/api/orders/**")
                                        .limit(Limit.of(600, Duration.ofMinutes(1)))
                                        .build())
                                .build())
                        .build();
                TestServer server = new TestServer(AbuseGuardFilter.builder()
                        .engine(engine)
                        .store(store)
                        .proof("/abuse-guard/proof", 6, Duration.ofMinutes(2), "this site's proof secret")
                        .requireProof(
                                List.of("/api/scores/**"), Duration.ofHours(24), route ? Mode.ENFORCE : Mode.MONITOR)
                        .build())) {
            HttpResponse<String> sameSite = server.send(HttpRequest.newBuilder(server.uri("/api/scores/chess"))
                    .header("Sec-Fetch-Site", "same-origin")
                    .header("Sec-Fetch-Mode", "cors")
                    .header("Sec-Fetch-Dest", "empty")
                    .GET());
            assertThat(sameSite.statusCode())
                    .as("control: a monitored proof refuses nothing")
                    .isEqualTo(200);
            assertThat(events)
                    .as("control: the visitor's own read without a proof is reported")
                    .contains("WOULD_DENY proof/proof-required");
            events.clear();

            HttpResponse<String> image = server.send(HttpRequest.newBuilder(server.uri("/api/scores/chess"))
                    .header("Sec-Fetch-Site", "cross-site")
                    .header("Sec-Fetch-Mode", "no-cors")
                    .header("Sec-Fetch-Dest", "image")
                    .header("Referer", "https://news.example/")
                    .GET());

            assertThat(image.statusCode())
                    .as("control: a monitored proof refuses nothing")
                    .isEqualTo(200);
            assertThat(events)
                    .as("what the monitored proof reports of another site's image without a proof")
                    .anySatisfy(event -> assertThat(event).startsWith("WOULD_DENY"));
        }
    }
}
