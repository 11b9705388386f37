package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    @Test
    void theMostSpecificTemplateWins() {
        RouteTable routes = RouteTable.of(List.of("/api/**", "/api/accounts/{id}", "/api/accounts/new", "/**"));

        assertThat(routes.resolve("/api/accounts/new")).isEqualTo("/api/accounts/new");
        assertThat(routes.resolve("/api/accounts/42")).isEqualTo("/api/accounts/{id}");
        assertThat(routes.resolve("/api/scores")).isEqualTo("/api/**");
        assertThat(routes.resolve("/other")).isEqualTo("/**");
    }

    @Test
    void anUnknownPathHasNoRoute() {
        assertThat(RouteTable.of(List.of("/api/x")).resolve("/nope")).isNull();
        assertThat(RouteTable.empty().resolve("/nope")).isNull();
    }
}
