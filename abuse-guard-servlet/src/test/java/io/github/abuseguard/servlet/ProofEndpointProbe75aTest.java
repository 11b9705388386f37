package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.store.Histories;
import io.github.abuseguard.store.LocalStateStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * probe75a F1: the browser proof's {@code POST} passes the cross-site check as a watched route does, and a clone
 * whose page ({@code https://www.clone.example}) and relay ({@code https://api.clone.example}) are two hosts of its
 * domain relays its visitors' proofs with {@code Sec-Fetch-Site: same-site} and the clone's {@code Origin}: the
 * relay's address earned the history (and every proof-required route) that the same relay with {@code same-origin}
 * is refused (probe67e F2). On the demo: 204, then {@code /api/scores/chess} 200 from the relay.
 */
class ProofEndpointProbe75aTest {
    private static final String CLIENT = "127.0.0.1";
    private static final Pattern CHALLENGE = Pattern.compile("\"challenge\":\"([^\"]+)\"");

    private final LocalStateStore store =
            LocalStateStore.builder().maximumKeys(1_000).build();
    private final Histories history = store.histories("failure:history", FailureGuard.DEFAULT_HISTORY_TTL);
    private AbuseGuard engine;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        engine = AbuseGuard.builder()
                .guard(FailureGuard.builder()
                        .store(store)
                        .rule(FailureRule.builder("app")
                                .path("/app/**")
                                .maxRetry(1_000)
                                .underAttack(HistoryOnCommitTest.freshClientsRefused())
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
    void aProofRelayedSameSiteFromAnotherDomainsPageEarnsItsRelayNoHistory() throws Exception {
        Matcher asked = CHALLENGE.matcher(server.get("/abuse-guard/proof").body());
        assertThat(asked.find()).isTrue();
        String challenge = asked.group(1);
        String form = "challenge=" + challenge + "&nonce=" + ProofSolver.nonce(challenge, 8);

        HttpResponse<String> sameOrigin = relayed(form, "same-origin");
        assertThat(sameOrigin.statusCode())
                .as("control: the relay's same-origin proof is refused (probe67e F2)")
                .isEqualTo(403);

        HttpResponse<String> sameSite = relayed(form, "same-site");

        assertThat(sameSite.statusCode())
                .as("same-site with the Origin of www.clone.example: no browser sends it here")
                .isEqualTo(403);
        assertThat(history.has(CLIENT))
                .as("the relay's address earned a history")
                .isFalse();
    }

    /** The visitor's proof as the clone's relay forwards it: the browser's headers, Host the upstream's. */
    private HttpResponse<String> relayed(String form, String fetchSite) throws Exception {
        return server.send(HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .header("Origin", "https://www.clone.example")
                .header("Referer", "https://www.clone.example/")
                .header("Sec-Fetch-Site", fetchSite)
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }
}
