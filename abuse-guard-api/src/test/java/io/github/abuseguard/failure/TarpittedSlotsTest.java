package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tarpitted request may reach the application afterwards (tarpit.then: pass), so it keeps the in-flight
 * slots it took for the guard's other rules: concurrent guesses for a tarpitted name are bounded by the
 * per-address rule like any other.
 */
class TarpittedSlotsTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    private static GuardRequest login(String address, String username) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", "Mozilla/5.0")
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
    }

    @Test
    void tarpittedRequestsStayWithinTheAddressRulesInFlightBound() {
        FailureGuard guard = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("per-address")
                        .path("/api/login")
                        .methods("POST")
                        .key("ip")
                        .maxRetry(3)
                        .build())
                .rule(FailureRule.builder("per-name")
                        .path("/api/login")
                        .methods("POST")
                        .key("body:/username")
                        .distinct("ip")
                        .maxRetry(2)
                        .action(Action.TARPIT)
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(guard).timeSource(clock).build();
        // mark bob: two addresses fail once each
        for (String a : List.of("192.0.2.1", "192.0.2.2")) {
            GuardRequest r = login(a, "bob");
            engine.evaluate(r);
            engine.complete(r, 401);
        }
        // control: 8 concurrent guesses for carol from one address: the address rule lets 3 in flight
        int allowedCarol = 0;
        List<GuardRequest> carol = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            GuardRequest r = login("203.0.113.9", "carol");
            Evaluation e = engine.evaluate(r);
            if (e.decision().isAllow() || e.decision().action() == Action.TARPIT) {
                allowedCarol++;
                carol.add(r);
            }
        }
        for (GuardRequest r : carol) {
            engine.complete(r, 200);
        }
        // 8 concurrent guesses for bob from another address: each tarpitted; with then: pass each reaches the app
        List<GuardRequest> bob = new ArrayList<>();
        List<String> decisions = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            GuardRequest r = login("203.0.113.10", "bob");
            Evaluation e = engine.evaluate(r);
            decisions.add(e.decision().action() + "/" + e.decision().reason());
            if (e.decision().action() == Action.TARPIT) {
                bob.add(r); // the tarpit passes it on after the delay
            }
        }
        for (GuardRequest r : bob) {
            engine.complete(r, 401);
        }
        assertThat(allowedCarol)
                .as("an unmarked name: the address rule lets 3 in flight")
                .isEqualTo(3);
        assertThat(bob.size())
                .as("a tarpitted name, guesses that may reach the application at once: %s", decisions)
                .isEqualTo(3);
    }
}
