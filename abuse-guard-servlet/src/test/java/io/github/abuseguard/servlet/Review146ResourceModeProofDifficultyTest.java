package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * review146 F1: the fix of probe81c F1 stops counting every failure mode whose rule keeps its own history toward the
 * proof's attack difficulty, saying "no proof buys" anything there. Under {@code history: resource} a proof solved
 * during the mode buys {@code newcomer-attempts} guesses on the rule's routes (probe47b F3), which is what the attack
 * difficulty prices (probe47b F9): a gift-card enumerator's proofs are cheap again while its mode lasts.
 */
class Review146ResourceModeProofDifficultyTest {
    private static final Pattern CHALLENGE = Pattern.compile("\"challenge\":\"([^\"]+)\",\"difficulty\":(\\d+)");

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().maximumKeys(1_000).timeSource(clock).build();
    private FailureGuard failures;
    private AbuseGuard engine;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        failures = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("cards")
                        .path("/app/**")
                        .maxRetry(1_000)
                        .underAttack(new UnderAttack(
                                Duration.ofSeconds(10),
                                5.0,
                                20,
                                0.2,
                                Duration.ofMinutes(2),
                                Action.REJECT,
                                EnumSet.of(UnderAttack.Signal.FRESH_CLIENT),
                                null,
                                UnderAttack.History.RESOURCE))
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
    void aProofThatBuysGuessesUnderAResourceModeIsAskedAtTheAttackDifficulty() throws Exception {
        store.bans("failure:under-attack").ban("cards", Duration.ofMinutes(2));
        assertThat(failures.underAttack()).containsExactly("cards");
        clock.advance(Duration.ofSeconds(2)); // the modes are read at most once a second

        assertThat(server.get("/app/card/1001").statusCode())
                .as("a fresh address is refused by the mode")
                .isEqualTo(429);
        String challenge = challenge();
        assertThat(post(challenge, ProofSolver.nonce(challenge, difficulty(challenge)))
                        .statusCode())
                .isEqualTo(204);
        assertThat(server.get("/app/card/1002").statusCode())
                .as("the proof solved during the mode bought the address a guess on the cards (newcomer-attempts)")
                .isEqualTo(200);

        assertThat(difficulty(challenge))
                .as("what that proof cost: the attack difficulty, as under history: app (probe47b F9)")
                .isEqualTo(12);
    }

    private String lastBody;

    private String challenge() throws IOException, InterruptedException {
        HttpResponse<String> answer = server.get("/abuse-guard/proof");
        lastBody = answer.body();
        Matcher asked = CHALLENGE.matcher(answer.body());
        assertThat(asked.find()).as(answer.body()).isTrue();
        return asked.group(1);
    }

    private int difficulty(String challenge) {
        Matcher asked = CHALLENGE.matcher(lastBody);
        assertThat(asked.find()).isTrue();
        return Integer.parseInt(asked.group(2));
    }

    private HttpResponse<String> post(String challenge, String nonce) throws IOException, InterruptedException {
        return server.send(HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("challenge=" + challenge + "&nonce=" + nonce)));
    }
}
