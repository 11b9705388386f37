package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathPatternTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "/api/transform, /api/transform, true",
        "/api/transform, /api/transform/, true",
        "/api/transform, /api//transform, true",
        "/api/transform, /api/transformX, false",
        "/api/transform, /API/transform, false",
        "/api/transform, /api, false",
        "/api/scores/{game}, /api/scores/chess, true",
        "/api/scores/{game}, /api/scores, false",
        "/api/scores/{game}, /api/scores/chess/1, false",
        "/api/*/verify, /api/42/verify, true",
        "/api/**, /api, true",
        "/api/**, /api/a/b/c, true",
        "/api/**, /apix, false",
        "/**, /, true",
        "/**/verify, /accounts/1/verify, true",
        "/**/verify, /verify, true",
        "/**/verify, /accounts/1/verified, false",
        "/a/**/b/*, /a/x/y/b/z, true",
        "/a/**/b/*, /a/b, false",
    })
    void matchesWholeSegments(String pattern, String path, boolean expected) {
        assertThat(PathPattern.parse(pattern).matches(path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"api/x", "/files/*.png", "/accounts/id-{id}"})
    void patternsThatCannotMeanWhatTheySayAreRefused(String pattern) {
        assertThatIllegalArgumentException().isThrownBy(() -> PathPattern.parse(pattern));
    }
}
