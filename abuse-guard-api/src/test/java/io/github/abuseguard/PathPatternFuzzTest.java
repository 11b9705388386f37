package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The linear matcher against the exhaustive reference. Input: a pattern line, then a path line. Any
 * pattern the parser accepts must match exactly like the reference, within the documented step bound.
 */
class PathPatternFuzzTest {
    private static final int MAX_SEGMENTS = 8;

    @FuzzTest(maxDuration = "10m")
    void theLinearMatcherAgreesWithTheReferenceWithinItsStepBound(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String patternText = newline < 0 ? text : text.substring(0, newline);
        String path = newline < 0 ? "" : text.substring(newline + 1);
        PathPattern pattern;
        try {
            pattern = PathPattern.parse(patternText);
        } catch (IllegalArgumentException refused) {
            assertThat(refused).hasMessageContaining(patternText);
            return;
        }
        long pathSegments = path.chars().filter(c -> c == '/').count() + 1;
        long run = pattern.run(path);
        assertThat(run >>> 1).isLessThanOrEqualTo((pathSegments + 1) * (pattern.segmentCount() + 2));
        assertThat(pattern.matches(path)).isEqualTo((run & 1) == 1);
        if (pathSegments <= MAX_SEGMENTS && pattern.segmentCount() <= MAX_SEGMENTS) {
            // the reference is exponential in both: only small inputs
            assertThat(pattern.matches(path))
                    .as("%s against %s", patternText, path)
                    .isEqualTo(PathPatternTest.ReferenceMatcher.matches(patternText, path));
        }
    }
}
