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
    void wildcardsKeepTheClientsSegmentsAndTheLiteralsBeforeThemAreSpelt() {
        assertThat(RouteSpelling.spelt("/API/Reports/q1.JSON", "/api/reports/*"))
                .as("{name}.json, which the route table writes *")
                .isEqualTo("/api/reports/q1.JSON");
        assertThat(RouteSpelling.spelt("/API/Files/A/b", "/api/files/**"))
                .as("{*path}, which the route table writes **")
                .isEqualTo("/api/files/A/b");
        assertThat(RouteSpelling.spelt("/API/Files", "/api/files/**")).isEqualTo("/api/files");
    }

    @Test
    void segmentsThatTrimToNothingAreDroppedAsATrimmingMatcherDropsThem() {
        assertThat(RouteSpelling.spelt("/api/accounts/1/ /payment-methods", "/api/accounts/{id}/payment-methods"))
                .isEqualTo("/api/accounts/1/payment-methods");
        assertThat(RouteSpelling.spelt("/api/accounts/ 1/payment-methods/\t", "/api/accounts/{id}/payment-methods"))
                .isEqualTo("/api/accounts/1/payment-methods");
    }

    @Test
    void aPathSpeltAlreadyOrOneThatCannotBeLinedUpIsLeftAsSent() {
        assertThat(RouteSpelling.spelt("/api/scores/chess", "/api/scores/{game}"))
                .isNull();
        assertThat(RouteSpelling.spelt("/API/static/app.js", "/**")).isNull();
        assertThat(RouteSpelling.spelt("/API/x/a/Status", "/api/x/**/status"))
                .as("a ** before the end")
                .isNull();
        assertThat(RouteSpelling.spelt("/API/scores", "/api/scores/{game}"))
                .as("fewer segments than the template")
                .isNull();
        assertThat(RouteSpelling.spelt("/API/scores/chess/x", "/api/scores/{game}"))
                .as("more, none of them blank")
                .isNull();
    }
}
