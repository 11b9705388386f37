package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * probe6 F2 through the filter, on a real server: an IPv6 /48 is many subscribers. One household's /64s
 * put the /48 under attack on its own; with the browser proof on, a neighbour who solved the proof before
 * goes on, the attacker's /64s and the site's clients without a history do not. The clients come through a
 * trusted proxy on loopback (X-Forwarded-For), as the machine has no IPv6 source addresses to spare.
 */
class Ipv6SiteProofTest {
    private static final Pattern CHALLENGE = Pattern.compile("\"challenge\":\"([^\"]+)\",\"difficulty\":(\\d+)");
    private static final String NEIGHBOUR = "2001:db8:77:4200::1";

    /** The guard's clock stands still: the site's failures all fall in one of the surge's 10 s windows (CI flake). */
    private final FakeTimeSource clock = new FakeTimeSource();

    private final LocalStateStore store =
            LocalStateStore.builder().maximumKeys(1_000).timeSource(clock).build();
    private AbuseGuard engine;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        UnderAttack underAttack = HistoryOnCommitTest.freshClientsRefused();
        engine = AbuseGuard.builder()
                .timeSource(clock)
                .guard(FailureGuard.builder()
                        .store(store)
                        .timeSource(clock)
                        .rule(FailureRule.builder("app")
                                .path("/app/**")
                                .maxRetry(10)
                                .underAttack(underAttack)
                                .build())
                        .build())
                .build();
        server = new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .clientResolver(
                        ClientResolver.builder().trustedProxies("127.0.0.1/32").build())
                .proof("/abuse-guard/proof", 4, Duration.ofMinutes(2), "this site's proof secret")
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        engine.close();
    }

    @Test
    void aNeighbourWhoSolvedTheProofSignsInWhileItsIpv6SiteIsUnderAttack() throws Exception {
        prove(NEIGHBOUR);
        assertThat(get(NEIGHBOUR, "/app/login").statusCode()).isEqualTo(200);
        int failed = 0;
        for (int prefix = 0; prefix < 3; prefix++) { // one household's /64s, 7 failures each (under max-retry)
            String attacker = "2001:db8:77:10" + prefix + "0::1";
            prove(attacker);
            for (int i = 0; i < 7; i++) {
                failed += get(attacker, "/app/fail").statusCode() == 401 ? 1 : 0;
            }
        }
        assertThat(failed)
                .as("the site's failures reach the handler until they make min-failures")
                .isEqualTo(20);

        HttpResponse<String> fresh = get("2001:db8:77:ffff::1", "/app/login");
        assertThat(fresh.statusCode())
                .as("a client of the site without a history")
                .isEqualTo(429);
        assertThat(fresh.body()).contains("site-under-attack");
        assertThat(get("2001:db8:77:1000::2", "/app/login").statusCode())
                .as("the attacker's /64, with its proven history")
                .isEqualTo(429);
        HttpResponse<String> neighbour = get(NEIGHBOUR, "/app/login");
        assertThat(neighbour.statusCode())
                .as("probe6: the neighbour was refused site-under-attack: %s", neighbour.body())
                .isEqualTo(200);
        assertThat(get("2001:db8:78::1", "/app/login").statusCode())
                .as("a fresh client of another site")
                .isEqualTo(200);
    }

    @Test
    void aNeighbourRenewingItsProofWhileTheSiteIsUnderAttackGoesOn() throws Exception {
        prove(NEIGHBOUR);
        assertThat(get(NEIGHBOUR, "/app/login").statusCode()).isEqualTo(200);
        for (int prefix = 0; prefix < 3; prefix++) {
            String attacker = "2001:db8:77:10" + prefix + "0::1";
            prove(attacker);
            for (int i = 0; i < 7; i++) {
                get(attacker, "/app/fail");
            }
        }
        assertThat(get(NEIGHBOUR, "/app/login").statusCode())
                .as("before renewing")
                .isEqualTo(200);

        prove(NEIGHBOUR); // a page reload, or proof.js renewing every 15 minutes

        assertThat(get(NEIGHBOUR, "/app/login").statusCode())
                .as("review6 F1: a renewed proof is a client known from before")
                .isEqualTo(200);
    }

    private HttpResponse<String> get(String client, String path) throws IOException, InterruptedException {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("X-Forwarded-For", client));
    }

    private void prove(String client) throws IOException, InterruptedException {
        Matcher asked = CHALLENGE.matcher(get(client, "/abuse-guard/proof").body());
        assertThat(asked.find()).isTrue();
        String challenge = asked.group(1);
        HttpResponse<String> proved = server.send(HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "challenge=" + challenge + "&nonce=" + ProofSolver.nonce(challenge, 4))));
        assertThat(proved.statusCode()).isEqualTo(204);
    }
}
