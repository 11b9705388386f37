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
 * A clone site relaying its visitors' browser proofs through its own server: the relay's address must earn no history
 * (and so no proof-required route) from its visitors' work, whatever the relay forwards of the browser's fields.
 */
class ProofRelayedByACloneTest {
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

    /**
     * probe75a F1: the browser proof's {@code POST} passes the cross-site check as a watched route does, and a clone
     * whose page ({@code https://www.clone.example}) and relay ({@code https://api.clone.example}) are two hosts of its
     * domain relays its visitors' proofs with {@code Sec-Fetch-Site: same-site} and the clone's {@code Origin}: the
     * relay's address earned the history that the same relay with {@code same-origin} is refused (probe67e F2).
     */
    @Test
    void aProofRelayedSameSiteFromAnotherDomainsPageEarnsItsRelayNoHistory() throws Exception {
        String form = solved();
        HttpResponse<String> sameOrigin = relayed(form, "https://www.clone.example", "same-origin");
        assertThat(sameOrigin.statusCode())
                .as("control: the relay's same-origin proof is refused (probe67e F2)")
                .isEqualTo(403);

        HttpResponse<String> sameSite = relayed(form, "https://www.clone.example", "same-site");

        assertThat(sameSite.statusCode())
                .as("same-site with the Origin of www.clone.example: no browser sends it here")
                .isEqualTo(403);
        assertThat(history.has(CLIENT))
                .as("the relay's address earned a history")
                .isFalse();
    }

    /**
     * probe80b F1: a clone served over plain {@code http} relays its visitors' proofs through a stock reverse proxy:
     * browsers send no {@code Sec-Fetch-*} to an {@code http} page's relay, so the proof's {@code POST} carries the
     * clone's {@code Origin} and nothing else. The proof is same-origin only (no CORS), and the site's script always
     * names the page's origin, so a foreign {@code Origin} on it is never the site's own page, whatever the browser.
     */
    @Test
    void aProofRelayedFromAPlainHttpClonesPageEarnsItsRelayNoHistory() throws Exception {
        HttpResponse<String> overHttps = relayed(solved(), "https://clone.example", "same-origin");
        assertThat(overHttps.statusCode())
                .as("control: the https clone's relayed proof is refused (probe67e F2)")
                .isEqualTo(403);
        assertThat(history.has(CLIENT)).as("control").isFalse();

        HttpResponse<String> overHttp = relayed(solved(), "http://clone.example", null);

        assertThat(overHttp.statusCode())
                .as("the proof relayed from http://clone.example: the clone's Origin, no Fetch Metadata")
                .isEqualTo(403);
        assertThat(history.has(CLIENT))
                .as("the relay's address earned a history")
                .isFalse();
    }

    /**
     * review143 F4: the clone's own page (not the site's script) posts the solved proof to its stock relay with
     * {@code fetch(url, {method: 'POST', mode: 'no-cors', referrerPolicy: 'no-referrer'})}: a browser then sends
     * {@code Origin: null} and no {@code Referer}, which the relay forwards as is. The proxied check lets an {@code
     * Origin} of {@code null} through (a form under no-referrer), so the relay's address earns its visitors' history,
     * over http and https alike. The site's own script always sends its origin ({@code referrerPolicy:
     * 'strict-origin'}, probe70b), so on the proof's {@code POST} a {@code null} origin is never the site's page.
     */
    @Test
    void aProofRelayedWithANullOriginEarnsItsRelayNoHistory() throws Exception {
        for (boolean fetchMetadata : new boolean[] {false, true}) {
            HttpRequest.Builder post = HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                    .header("Origin", "null")
                    .POST(HttpRequest.BodyPublishers.ofString(solved()));
            if (fetchMetadata) {
                post.header("Sec-Fetch-Site", "same-origin")
                        .header("Sec-Fetch-Mode", "no-cors")
                        .header("Sec-Fetch-Dest", "empty");
            }
            HttpResponse<String> relayed = server.send(post);

            assertThat(relayed.statusCode())
                    .as("the relayed proof with Origin: null, Fetch Metadata " + fetchMetadata)
                    .isEqualTo(403);
            assertThat(history.has(CLIENT))
                    .as("the relay's address earned a history")
                    .isFalse();
        }
    }

    private String solved() throws Exception {
        Matcher asked = CHALLENGE.matcher(server.get("/abuse-guard/proof").body());
        assertThat(asked.find()).isTrue();
        String challenge = asked.group(1);
        return "challenge=" + challenge + "&nonce=" + ProofSolver.nonce(challenge, 8);
    }

    /**
     * The visitor's proof as the clone's stock relay forwards it: the browser's fields as written, Host the
     * upstream's; {@code fetchSite} {@code null} where the browser sends no Fetch Metadata (an {@code http} page).
     */
    private HttpResponse<String> relayed(String form, String cloneOrigin, String fetchSite) throws Exception {
        HttpRequest.Builder post = HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .header("Origin", cloneOrigin)
                .header("Referer", cloneOrigin + "/")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (fetchSite != null) {
            post.header("Sec-Fetch-Site", fetchSite)
                    .header("Sec-Fetch-Mode", "cors")
                    .header("Sec-Fetch-Dest", "empty");
        }
        return server.send(post);
    }
}
