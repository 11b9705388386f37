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
        assertThat(get.matches("GET", "/api/items/7", null)).isTrue();
        assertThat(get.matches("HEAD", "/api/items/7", null)).isTrue();
        assertThat(get.matches("POST", "/api/items/7", null)).isFalse();
        assertThat(get.matches("get", "/api/items/7", null))
                .as("review45 F3: Spring MVC sends 'get' to no @GetMapping")
                .isFalse();
        assertThat(get.matches("GET", "/api/items", null)).isFalse();
    }

    @Test
    void aBarePatternTakesEveryMethod() {
        RouteMarker every = RouteMarker.parse("/actuator/health");
        assertThat(every.method()).isNull();
        assertThat(every.matches("DELETE", "/actuator/health", null)).isTrue();
        assertThat(every.matches("get", "/actuator/health", null)).isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> RouteMarker.parse("G3T /x"));
        assertThat(RouteMarker.pathOf("POST /x/{id}")).isEqualTo("/x/{id}");
        assertThat(RouteMarker.pathOf("/x")).isEqualTo("/x");
    }

    /** review45 F4: a handler's marker covers its route, not a more specific handler's paths of the same shape. */
    @Test
    void aHandlersMarkerCoversItsRouteNotThePathsOfAnother() {
        RouteMarker handler = RouteMarker.ofHandler("GET /api/profiles/{id}");
        assertThat(handler.matches("GET", "/api/profiles/7", "/api/profiles/{id}"))
                .isTrue();
        assertThat(handler.matches("GET", "/api/profiles/me", "/api/profiles/me"))
                .as("the literal handler's request")
                .isFalse();
        assertThat(handler.matches("GET", "/api/profiles/7", null))
                .as("no route known: not covered")
                .isFalse();
        assertThat(RouteMarker.parse("GET /api/profiles/{id}").matches("GET", "/api/profiles/me", "/api/profiles/me"))
                .as("a configured pattern matches paths")
                .isTrue();
    }

    /** review45 F8: an entry that would match nothing fails start-up; registered methods with a dash are taken. */
    @Test
    void anEntryThatWouldMatchNothingIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RouteMarker.parse("GTE /actuator/health"))
                .withMessageContaining("GTE");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RouteMarker.parse("/actuator/health GET"))
                .withMessageContaining("white space");
        assertThat(RouteMarker.parse("VERSION-CONTROL /dav/**").method()).isEqualTo("VERSION-CONTROL");
        assertThat(RouteMarker.parse("GET\t/x").method()).isEqualTo("GET");
    }
}
