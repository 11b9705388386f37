package io.github.abuseguard.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * review123: under {@code session: session} the model's trail is keyed by the container's session joined to the
 * request's {@code Authorization} header, which any client makes up.
 */
class Review123Test {

    private static final String QUOTE = "GET /api/quote";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    /**
     * F5: a model that learned "quote, then order" refuses a session that asks for quote after quote (a scraper of
     * prices). The same session, adding a made-up {@code Authorization} header of its own to each request (the
     * application ignores it: its users sign in by the session), is a new trail at every request, each step a usual
     * first step: 10 of 10 quotes pass.
     */
    @Test
    void madeUpCredentialsDoNotTakeASessionOffItsModelTrail() {
        MarkovModel model = new MarkovModel(50);
        for (int i = 0; i < MarkovModel.MIN_SAMPLES; i++) {
            model.learn(MarkovModel.START, QUOTE);
            model.learn(QUOTE, "POST /api/order");
            model.sample(0);
        }
        AbuseGuard engine = AbuseGuard.builder()
                .guard(SequenceGuard.builder()
                        .trails(store.trails("r123:sequence", 20, Duration.ofMinutes(30)))
                        .modelTrails(store.trails("r123:sequence-model", 20, Duration.ofMinutes(30)))
                        .inventory(EndpointInventory.withDefaults(clock))
                        .timeSource(clock)
                        .session(KeyResolver.session())
                        .model(model, SequenceGuard.ModelUse.SCORE, 0.99)
                        .strangePaths(60, SequenceGuard.StrangePathAnswer.DENY)
                        .build())
                .timeSource(clock)
                .build();

        GuardRequest plain = quote("session-a", null);
        assertThat(engine.evaluate(plain).isDenied()).isFalse();
        engine.complete(plain, 200);
        assertThat(engine.evaluate(quote("session-a", null)).isDenied())
                .as("a second quote of the session, without a header")
                .isTrue();

        GuardRequest first = quote("session-b", null);
        assertThat(engine.evaluate(first).isDenied()).isFalse();
        engine.complete(first, 200);
        int passed = 0;
        for (int i = 0; i < 10; i++) {
            GuardRequest next = quote(
                    "session-b",
                    "Basic "
                            + java.util.Base64.getEncoder()
                                    .encodeToString(
                                            ("x" + i + ":y").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            Evaluation answer = engine.evaluate(next);
            if (!answer.isDenied()) {
                passed++;
                engine.complete(next, 200);
            }
        }

        assertThat(passed)
                .as("quotes after quotes of session-b, each with a made-up header")
                .isZero();
    }

    private static GuardRequest quote(String session, String authorization) {
        GuardRequest.Builder request = GuardRequest.builder("GET", "/api/quote")
                .route("/api/quote")
                .client("203.0.113.9")
                .sessionId(session);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.build();
    }
}
