package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paths the container resolves before the guards and Spring MVC matches as sent: a dot segment (probe45a F3), an
 * empty segment (review46 F2).
 */
class UnresolvedPathsTest {

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
                "/%2e",
                "/api/../"
            })
    void aDotSegmentEncodedOrNotIsFound(String uri) {
        assertThat(UnresolvedPaths.refusal(uri)).isSameAs(UnresolvedPaths.DOT_SEGMENT);
    }

    @ParameterizedTest(name = "refused: {0}")
    @ValueSource(strings = {"/api/catch//free", "//api/catch/free", "/api/catch/;x/free", "/api//", "/a/;/b"})
    void anEmptySegmentIsFound(String uri) {
        assertThat(UnresolvedPaths.refusal(uri)).isSameAs(UnresolvedPaths.EMPTY_SEGMENT);
    }

    @ParameterizedTest(name = "kept: {0}")
    @ValueSource(
            strings = {
                "/",
                "/api/scores/g1",
                "/api/scores/g1/",
                "/api/scores/g1;jsessionid=1",
                "/api/scores/g1/;x",
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
    void aNameWithDotsOrATrailingSlashIsResolvedAlike(String uri) {
        assertThat(UnresolvedPaths.refusal(uri)).isNull();
    }

    @ParameterizedTest(name = "refused, decoded: {0}")
    @ValueSource(strings = {"/api/x/../login", "/api/./login", "/api/x/..", "/..", "/api//login", "//api"})
    void aDecodedSlashThatMakesADotOrEmptySegmentIsFound(String decoded) {
        // the request URI /api/x/..%2Flogin, /api/.%2Flogin, /api%2F%2Flogin: one segment as sent (probe85b F1)
        assertThat(UnresolvedPaths.refusalOfDecoded(decoded))
                .isSameAs(decoded.contains("//") ? UnresolvedPaths.EMPTY_SEGMENT : UnresolvedPaths.DOT_SEGMENT);
    }

    @ParameterizedTest(name = "kept, decoded: {0}")
    @ValueSource(strings = {"/", "/api/login", "/api/login/", "/files/...", "/files/.x", "/files/x.", "/files/%2e%2e"})
    void aDecodedPathWithDotsInNamesOrATrailingSlashIsKept(String decoded) {
        assertThat(UnresolvedPaths.refusalOfDecoded(decoded)).isNull();
    }

    @ParameterizedTest(name = "decoded path checked: {0}")
    @CsvSource({"/api/x/..%2Flogin,true", "/api/x\\..\\login,true", "/api/login,false", "/api/scores/g1;x,false"})
    void onlyAUriWithSomethingToDecodeHasItsDecodedPathChecked(String uri, boolean checked) {
        assertThat(UnresolvedPaths.mayDecodeToSeparator(uri)).isEqualTo(checked);
    }
}
