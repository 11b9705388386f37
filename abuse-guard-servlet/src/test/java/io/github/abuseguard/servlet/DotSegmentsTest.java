package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** probe45a F3: a dot segment as sent, which the container resolves before the guards and Spring MVC does not. */
class DotSegmentsTest {

    @ParameterizedTest(name = "refused: {0}")
    @ValueSource(
            strings = {
                "/api/accounts/%2e%2e/payment-methods",
                "/api/accounts/%2E%2e/payment-methods",
                "/api/accounts/.%2e/payment-methods",
                "/api/accounts/%2e./payment-methods",
                "/api/accounts/%2e/payment-methods",
                "/api/accounts/../payment-methods",
                "/api/accounts/./payment-methods",
                "/api/accounts/..;x=1/payment-methods",
                "/api/accounts/%2e%2e;/payment-methods",
                "/api/scores/%2e%2e",
                "/api/scores/..",
                "/..",
                "/%2e"
            })
    void aDotSegmentEncodedOrNotIsFound(String uri) {
        assertThat(DotSegments.in(uri)).isTrue();
    }

    @ParameterizedTest(name = "kept: {0}")
    @ValueSource(
            strings = {
                "/",
                "/api/scores/g1",
                "/.well-known/security.txt",
                "/files/report.v2.pdf",
                "/files/...",
                "/files/%2e%2e%2e",
                "/files/a%2e",
                "/files/%2ea",
                "/files/%2f..x",
                "/api/%25/x",
                "/api/%2"
            })
    void aNameWithDotsIsNoDotSegment(String uri) {
        assertThat(DotSegments.in(uri)).isFalse();
    }
}
