package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteSpellingTest {

    @Test
    void literalSegmentsTakeTheTemplatesSpellingAndVariablesKeepTheClients() {
        assertThat(RouteSpelling.spelt(
                        "/API/accounts/Ab12/Payment-Methods", "/api/accounts/{id}/payment-methods", false))
                .isEqualTo("/api/accounts/Ab12/payment-methods");
        assertThat(RouteSpelling.spelt("/API/Files/Report.JSON", "/api/files/{name}.json", false))
                .as("a segment holding a variable is the client's whole")
                .isEqualTo("/api/files/Report.JSON");
    }

    @Test
    void wildcardsKeepTheClientsSegmentsAndTheLiteralsBeforeThemAreSpelt() {
        assertThat(RouteSpelling.spelt("/API/Reports/q1.JSON", "/api/reports/*", false))
                .as("{name}.json, which the route table writes *")
                .isEqualTo("/api/reports/q1.JSON");
        assertThat(RouteSpelling.spelt("/API/Files/A/b", "/api/files/**", false))
                .as("{*path}, which the route table writes **")
                .isEqualTo("/api/files/A/b");
        assertThat(RouteSpelling.spelt("/API/Files", "/api/files/**", false)).isEqualTo("/api/files");
    }

    @Test
    void underATrimmingMatcherSegmentsAreTrimmedAndThoseLeftEmptyDropped() {
        assertThat(RouteSpelling.spelt("/api/accounts/1/ /payment-methods", "/api/accounts/{id}/payment-methods", true))
                .isEqualTo("/api/accounts/1/payment-methods");
        assertThat(RouteSpelling.spelt(
                        "/api/accounts/ 1/payment-methods/\t", "/api/accounts/{id}/payment-methods", true))
                .isEqualTo("/api/accounts/1/payment-methods");
        assertThat(RouteSpelling.spelt("/api/accounts/1/payment-methods ", "/api/accounts/{id}/payment-methods", true))
                .isEqualTo("/api/accounts/1/payment-methods");
        assertThat(RouteSpelling.spelt("/api/docs/ ", "/api/docs/**", true))
                .as("a blank segment where ** takes none (review157 F4)")
                .isEqualTo("/api/docs");
        assertThat(RouteSpelling.spelt("/api/ /docs", "/api/docs/**", true))
                .as("a blank segment before the literals (review157 F4)")
                .isEqualTo("/api/docs");
    }

    @Test
    void underAnyOtherMatcherABlankSegmentIsTheClientsValue() {
        assertThat(RouteSpelling.spelt("/API/search/ ", "/api/search/{q}", false))
                .as("the variable bound to a space, as the mapping binds it (review157 F6)")
                .isEqualTo("/api/search/ ");
        assertThat(RouteSpelling.spelt("/api/search/ ", "/api/search/{q}", false))
                .isNull();
        assertThat(RouteSpelling.spelt("/api/ /docs", "/api/docs/**", false))
                .as("a literal the segment is not, in any letter case: no template of this path")
                .isNull();
    }

    @Test
    void aPathSpeltAlreadyOrOneThatCannotBeLinedUpIsLeftAsSent() {
        assertThat(RouteSpelling.spelt("/api/scores/chess", "/api/scores/{game}", false))
                .isNull();
        assertThat(RouteSpelling.spelt("/API/static/app.js", "/**", false)).isNull();
        assertThat(RouteSpelling.spelt("/API/x/a/Status", "/api/x/**/status", false))
                .as("a ** before the end")
                .isNull();
        assertThat(RouteSpelling.spelt("/API/scores", "/api/scores/{game}", false))
                .as("fewer segments than the template")
                .isNull();
        assertThat(RouteSpelling.spelt("/API/scores/chess/x", "/api/scores/{game}", true))
                .as("more, none of them blank")
                .isNull();
    }
}
