package io.github.abuseguard.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A {@code forbids} rule holds for its whole {@code within}, past the session's idle gap, on the
 * in-process store, while the idle gap keeps its meaning for {@code requires} rules: the engine is
 * assembled from properties, as an application's is.
 */
class ForbidsOutlivesIdleGapTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private AbuseGuard engine(String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.sequence.rules.redeem-once.operation", "POST /api/redeem");
        properties.put("abuse-guard.sequence.rules.redeem-once.forbids", "POST /api/redeem");
        properties.put("abuse-guard.sequence.rules.redeem-once.within", "24h");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return SettingsAssembler.assemble(
                        SettingsBinder.bind(properties),
                        GuardContext.builder()
                                .store(LocalStateStore.builder()
                                        .timeSource(clock)
                                        .build())
                                .timeSource(clock)
                                .build())
                .build();
    }

    private static GuardRequest post(String path, String token) {
        return GuardRequest.builder("POST", path)
                .route(path)
                .header("Authorization", "Bearer " + token)
                .build();
    }

    private static String redeem(AbuseGuard engine, String token) {
        GuardRequest request = post("/api/redeem", token);
        var decision = engine.evaluate(request).decision();
        if (decision.isDeny()) {
            return decision.reason();
        }
        engine.complete(request, 200);
        return "redeemed";
    }

    @Test
    void aOnceADayStepIsRefusedAfterTheIdleGapUntilItsWindowEnds() {
        AbuseGuard engine = engine();
        assertThat(redeem(engine, "alice")).isEqualTo("redeemed");

        clock.advance(Duration.ofMinutes(31)); // past the default idle gap of 30 minutes, well within 24h
        assertThat(redeem(engine, "alice")).as("31 minutes later").isEqualTo("forbidden-sequence");

        clock.advance(Duration.ofHours(12));
        assertThat(redeem(engine, "alice")).as("12 hours later").isEqualTo("forbidden-sequence");

        clock.advance(Duration.ofHours(12));
        assertThat(redeem(engine, "alice")).as("after the 24 hours").isEqualTo("redeemed");
    }

    @Test
    void aShortIdleGapCutsNoForbidsWindow() {
        AbuseGuard engine = engine("abuse-guard.sequence.idle-gap", "20s");
        assertThat(redeem(engine, "bob")).isEqualTo("redeemed");

        clock.advance(Duration.ofSeconds(25));
        assertThat(redeem(engine, "bob")).isEqualTo("forbidden-sequence");
    }

    @Test
    void aRequiredStepIsStillForgottenAfterTheIdleGapWhenForbidsKeepsTheTrail() {
        AbuseGuard engine = engine(
                "abuse-guard.sequence.rules.cart-first.operation", "POST /api/pay",
                "abuse-guard.sequence.rules.cart-first.requires", "POST /api/cart",
                "abuse-guard.sequence.rules.cart-first.within", "2h");
        GuardRequest cart = post("/api/cart", "carol");
        engine.evaluate(cart);
        engine.complete(cart, 200);
        assertThat(redeem(engine, "carol")).isEqualTo("redeemed");

        clock.advance(Duration.ofMinutes(20));
        assertThat(engine.evaluate(post("/api/pay", "carol")).isDenied())
                .as("20 minutes after the cart: the same visit")
                .isFalse();

        clock.advance(Duration.ofMinutes(11)); // 31 minutes without a recorded step
        assertThat(engine.evaluate(post("/api/pay", "carol")).decision().reason())
                .as("a new visit after the idle gap, although the rule's 2h and the trail's 24h have not passed")
                .isEqualTo("missing-prerequisite");
        assertThat(redeem(engine, "carol"))
                .as("the once-a-day step is still remembered")
                .isEqualTo("forbidden-sequence");

        engine.complete(cart, 200);
        clock.advance(Duration.ofMinutes(1));
        assertThat(engine.evaluate(post("/api/pay", "carol")).isDenied())
                .as("the new visit's own cart")
                .isFalse();
    }
}
