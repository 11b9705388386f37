package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.origin.OriginGuard;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.Histories;
import io.github.abuseguard.store.LocalStateStore;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the browser proof on, a client earns the history the under-attack mode lets through only by
 * solving a challenge at the proof's path, on a real server; a successful page load earns none.
 */
class ProofEndpointTest {
    private static final String CLIENT = "127.0.0.1";
    private static final Pattern CHALLENGE = Pattern.compile("\"challenge\":\"([^\"]+)\",\"difficulty\":(\\d+)");

    private final LocalStateStore store =
            LocalStateStore.builder().maximumKeys(1_000).build();
    private final Histories history = store.histories("failure:history", FailureGuard.DEFAULT_HISTORY_TTL);
    private AbuseGuard engine;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        UnderAttack underAttack = HistoryOnCommitTest.freshClientsRefused();
        engine = AbuseGuard.builder()
                .guard(FailureGuard.builder()
                        .store(store)
                        .rule(FailureRule.builder("app")
                                .path("/app/**")
                                .maxRetry(1_000)
                                .underAttack(underAttack)
                                .build())
                        .build())
                .build();
        server = new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .proof("/abuse-guard/proof", 8, Duration.ofMinutes(2), "this site's proof secret")
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        engine.close();
    }

    @Test
    void aPageLoadEarnsNoHistoryASolvedChallengeDoes() throws Exception {
        assertThat(server.get("/app/page").statusCode()).isEqualTo(200);
        assertThat(history.has(CLIENT))
                .as("a page load vouches for nobody while the proof is on")
                .isFalse();

        HttpResponse<String> challenge = server.get("/abuse-guard/proof");
        assertThat(challenge.statusCode()).isEqualTo(200);
        assertThat(challenge.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(challenge.headers().firstValue("Cache-Control")).hasValue("no-store");
        Matcher asked = CHALLENGE.matcher(challenge.body());
        assertThat(asked.find()).as(challenge.body()).isTrue();
        assertThat(asked.group(2)).isEqualTo("8");

        HttpResponse<String> proved =
                post("challenge=" + asked.group(1) + "&nonce=" + ProofSolver.nonce(asked.group(1), 8));

        assertThat(proved.statusCode()).isEqualTo(204);
        assertThat(history.has(CLIENT)).isTrue();
    }

    @Test
    void aWrongSolutionEarnsNothingAndIsAProblem() throws Exception {
        String challenge = challenge();
        long wrong = 0;
        while (ProofSolver.leadingZeroBits(BrowserProof.sha256(challenge + ":" + wrong)) >= 8) {
            wrong++;
        }

        HttpResponse<String> refused = post("challenge=" + challenge + "&nonce=" + wrong);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("\"guard\":\"proof\"", "\"reason\":\"proof-invalid\"", "does not solve");
        assertThat(history.has(CLIENT)).isFalse();
    }

    @Test
    void aRepeatedFieldOrABrokenEscapeIsMalformed() throws Exception {
        String challenge = challenge();
        String nonce = ProofSolver.nonce(challenge, 8);

        assertThat(post("challenge=" + challenge + "&nonce=" + nonce + "&nonce=" + nonce)
                        .statusCode())
                .isEqualTo(400);
        assertThat(post("challenge=" + challenge + "%zz&nonce=" + nonce).statusCode())
                .isEqualTo(400);
        assertThat(history.has(CLIENT)).isFalse();
        assertThat(post("nonce=" + nonce + "&challenge=" + challenge).statusCode())
                .as("in any order")
                .isEqualTo(204);
    }

    /**
     * Probe 10: with the form already read (an empty body), the endpoint asks the container for the fields,
     * which on Jetty 12 parses the query too and throws for a broken escape in it; the client gets a
     * problem, as for any unreadable body, not the container's own page.
     */
    @Test
    void aBrokenEscapeInTheQueryOfAnEmptyProofIsAProblem() throws Exception {
        String answer = server.exchange("POST /abuse-guard/proof?a=%zz HTTP/1.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer).containsIgnoringCase("\r\nContent-Type: application/problem+json");
        assertThat(answer).contains("\"reason\":\"proof-invalid\"");
        assertThat(history.has(CLIENT)).isFalse();
    }

    @Test
    void whatIsNotAProofFormGetsAClearAnswer() throws Exception {
        String challenge = challenge();
        HttpResponse<String> json = server.send(HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"challenge\":\"" + challenge + "\"}")));
        HttpResponse<String> large = postAnsweredEarly("challenge=" + challenge + "&pad=" + "x".repeat(600));
        HttpResponse<String> put = server.send(
                HttpRequest.newBuilder(server.uri("/abuse-guard/proof")).PUT(HttpRequest.BodyPublishers.ofString("x")));

        assertThat(json.statusCode()).isEqualTo(415);
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(put.body()).contains("\"reason\":\"method-not-allowed\"");
        assertThat(history.has(CLIENT)).isFalse();
    }

    @Test
    void onlyTheProofsOwnPathsAreServedTheRestReachesTheApplication() throws Exception {
        HttpResponse<String> script = server.get("/abuse-guard/proof.js");
        HttpResponse<String> below = server.get("/abuse-guard/proof/x");
        HttpResponse<String> longer = server.get("/abuse-guard/proofs");

        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
        assertThat(script.body()).contains("window.abuseGuard");
        assertThat(below.statusCode()).isEqualTo(200);
        assertThat(below.body()).doesNotContain("challenge");
        assertThat(longer.statusCode()).isEqualTo(200);
        assertThat(longer.body()).doesNotContain("challenge");
    }

    @Test
    void aProofStillHoldsWhenAFilterBeforeReadTheForm() throws Exception {
        AbuseGuardFilter proofFilter = AbuseGuardFilter.builder()
                .engine(engine)
                .proof("/abuse-guard/proof", 8, Duration.ofMinutes(2), "this site's proof secret")
                .build();
        try (TestServer reading = new TestServer((request, response, chain) -> {
            request.getParameterMap(); // what a hidden-method filter does before the guard
            proofFilter.doFilter(request, response, chain);
        })) {
            String form = ProofSolver.form(reading.get("/abuse-guard/proof").body());
            HttpResponse<String> proved = reading.send(HttpRequest.newBuilder(reading.uri("/abuse-guard/proof"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));

            assertThat(proved.statusCode()).as(proved.body()).isEqualTo(204);
            assertThat(history.has(CLIENT)).isTrue();
        }
    }

    /** The script itself, in Node.js against this server: what a browser running the page does. */
    @Test
    void theScriptSolvesAChallengeAndEarnsTheHistory(@TempDir Path dir) throws Exception {
        Path harness = dir.resolve("page.js");
        Files.writeString(
                harness,
                String.join(
                        "\n",
                        "const source = process.argv[2];",
                        "globalThis.document = { currentScript: { src: source, getAttribute: () => null } };",
                        "globalThis.window = {};",
                        "fetch(source).then(r => r.text()).then(text => {",
                        "  (0, eval)(text);",
                        "  return window.abuseGuard.ready;",
                        "}).then(ok => window.abuseGuard.fetch(source.replace('/abuse-guard/proof.js', '/app/page'))",
                        "  .then(page => console.log('ready ' + ok + ', page ' + page.status)), e => console.log('failed ' + e))",
                        "  .then(() => process.exit(0));")); // the renewal timer would keep node running
        Process node = new ProcessBuilder(
                        "node",
                        harness.toString(),
                        server.uri("/abuse-guard/proof.js").toString())
                .redirectErrorStream(true)
                .start();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(output.trim()).isEqualTo("ready true, page 200");
        assertThat(history.has(CLIENT)).isTrue();
    }

    @Test
    void settingsNameTheBadProperty() {
        assertThatThrownBy(() -> AbuseGuardFilter.builder()
                        .settings(AbuseGuardSettings.bind(
                                Map.of("abuse-guard.proof.enabled", "true", "abuse-guard.proof.path", "/api/*"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("abuse-guard.proof")
                .hasMessageContaining("plain path");
        assertThatThrownBy(() -> AbuseGuardFilter.builder()
                        .settings(AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.proof.enabled",
                                "true",
                                "abuse-guard.proof.path",
                                "/abuse-guard/../proof"))))
                .as("a path no request can have after normalisation")
                .hasMessageContaining("plain path");
        assertThatThrownBy(() -> AbuseGuardFilter.builder()
                        .settings(AbuseGuardSettings.bind(
                                Map.of("abuse-guard.proof.enabled", "true", "abuse-guard.proof.secret", "short"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("16 bytes");
    }

    private String challenge() throws IOException, InterruptedException {
        Matcher asked = CHALLENGE.matcher(server.get("/abuse-guard/proof").body());
        assertThat(asked.find()).isTrue();
        return asked.group(1);
    }

    /**
     * A form the endpoint answers before reading it (too large): the server may close the connection while
     * the client still writes, which the client then reports as a read error instead of the answer; once
     * more on a new connection.
     */
    private HttpResponse<String> postAnsweredEarly(String form) throws IOException, InterruptedException {
        try {
            return post(form);
        } catch (IOException closedWhileWriting) {
            return post(form);
        }
    }

    @Test
    void aProofRelayedFromAnotherSitesPageEarnsItsRelayNoHistory() throws Exception {
        // probe67e F2: a clone behind a stock reverse proxy forwards its visitors' proofs with its own Origin
        String challenge = challenge();
        String form = "challenge=" + challenge + "&nonce=" + ProofSolver.nonce(challenge, 8);

        HttpResponse<String> relayed = post(form, "https://clone.example", "same-origin");
        HttpResponse<String> crossSite = post(form, "https://clone.example", "cross-site");

        assertThat(relayed.statusCode()).isEqualTo(403);
        assertThat(relayed.body()).contains("\"reason\":\"proxied-cross-site-request\"");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.body()).contains("\"reason\":\"cross-site-request\"");
        assertThat(history.has(CLIENT)).as("the relay's address earned nothing").isFalse();

        HttpResponse<String> own = post(form, "http://" + server.uri("/").getAuthority(), "same-origin");

        assertThat(own.statusCode()).as("the site's own page proves as before").isEqualTo(204);
        assertThat(history.has(CLIENT)).isTrue();
    }

    /**
     * review115 F1: the proof's cross-site check asked the policy alone, so a front end an origin rule over {@code /**}
     * lets into every watched route was refused the proof; it is refused as a watched route is, not more.
     */
    @Test
    void aFrontEndAnOriginRuleListsProvesAsItCallsAWatchedRoute() throws Exception {
        String partner = "https://partner.example";
        try (AbuseGuard partnered = AbuseGuard.builder()
                        .guard(OriginGuard.of(List.of(OriginRule.builder("front-ends")
                                .path("/**")
                                .allowOrigin(partner)
                                .build())))
                        .guard(RateLimitGuard.builder()
                                .store(store)
                                .rule(RateLimitRule.builder("orders")
                                        .path("/app/**")
                                        .limit(Limit.of(100, Duration.ofHours(1)))
                                        .build())
                                .build())
                        .build();
                TestServer site = new TestServer(AbuseGuardFilter.builder()
                        .engine(partnered)
                        .proof("/abuse-guard/proof", 8, Duration.ofMinutes(2), "this site's proof secret")
                        .build())) {
            java.util.function.Function<String, HttpRequest.Builder> fromPartner =
                    path -> HttpRequest.newBuilder(site.uri(path))
                            .header("Origin", partner)
                            .header("Sec-Fetch-Site", "cross-site")
                            .header("Sec-Fetch-Mode", "cors")
                            .header("Sec-Fetch-Dest", "empty")
                            .header("Content-Type", "application/x-www-form-urlencoded");
            HttpResponse<String> watched =
                    site.send(fromPartner.apply("/app/orders").POST(HttpRequest.BodyPublishers.ofString("item=1")));
            assertThat(watched.statusCode())
                    .as("control: the watched route lets the listed origin in")
                    .isEqualTo(200);

            Matcher asked = CHALLENGE.matcher(site.get("/abuse-guard/proof").body());
            assertThat(asked.find()).isTrue();
            String form = "challenge=" + asked.group(1) + "&nonce=" + ProofSolver.nonce(asked.group(1), 8);
            HttpResponse<String> proved =
                    site.send(fromPartner.apply("/abuse-guard/proof").POST(HttpRequest.BodyPublishers.ofString(form)));

            assertThat(proved.statusCode()).as(proved.body()).isEqualTo(204);
        }
    }

    private HttpResponse<String> post(String form) throws IOException, InterruptedException {
        return server.send(HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private HttpResponse<String> post(String form, String origin, String fetchSite)
            throws IOException, InterruptedException {
        return server.send(HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", origin)
                .header("Sec-Fetch-Site", fetchSite)
                .header("Sec-Fetch-Mode", "cors")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }
}
