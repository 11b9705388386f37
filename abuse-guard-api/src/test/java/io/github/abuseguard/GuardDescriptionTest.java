package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardDescriptionTest {

    @Test
    void aGuardThatDoesNotDescribeItselfHasNeitherRulesNorState() {
        Guard guard = new Guard() {
            @Override
            public String name() {
                return "custom";
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.allow();
            }
        };

        assertThat(guard.describe()).isEqualTo(new GuardDescription("custom", List.of(), Map.of()));
    }

    @Test
    void settingsBecomePlainValuesInTheOrderGiven() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("window", Duration.ofMinutes(30));
        settings.put("action", FailurePolicy.FAIL_CLOSED);
        settings.put("paths", List.of(PathPattern.parse("/api/**")));
        settings.put("capacity", 5);
        settings.put("distinct", null);

        GuardDescription.Rule rule = GuardDescription.builder("g")
                .rule("r", "properties", settings)
                .build()
                .rules()
                .get(0);

        assertThat(rule.settings())
                .containsExactly(
                        Map.entry("window", "PT30M"),
                        Map.entry("action", "fail-closed"),
                        Map.entry("paths", List.of("/api/**")),
                        Map.entry("capacity", 5));
    }

    @Test
    void aDescriptionDoesNotChangeWhenTheGuardsCollectionsDo() {
        List<String> routes = new ArrayList<>(List.of("/a"));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("paths", routes);
        GuardDescription description = GuardDescription.builder("g")
                .rule("r", "properties", settings)
                .state("underAttack", routes)
                .build();

        routes.add("/b");
        settings.put("extra", true);

        assertThat(description.rules().get(0).settings()).containsExactly(Map.entry("paths", List.of("/a")));
        assertThat(description.state()).containsExactly(Map.entry("underAttack", List.of("/a")));
        assertThatThrownBy(() -> description.state().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        List<Object> frozen = (List<Object>) description.state().get("underAttack");
        assertThatThrownBy(() -> frozen.add("/c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void stateWithoutAValueIsLeftOut() {
        assertThat(GuardDescription.builder("g").state("model", null).build().state())
                .isEmpty();
    }
}
