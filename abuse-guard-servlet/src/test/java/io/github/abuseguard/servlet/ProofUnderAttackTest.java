package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.store.Histories;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * While a route is under attack, a challenge asks the proof's attack difficulty, so each address an attacker
 * proves from (and buys newcomer attempts with) costs more while the attack lasts; before and after, the
 * everyday difficulty (probe47b F9).
 */
class ProofUnderAttackTest {
    private static final String CLIENT = "127.0.0.1";
    private static final Pattern CHALLENGE = Pattern.compile("\"challenge\":\"([^\"]+)\",\"difficulty\":(\\d+)");

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().maximumKeys(1_000).timeSource(clock).build();
    private final Histories history = store.histories("failure:history", FailureGuard.DEFAULT_HISTORY_TTL);
    private FailureGuard failures;
    private AbuseGuard engine;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        failures = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("app")
                        .path("/app/**")
                        .maxRetry(1_000)
                        .underAttack(HistoryOnCommitTest.freshClientsRefused())
                        .build())
                .build();
        engine = AbuseGuard.builder().guard(failures).timeSource(clock).build();
        server = new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .proof("/abuse-guard/proof", 8, Duration.ofMinutes(2), "this site's proof secret")
                .proofAttackDifficulty(12)
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        engine.close();
    }

    @Test
    void aChallengeAsksMoreWhileARouteIsUnderAttack() throws Exception {
        String before = challengeAsking(8);

        store.bans("failure:under-attack").ban("app", Duration.ofMinutes(2));
        assertThat(failures.underAttack()).containsExactly("app");
        clock.advance(Duration.ofSeconds(2)); // the modes are read at most once a second
        String during = challengeAsking(12);

        String eightBitsOnly = nonceWithBits(during, 8, 12);
        assertThat(post(during, eightBitsOnly).statusCode())
                .as("a solution of the everyday difficulty does not answer an under-attack challenge")
                .isEqualTo(400);
        assertThat(history.has(CLIENT)).isFalse();
        assertThat(post(during, ProofSolver.nonce(during, 12)).statusCode()).isEqualTo(204);
        assertThat(history.has(CLIENT)).isTrue();
        assertThat(post(before, ProofSolver.nonce(before, 8)).statusCode())
                .as("a challenge keeps the bits it was issued with, within its lifetime")
                .isEqualTo(204);

        failures.endUnderAttack("app");
        clock.advance(Duration.ofSeconds(2));
        challengeAsking(8);
    }

    @Test
    void theAttackDifficultyIsNeverBelowTheEverydayOne() throws Exception {
        server.close();
        server = new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .proof("/abuse-guard/proof", 10, Duration.ofMinutes(2), "this site's proof secret")
                .proofAttackDifficulty(6)
                .build());
        store.bans("failure:under-attack").ban("app", Duration.ofMinutes(2));

        challengeAsking(10);
    }

    @Test
    void settingsNameABadAttackDifficulty() {
        assertThatThrownBy(() -> AbuseGuardFilter.builder()
                        .settings(AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.proof.enabled", "true", "abuse-guard.proof.attack-difficulty", "23"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("abuse-guard.proof.attack-difficulty")
                .hasMessageContaining("1 to 22");
        assertThat(AbuseGuardFilter.builder()
                        .settings(AbuseGuardSettings.bind(Map.of(
                                "abuse-guard.proof.enabled", "true", "abuse-guard.proof.attack-difficulty", "20")))
                        .proofPath())
                .isEqualTo("/abuse-guard/proof");
    }

    private String challengeAsking(int bits) throws IOException, InterruptedException {
        HttpResponse<String> answer = server.get("/abuse-guard/proof");
        Matcher asked = CHALLENGE.matcher(answer.body());
        assertThat(asked.find()).as(answer.body()).isTrue();
        assertThat(asked.group(2)).as("the difficulty asked").isEqualTo(Integer.toString(bits));
        return asked.group(1);
    }

    /** The first nonce with at least {@code least} but fewer than {@code fewerThan} leading zero bits. */
    private static String nonceWithBits(String challenge, int least, int fewerThan) {
        for (long nonce = 0; ; nonce++) {
            int bits = ProofSolver.leadingZeroBits(BrowserProof.sha256(challenge + ":" + nonce));
            if (bits >= least && bits < fewerThan) {
                return Long.toString(nonce);
            }
        }
    }

    private HttpResponse<String> post(String challenge, String nonce) throws IOException, InterruptedException {
        return server.send(HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("challenge=" + challenge + "&nonce=" + nonce)));
    }
}
