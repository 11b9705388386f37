package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** An exempt or monitored route of every method, or of one. */
class RouteMarkerTest {

    @Test
    void aMarkerOfOneMethodTakesItAndHeadForGetCaseSensitively() {
        RouteMarker get = RouteMarker.parse(" get  /api/items/{id} ");
        assertThat(get).hasToString("GET /api/items/{id}");
        assertThat(get.matches("GET", "/api/items/7")).isTrue();
        assertThat(get.matches("HEAD", "/api/items/7")).isTrue();
        assertThat(get.matches("POST", "/api/items/7")).isFalse();
        assertThat(get.matches("get", "/api/items/7"))
                .as("review45 F3: Spring MVC sends 'get' to no @GetMapping")
                .isFalse();
        assertThat(get.matches("GET", "/api/items")).isFalse();
    }

    @Test
    void aBarePatternTakesEveryMethod() {
        RouteMarker every = RouteMarker.parse("/actuator/health");
        assertThat(every.method()).isNull();
        assertThat(every.matches("DELETE", "/actuator/health")).isTrue();
        assertThat(every.matches("get", "/actuator/health")).isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> RouteMarker.parse("G3T /x"));
        assertThat(RouteMarker.pathOf("POST /x/{id}")).isEqualTo("/x/{id}");
        assertThat(RouteMarker.pathOf("/x")).isEqualTo("/x");
    }
}
