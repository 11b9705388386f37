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
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review120: failing tests of the findings on the servlet filter. */
class Review120Test {

    @TempDir
    Path dir;

    private TestServer start(String yaml) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, yaml);
        return new TestServer(AbuseGuardFilter.fromSettings(SettingsFile.load(file)));
    }

    /**
     * An IP list entry written in the operator's own translation prefix (client.nat64-prefixes), as the ingress logs
     * show the client, names the translated IPv4 client; the client is that IPv4 address to every guard, so the entry
     * never matches it (as probe70a F1 for 6to4 and review16 F2 for the well-known prefix).
     */
    @Test
    void aDenyEntryInTheOperatorsTranslationPrefixDeniesTheTranslatedClient() throws Exception {
        try (TestServer server = start("""
                abuse-guard:
                  client:
                    trusted-proxies: [127.0.0.1]
                    nat64-prefixes: ["2001:db8:64::/96"]
                  ip-lists:
                    deny: ["2001:db8:64::198.51.100.66"]
                  rate-limit:
                    rules:
                      probe:
                        paths: [/api/**]
                        limits:
                          - capacity: 100
                            period: 1h
                """)) {
            int status = server.send(HttpRequest.newBuilder(server.uri("/api/scores"))
                            .header("X-Forwarded-For", "2001:db8:64::198.51.100.66"))
                    .statusCode();
            assertThat(status).as("the denied translated client").isEqualTo(403);
        }
    }

    /**
     * A proof-required route a rule watches, under routes.monitor (a rollout that reports only), with the cross-site
     * check and the proof enforced. Another site's image of it from a visitor without a proof: refuseUnproved reports
     * the cross-site would-deny (crossSiteRefusal), the monitored route lets the request on past the proof, and decide()
     * reports the same cross-site would-deny again: one request, two cross-site reports in the metrics and the
     * decision log (review119 F4's double report, through routes.monitor instead of proof.mode: monitor).
     */
    @Test
    void oneCrossSiteRequestOnAMonitoredRouteIsReportedOnce() throws Exception {
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
                        .crossSiteRequests(CrossSiteRequests.refused())
                        .monitoredRoute("/api/scores/chess")
                        .guard(RateLimitGuard.builder()
                                .store(store)
                                .rule(RateLimitRule.builder("watched")
                                        .path("/api/scores/**")
                                        .methods("GET")
                                        .limit(Limit.of(600, Duration.ofMinutes(1)))
                                        .build())
                                .build())
                        .build();
                TestServer server = new TestServer(AbuseGuardFilter.builder()
                        .engine(engine)
                        .store(store)
                        .proof("/abuse-guard/proof", 6, Duration.ofMinutes(2), "this site's proof secret")
                        .requireProof(List.of("/api/scores/**"), Duration.ofHours(24), Mode.ENFORCE)
                        .build())) {
            HttpResponse<String> image = server.send(HttpRequest.newBuilder(server.uri("/api/scores/chess"))
                    .header("Sec-Fetch-Site", "cross-site")
                    .header("Sec-Fetch-Mode", "no-cors")
                    .header("Sec-Fetch-Dest", "image")
                    .header("Referer", "https://news.example/")
                    .GET());

            assertThat(image.statusCode())
                    .as("control: a monitored route refuses nothing")
                    .isEqualTo(200);
            assertThat(events.stream()
                            .filter(e -> e.startsWith("WOULD_DENY cross-site/"))
                            .count())
                    .as("one request's cross-site reports: %s", events)
                    .isEqualTo(1);
        }
    }

    /**
     * The proof's POST on a page served with {@code Referrer-Policy: no-referrer} (a password-reset page whose URL holds
     * its token, the reason such pages set it): 54dba125 gives the POST its own policy, {@code same-origin}, under which
     * a browser sends the page's whole URL (path and query) in {@code Referer} of a same-origin request, overriding the
     * page's policy, so the token reaches the access log of every proof POST, renewed every 15 minutes. The Referer and
     * Origin a browser sends for the policy the script sets are worked out as the Referrer Policy and Fetch
     * specifications define them; {@code strict-origin} (or {@code origin}) names the page's origin in both and no more.
     */
    @Test
    void theProofsPostDoesNotSendThePagesPathAndQueryAgainstItsNoReferrerPolicy() throws Exception {
        Path script = dir.resolve("proof.js");
        try (InputStream in = AbuseGuardFilter.class.getResourceAsStream("proof.js")) {
            Files.write(script, in.readAllBytes());
        }
        Path harness = dir.resolve("page.js");
        Files.writeString(
                harness,
                String.join(
                        "\n",
                        "const fs = require('fs');",
                        "globalThis.document = { currentScript: { src: 'https://shop.example/abuse-guard/proof.js',"
                                + " getAttribute: () => null } };",
                        "globalThis.window = {};",
                        "let policy = 'none';",
                        "globalThis.fetch = (input, init) => {",
                        "  if (init && init.method === 'POST') { policy = String(init.referrerPolicy); }",
                        "  return Promise.resolve(init && init.method === 'POST'",
                        "    ? new Response(null, { status: 204 })",
                        "    : Response.json({ challenge: 'c', difficulty: 0 }));",
                        "};",
                        "(0, eval)(fs.readFileSync(process.argv[2], 'utf8'));",
                        "window.abuseGuard.ready.then(() => console.log(policy)).then(() => process.exit(0));"));
        Process node = new ProcessBuilder("node", harness.toString(), script.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        String policy = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();

        String page = "https://shop.example/account/reset?token=s3cr3t-reset-token";
        String pageOrigin = "https://shop.example";
        // Referrer Policy, "determine request's referrer" for a same-origin https request from the page; the page's
        // own policy (no-referrer) where the request sets none
        String referer = switch (policy) {
            case "no-referrer", "undefined", "" -> null;
            case "origin", "strict-origin" -> pageOrigin + "/";
            // same-origin, strict-origin-when-cross-origin, origin-when-cross-origin, no-referrer-when-downgrade,
            // unsafe-url: the whole URL (without its fragment) to the same origin
            default -> page;
        };
        // Fetch, "append a request Origin header" for a POST: null under no-referrer (the page's where none is set)
        String origin = referer == null ? "null" : pageOrigin;

        assertThat(origin)
                .as("control: the POST names the page's origin (policy %s)", policy)
                .isEqualTo(pageOrigin);
        assertThat(referer)
                .as("the Referer of the proof's POST (policy %s) on a no-referrer page", policy)
                .doesNotContain("token");
    }

    /**
     * A clone behind a stock relay: its server (here the test's own address) forwards its visitors' reads of a
     * proof-required route with the clone's page in Referer and Sec-Fetch-Site: same-origin. Before 1a43dc00 each was
     * refused proof-required and counted against the relay's address in the most-denied clients, where an operator finds
     * the address to deny; now each is refused proxied-cross-site-request under guard cross-site, which DeniedClients
     * leaves out as "no evidence against the visitor whose browser sent it", though the client here is the relay itself,
     * not a visitor: 8 of 8 refusals, the relay absent from the report.
     */
    @Test
    void aClonesRelayRefusedOnAProofRequiredRouteIsAmongTheMostDenied() throws Exception {
        io.github.abuseguard.internal.DeniedClients denied = new io.github.abuseguard.internal.DeniedClients(
                Duration.ofHours(1), 100, io.github.abuseguard.TimeSource.system());
        LocalStateStore store = LocalStateStore.builder().maximumKeys(1_000).build();
        try (AbuseGuard engine = AbuseGuard.builder()
                        .listener(denied)
                        .crossSiteRequests(CrossSiteRequests.refused())
                        .guard(RateLimitGuard.builder()
                                .store(store)
                                .rule(RateLimitRule.builder("watched")
                                        .path("/api/scores/**")
                                        .limit(Limit.of(600, Duration.ofMinutes(1)))
                                        .build())
                                .build())
                        .build();
                TestServer server = new TestServer(AbuseGuardFilter.builder()
                        .engine(engine)
                        .store(store)
                        .proof("/abuse-guard/proof", 6, Duration.ofMinutes(2), "this site's proof secret")
                        .requireProof(List.of("/api/scores/**"), Duration.ofHours(24), Mode.ENFORCE)
                        .build())) {
            for (int i = 0; i < 8; i++) {
                HttpResponse<String> relayed = server.send(HttpRequest.newBuilder(server.uri("/api/scores/chess"))
                        .header("Sec-Fetch-Site", "same-origin")
                        .header("Sec-Fetch-Mode", "cors")
                        .header("Sec-Fetch-Dest", "empty")
                        .header("Referer", "https://clone.example/scores")
                        .GET());
                assertThat(relayed.statusCode())
                        .as("control: the relayed read is refused")
                        .isEqualTo(403);
            }

            assertThat(denied.top(10))
                    .as("the relay's address among the most-denied clients")
                    .anySatisfy(entry -> assertThat(entry.denials()).isEqualTo(8));
        }
    }

    /**
     * review122 F2: a proof rolled out in monitor mode ({@code proof.mode: monitor}) on a route no guard's rule names (the proof is
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
