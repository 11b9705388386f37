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
 * probe80b F1: a clone served over plain {@code http} (its page at {@code http://clone.example}) relays its visitors'
 * proofs through a stock reverse proxy: browsers send no {@code Sec-Fetch-*} to an {@code http} page's relay, so
 * the proof's {@code POST} carries the clone's {@code Origin} and nothing else, and the cross-site check, which reads
 * Fetch Metadata, lets it through: the relay's address earns the history (and every proof-required route) from its
 * visitors' work, with the site's own script unedited. The same relay over {@code https} is refused (probe67e F2).
 * The proof is same-origin only (no CORS), and the site's script always names the page's origin, so a foreign
 * {@code Origin} on it is never the site's own page, whatever the browser.
 */
class ProofEndpointProbe80bTest {
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
    void aProofRelayedFromAPlainHttpClonesPageEarnsItsRelayNoHistory() throws Exception {
        HttpResponse<String> overHttps = relayed(solved(), "https://clone.example", true);
        assertThat(overHttps.statusCode())
                .as("control: the https clone's relayed proof is refused (probe67e F2)")
                .isEqualTo(403);
        assertThat(history.has(CLIENT)).as("control").isFalse();

        HttpResponse<String> overHttp = relayed(solved(), "http://clone.example", false);

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

    /** The visitor's proof as the clone's stock relay forwards it: the browser's headers as written. */
    private HttpResponse<String> relayed(String form, String cloneOrigin, boolean fetchMetadata) throws Exception {
        HttpRequest.Builder post = HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36")
                .header("Origin", cloneOrigin)
                .header("Referer", cloneOrigin + "/")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (fetchMetadata) {
            post.header("Sec-Fetch-Site", "same-origin")
                    .header("Sec-Fetch-Mode", "cors")
                    .header("Sec-Fetch-Dest", "empty");
        }
        return server.send(post);
    }
}
