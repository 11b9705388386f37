package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteSpellingTest {

    @Test
    void literalSegmentsTakeTheTemplatesSpellingAndVariablesKeepTheClients() {
        assertThat(RouteSpelling.spelt("/API/accounts/Ab12/Payment-Methods", "/api/accounts/{id}/payment-methods"))
                .isEqualTo("/api/accounts/Ab12/payment-methods");
        assertThat(RouteSpelling.spelt("/api/accounts/1/payment-methods ", "/api/accounts/{id}/payment-methods"))
                .isEqualTo("/api/accounts/1/payment-methods");
        assertThat(RouteSpelling.spelt("/API/Files/Report.JSON", "/api/files/{name}.json"))
                .as("a segment holding a variable is the client's whole")
                .isEqualTo("/api/files/Report.JSON");
    }

    @Test
    void aPathSpeltAlreadyOrOneThatCannotBeLinedUpIsLeftAsSent() {
        assertThat(RouteSpelling.spelt("/api/scores/chess", "/api/scores/{game}"))
                .isNull();
        assertThat(RouteSpelling.spelt("/API/static/app.js", "/**")).isNull();
        assertThat(RouteSpelling.spelt("/API/docs/a/b", "/api/docs/{*rest}")).isNull();
        assertThat(RouteSpelling.spelt("/API/scores/chess/", "/api/scores/{game}"))
                .as("another number of segments")
                .isNull();
    }
}
