package io.github.abuseguard.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * probe67b F1, review112 F1, review114 F1: a walker pads each strange step with ordinary ones of its own session; if
 * the model learns the way back from the strange step (from a refused, flagged or twice-sent guess of a few
 * addresses), the padded walk's mean surprise drops under the threshold.
 */
class ModelWayBackTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private static final List<String> BROWSE = List.of("/", "/api/scores/chess", "/api/scores/go");
    private static final String DEEP = "/api/giftcards/{code}";

    private GuardRequest step(String client, String token, String route) {
        return GuardRequest.builder("GET", route.replace("{code}", "X" + Long.toHexString(System.nanoTime())))
                .route(route)
                .client(client)
                .header("Authorization", "Bearer " + token)
                .build();
    }

    /** Model learned from 250 sites browsing: / then two scores, and one session in 40 looks at a gift card at the end. */
    private SequenceGuard.StrangePathAnswer answer = SequenceGuard.StrangePathAnswer.DENY;

    MarkovModel model;

    private AbuseGuard learned() {
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        SequenceGuard sequence = SequenceGuard.builder()
                .trails(store.trails("sequence", 20, Duration.ofMinutes(30)))
                .modelTrails(store.trails("sequence-model", 20, Duration.ofMinutes(30)))
                .inventory(EndpointInventory.withDefaults(clock))
                .timeSource(clock)
                .model(model = new MarkovModel(100), SequenceGuard.ModelUse.LEARN_AND_SCORE, 0.99)
                .strangePaths(60, answer)
                .build();
        AbuseGuard engine =
                AbuseGuard.builder().guard(sequence).timeSource(clock).build();
        for (int session = 0; session < 3_000; session++) {
            String client = "10.2." + session % 250 + ".1";
            List<String> flow = session % 40 == 0 ? List.of("/", "/api/scores/chess", "/api/scores/go", DEEP) : BROWSE;
            for (String route : flow) {
                GuardRequest r = step(client, "user-" + session, route);
                engine.evaluate(r);
                engine.complete(r, 200);
            }
        }
        clock.advance(Duration.ofSeconds(11));
        return engine;
    }

    /** 30 gift-card guesses of one session, each after {@code padding} ordinary steps: how many got through. */
    private int deepStepsAnswered(AbuseGuard engine, String client, int padding) {
        int answered = 0;
        String token = "walker-" + client + "-" + padding;
        for (int guess = 0; guess < 30; guess++) {
            for (int p = 0; p < padding; p++) {
                GuardRequest r = step(client, token, BROWSE.get(p % BROWSE.size()));
                if (!engine.evaluate(r).isDenied()) {
                    engine.complete(r, 200);
                }
            }
            GuardRequest r = step(client, token, DEEP);
            var evaluation = engine.evaluate(r);
            if (answer == SequenceGuard.StrangePathAnswer.FLAG) {
                if (evaluation.riskScore() == 0) {
                    answered++; // not flagged
                }
                engine.complete(r, 404);
            } else if (!evaluation.isDenied()) {
                answered++;
                engine.complete(r, 404);
            }
            clock.advance(Duration.ofSeconds(2));
        }
        return answered;
    }

    private static final String WAY_BACK = "GET /api/giftcards/{code} -> ";

    /**
     * review114 F1: the probe67b walk in flag mode (the default answer), but each guess is sent twice at once in the
     * same session (two checks, then two answers, as two parallel requests are). Both checks note the one letThrough
     * entry (session + operation); the first answer takes it and is recorded 998, the second is recorded with the
     * application's 404, and the ordinary step after it teaches the way back from the gift card, from one address.
     * (28 of 30 rounds taught "GET /api/giftcards/{code} -> GET /"; sent once, 0.)
     */
    @Test
    void guessesSentTwiceAtOnceDoNotTeachTheWayBack() {
        answer = SequenceGuard.StrangePathAnswer.FLAG;
        AbuseGuard engine = learned();
        String token = "walker-dup";
        String client = "203.0.114.98";
        for (int guess = 0; guess < 30; guess++) {
            for (int p = 0; p < 5; p++) {
                GuardRequest r = step(client, token, BROWSE.get(p % BROWSE.size()));
                engine.evaluate(r);
                engine.complete(r, 200);
            }
            GuardRequest first = step(client, token, DEEP);
            GuardRequest second = step(client, token, DEEP);
            engine.evaluate(first);
            engine.evaluate(second);
            engine.complete(first, 404);
            engine.complete(second, 404);
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(model.topTransitions(100))
                .as("transitions out of the flagged gift card one address taught (sent once: none)")
                .noneMatch(t -> t.startsWith(WAY_BACK));
    }

    /** Control: the same walk, each guess sent once, teaches no way back. Passes. */
    @Test
    void guessesSentOnceTeachNoWayBack() {
        answer = SequenceGuard.StrangePathAnswer.FLAG;
        AbuseGuard engine = learned();
        deepStepsAnswered(engine, "203.0.114.97", 5);
        assertThat(model.topTransitions(100)).noneMatch(t -> t.startsWith(WAY_BACK));
    }

    /**
     * probe67b F1: three addresses walk gift-card guesses padded with ordinary browsing (each guess after 12 ordinary
     * steps of the same session; their guesses are refused, their padding is answered and taught, 200 transitions an
     * hour each). A fourth address then pads each guess with 5 ordinary steps: 30 of 30 guesses are answered, where
     * the same walk is refused 30 of 30 on the model before the three walked. README: "At most 1% ... a crowd of ten
     * to a hundred addresses still can"; "one tester's address teaches it 200 steps an hour".
     */
    @Test
    void threeAddressesPaddedWalksDoNotTeachTheModelToLetAFourthsPaddedGuessesThrough() {
        AbuseGuard control = learned();
        assertThat(deepStepsAnswered(control, "203.0.114.97", 5))
                .as("control: of 30 gift-card guesses each after 5 ordinary steps, those answered on the learned model")
                .isZero();
        AbuseGuard engine = learned();
        for (int t = 0; t < 3; t++) {
            deepStepsAnswered(engine, "198.51.100." + t, 12);
        }
        assertThat(deepStepsAnswered(engine, "203.0.114.97", 0))
                .as("control: 30 bare gift-card guesses after three addresses' padded walks, those answered")
                .isZero();
        assertThat(deepStepsAnswered(engine, "203.0.114.96", 5))
                .as(
                        "of 30 gift-card guesses each after 5 ordinary steps, after three addresses' padded walks, answered")
                .isLessThanOrEqualTo(2);
    }

    /**
     * review112 F1: the probe67b walk with the model's default answer, a flag (model-deny off, as README advises on a
     * small application). A flagged gift-card guess is answered and recorded with the application's status, so the
     * step out of it is learned at once, from one address: the probe67b fix covers refused steps only. With
     * model-deny the same walk is refused 30 of 30 (Probe67bPaddingTest's control).
     */
    @Test
    void oneAddressesFlaggedPaddedGuessesDoNotTeachTheModelToLeaveTheRestUnflagged() {
        answer = SequenceGuard.StrangePathAnswer.FLAG;
        assertThat(deepStepsAnswered(learned(), "203.0.114.97", 5))
                .as("of 30 gift-card guesses of one address each after 5 ordinary steps, those not flagged")
                .isLessThanOrEqualTo(2);
    }
}
