package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServedOperationsTest {

    private static final ServedOperations SERVED = ServedOperations.of(routes());

    private static Map<String, List<String>> routes() {
        Map<String, List<String>> routes = new LinkedHashMap<>();
        routes.put("/api/accounts/{id}/verify", List.of("POST"));
        routes.put("/api/scores/{game}", List.of("GET"));
        routes.put("/api/any", List.of());
        return routes;
    }

    @Test
    void aRouteServesItsMethodsHeadWhereGetAndEveryMethodWhereItNamesNone() {
        assertThat(SERVED.serves("POST /api/accounts/{id}/verify")).isTrue();
        assertThat(SERVED.serves("PUT /api/accounts/{id}/verify")).isFalse();
        assertThat(SERVED.serves("HEAD /api/scores/{game}")).isTrue();
        assertThat(SERVED.serves("DELETE /api/any")).isTrue();
        assertThat(SERVED.serves("POST /api/accounts/{accountId}/verify")).isFalse();
    }

    @Test
    void theClosestServedStepIsTheRouteAPathOfTheStepFallsUnderOrTheNearestSpelling() {
        assertThat(SERVED.closest("POST /api/accounts/{accountId}/verify")).isEqualTo("POST /api/accounts/{id}/verify");
        assertThat(SERVED.closest("GET /api/scores/chess")).isEqualTo("GET /api/scores/{game}");
        assertThat(SERVED.closest("POST /api/acounts/{x}/verfy")).isEqualTo("POST /api/accounts/{id}/verify");
        assertThat(SERVED.closest("PUT /api/accounts/{id}/verify")).isEqualTo("POST /api/accounts/{id}/verify");
        assertThat(SERVED.closest("GET /totally/else/entirely")).isNull();
    }

    @Test
    void aStepListedAsExternalIsNotRefused() {
        assertThat(SERVED.refusal("POST /elsewhere", "it never applies", List.of("POST /elsewhere"), "x"))
                .isNull();
        assertThat(SERVED.refusal("POST /elsewhere", "it never applies", List.of(), "x"))
                .contains("'POST /elsewhere'")
                .contains("so it never applies.")
                .contains("Served: POST /api/accounts/{id}/verify, * /api/any, GET /api/scores/{game}.")
                .endsWith("list it in x");
    }
}
