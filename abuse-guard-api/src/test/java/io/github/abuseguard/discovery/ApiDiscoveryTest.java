package io.github.abuseguard.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.OutcomeObserver;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * API discovery through the one assembly path: the endpoint inventory observes every answered request
 * as an observer of the engine, whether or not the sequence guard runs, and is switched off by
 * {@code abuse-guard.sequence.inventory}.
 */
class ApiDiscoveryTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private AbuseGuard engine(String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        AbuseGuardSettings settings = SettingsBinder.bind(properties);
        GuardContext context = GuardContext.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .timeSource(clock)
                .build();
        return SettingsAssembler.assemble(settings, context).build();
    }

    private static void answer(AbuseGuard engine, String method, String path, int status) {
        GuardRequest request = GuardRequest.builder(method, path).build();
        engine.evaluate(request);
        engine.complete(request, status);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> reported(AbuseGuard engine) {
        return (List<Map<String, Object>>) inventory(engine).describe().state().get("inventory");
    }

    private static EndpointInventory inventory(AbuseGuard engine) {
        return (EndpointInventory) engine.observers().stream()
                .filter(observer -> observer.name().equals(EndpointInventory.NAME))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theInventoryCountsEveryAnsweredRequestWithTheSequenceGuardSwitchedOff() {
        AbuseGuard engine = engine("abuse-guard.sequence.enabled", "false");

        answer(engine, "GET", "/api/orders/17", 200);
        answer(engine, "GET", "/api/orders/18", 404);
        answer(engine, "DELETE", "/api/orders/19", 204);

        assertThat(engine.guards()).extracting(guard -> guard.name()).doesNotContain(SequenceGuard.NAME);
        assertThat(engine.observesOutcomes()).isTrue();
        assertThat(reported(engine)).singleElement().satisfies(endpoint -> {
            assertThat(endpoint).containsEntry("template", "/api/orders/{var1}");
            assertThat(endpoint).containsEntry("requests", 3L);
            assertThat(endpoint.get("methods")).asList().containsExactlyInAnyOrder("GET", "DELETE");
            assertThat(endpoint).containsEntry("statusClasses", Map.of("2xx", 2L, "4xx", 1L));
        });
    }

    @Test
    void theInventoryRunsByDefaultWithNoGuardConfiguredAtAll() {
        AbuseGuard engine = engine();

        answer(engine, "GET", "/health", 200);

        assertThat(inventory(engine).endpoints())
                .extracting(EndpointInventory.EndpointView::template)
                .containsExactly("/health");
    }

    @Test
    void theInventorySwitchedOffObservesNothingAndLeavesTheAdapterNothingToCall() {
        AbuseGuard engine = engine("abuse-guard.sequence.inventory", "false");

        assertThat(engine.observers()).extracting(OutcomeObserver::name).doesNotContain(EndpointInventory.NAME);
        assertThat(engine.observesOutcomes()).isFalse();
    }

    @Test
    void theSequenceGuardAndTheInventoryShareOneInventorySoARulesTemplateIsListedAsItIs() {
        AbuseGuard engine = engine(
                "abuse-guard.sequence.rules.verified.operation", "POST /api/accounts/{id}/payment-methods",
                "abuse-guard.sequence.rules.verified.requires", "POST /api/accounts/{id}/verify");
        SequenceGuard sequence = (SequenceGuard) engine.guards().stream()
                .filter(guard -> guard.name().equals(SequenceGuard.NAME))
                .findFirst()
                .orElseThrow();

        answer(engine, "POST", "/api/accounts/41/verify", 200);
        answer(engine, "POST", "/api/accounts/42/verify", 200);

        assertThat(sequence.inventory()).isSameAs(inventory(engine));
        assertThat(inventory(engine).endpoints())
                .extracting(EndpointInventory.EndpointView::template, EndpointInventory.EndpointView::requests)
                .containsExactly(tuple("/api/accounts/{id}/verify", 2L));
        assertThat(sequence.describe().state()).doesNotContainKey("inventory");
    }

    @Test
    void theBoundsAreCheckedAndNamedWhenTheInventoryIsBuilt() {
        assertThatThrownBy(() -> engine("abuse-guard.sequence.max-endpoints", "0"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.sequence.max-endpoints:");
        assertThatThrownBy(() -> engine("abuse-guard.sequence.cardinality-threshold", "1000000"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.sequence.cardinality-threshold:");
    }

    @Test
    void theConfiguredBoundsReachTheInventory() {
        AbuseGuard engine = engine(
                "abuse-guard.sequence.enabled", "false",
                "abuse-guard.sequence.cardinality-threshold", "2",
                "abuse-guard.sequence.max-endpoints", "1");

        for (String user : List.of("ann", "bob", "cyd")) {
            answer(engine, "GET", "/users/" + user, 200);
        }
        answer(engine, "GET", "/other", 200);

        assertThat(inventory(engine).endpoints())
                .extracting(EndpointInventory.EndpointView::template)
                .as("two names stay literal, the third folds; past one template the rest overflows")
                .containsExactlyInAnyOrder("/users/ann", EndpointInventory.OVERFLOW);
    }
}
