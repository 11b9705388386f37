package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
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
        "/api/transform, api/transform, true",
        "/api/transform, //api/transform//, true",
        "/api/transform, /api/transform/x, false",
        "/, /, true",
        "/, //, true",
        "/, '', true",
        "/, /api, false",
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

    @ParameterizedTest(name = "{0} matches {1} exactly: {2}")
    @CsvSource({
        "/actuator/health, /actuator/health, true",
        "/actuator/health, /actuator/health/, false",
        "/actuator/health, //actuator/health, false",
        "/actuator/health, /actuator//health, false",
        "/actuator/health/liveness, /actuator/health/liveness/, false",
        "/actuator/health, /actuator/health/x, false",
        "/files/{name}, /files/robots.txt, true",
        "/files/{name}, /files/robots.txt/, false",
        "/static/**, /static/a/b, true",
        "/static/**, /static/a//b, false",
        "/, /, true",
        "/, //, false",
    })
    void matchesExactlyRefusesTrailingSlashesAndEmptySegments(String pattern, String path, boolean expected) {
        assertThat(PathPattern.parse(pattern).matchesExactly(path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"api/x", "/files/*.png", "/accounts/id-{id}", "/api/{a}/{a}", "/{id}/**/{id}"})
    void patternsThatCannotMeanWhatTheySayAreRefused(String pattern) {
        assertThatIllegalArgumentException().isThrownBy(() -> PathPattern.parse(pattern));
    }

    @Test
    void manyDoubleWildcardsAgainstALongPathTakeLinearWork() {
        PathPattern pattern = PathPattern.parse("/**/a/**/b/**/c");
        String path = "/a/b".repeat(512); // 2 KiB, 1024 segments, no c: every ** placement fails
        long run = pattern.run(path);

        assertThat(run & 1).as("matched").isZero();
        long bound = (1024L + 1) * (pattern.segmentCount() + 2);
        assertThat(run >>> 1).isLessThanOrEqualTo(bound);
        long doubled = pattern.run(path + path) >>> 1;
        assertThat(doubled).as("work grows linearly with the path").isLessThanOrEqualTo(2 * (run >>> 1) + 16);
    }

    @Test
    void aPatternOfManyDoubleWildcardsIsBoundedByPathTimesPatternSegments() {
        PathPattern pattern = PathPattern.parse("/**/x/**/x/**/x/**/x/**/x/**/x/**/y");
        String path = "/x".repeat(2000);
        assertThat(pattern.run(path) >>> 1).isLessThanOrEqualTo((2000L + 1) * (pattern.segmentCount() + 2));
    }

    @Test
    void matchingAgreesWithAnExhaustiveReferenceOnRandomPatternsAndPaths() {
        Random random = new Random(11);
        String[] patternSegments = {"a", "b", "*", "**", "{v}"};
        String[] pathSegments = {"a", "b", "c", ""};
        int matched = 0;
        for (int i = 0; i < 50_000; i++) {
            StringBuilder pattern = new StringBuilder();
            int patternLength = random.nextInt(6);
            for (int s = 0; s < patternLength; s++) {
                String segment = patternSegments[random.nextInt(patternSegments.length)];
                // each variable has its own name, as a pattern must
                pattern.append('/').append(segment.equals("{v}") ? "{v" + s + "}" : segment);
            }
            if (pattern.length() == 0) {
                pattern.append('/');
            }
            StringBuilder path = new StringBuilder();
            int pathLength = random.nextInt(7);
            for (int s = 0; s < pathLength; s++) {
                path.append('/').append(pathSegments[random.nextInt(pathSegments.length)]);
            }
            if (random.nextBoolean()) {
                path.append('/');
            }
            boolean expected = ReferenceMatcher.matches(pattern.toString(), path.toString());
            assertThat(PathPattern.parse(pattern.toString()).matches(path.toString()))
                    .as("%s against %s", pattern, path)
                    .isEqualTo(expected);
            if (expected) {
                matched++;
            }
        }
        assertThat(matched).isGreaterThan(5_000);
    }

    /** The obvious exponential definition: tries every split of the path for every {@code **}. */
    static final class ReferenceMatcher {
        static boolean matches(String pattern, String path) {
            return matches(segments(pattern), 0, segments(path), 0);
        }

        private static boolean matches(List<String> pattern, int p, List<String> path, int s) {
            if (p == pattern.size()) {
                return s == path.size();
            }
            String expected = pattern.get(p);
            if (expected.equals("**")) {
                for (int skip = s; skip <= path.size(); skip++) {
                    if (matches(pattern, p + 1, path, skip)) {
                        return true;
                    }
                }
                return false;
            }
            if (s == path.size()) {
                return false;
            }
            boolean variable = expected.startsWith("{") && expected.endsWith("}") && expected.length() > 2;
            boolean one = expected.equals("*") || variable || expected.equals(path.get(s));
            return one && matches(pattern, p + 1, path, s + 1);
        }

        private static List<String> segments(String text) {
            List<String> segments = new ArrayList<>();
            for (String part : text.split("/")) {
                if (!part.isEmpty()) {
                    segments.add(part);
                }
            }
            return segments;
        }
    }
}
