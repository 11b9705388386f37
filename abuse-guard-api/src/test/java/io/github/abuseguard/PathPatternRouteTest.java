package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PathPatternRouteTest {

    private static boolean mayMatch(String pattern, String route) {
        return PathPattern.parse(pattern).mayMatchPathOf(PathPattern.parse(route));
    }

    private static boolean matchesEvery(String pattern, String route) {
        return PathPattern.parse(pattern).matchesEveryPathOf(PathPattern.parse(route));
    }

    @Test
    void aRuleOnTheTemplateItselfMatchesEveryPathOfIt() {
        assertThat(matchesEvery("/api/scores/{game}", "/api/scores/{id}")).isTrue();
        assertThat(mayMatch("/api/scores/{game}", "/api/scores/{id}")).isTrue();
    }

    @Test
    void aLiteralRuleMatchesSomePathsOfAVariableRouteButNotAll() {
        assertThat(mayMatch("/api/scores/chess", "/api/scores/{game}")).isTrue();
        assertThat(matchesEvery("/api/scores/chess", "/api/scores/{game}")).isFalse();
    }

    @Test
    void aRuleOnAnotherRouteMatchesNoPathOfIt() {
        assertThat(mayMatch("/api/giftcards/{code}", "/api/scores/{game}")).isFalse();
        assertThat(mayMatch("/api/scores/{game}/history", "/api/scores/{game}")).isFalse();
        assertThat(mayMatch("/api/scores", "/api/scores/{game}")).isFalse();
    }

    @Test
    void anyDepthWildcardsReachRoutesBelowThem() {
        assertThat(matchesEvery("/api/**", "/api/scores/{game}")).isTrue();
        assertThat(matchesEvery("/**", "/")).isTrue();
        assertThat(mayMatch("/**/history", "/api/scores/{game}/history")).isTrue();
        assertThat(mayMatch("/**/history", "/api/scores/{game}")).isTrue(); // {game} may be "history"
        assertThat(matchesEvery("/**/history", "/api/scores/{game}")).isFalse();
        assertThat(mayMatch("/actuator/**", "/api/scores/{game}")).isFalse();
    }

    @Test
    void aRouteWithAnyDepthIsAssumedToOverlapAndNeverToBeCovered() {
        assertThat(mayMatch("/admin", "/files/**")).isTrue();
        assertThat(matchesEvery("/files/**", "/files/**")).isFalse();
    }

    /**
     * Checked against brute force: random patterns and templates over a small alphabet, and every path
     * of the template whose variables take a value among the literals or a fresh one. A plan that says
     * "no path of this route matches" while one does would let requests skip a guard.
     */
    @Test
    void answersAgreeWithEveryConcretePathOfRandomRoutes() {
        Random random = new Random(14);
        String[] patternSegments = {"a", "b", "{v}", "*", "**"};
        String[] templateSegments = {"a", "b", "{v}"};
        for (int round = 0; round < 3_000; round++) {
            String pattern = randomPath(random, patternSegments, 4);
            String template = randomPath(random, templateSegments, 4);
            List<String> paths = new ArrayList<>();
            expand(template.split("/"), 1, "", paths);
            PathPattern compiled = PathPattern.parse(pattern);
            boolean some = paths.stream().anyMatch(compiled::matches);
            boolean all = paths.stream().allMatch(compiled::matches);
            assertThat(mayMatch(pattern, template))
                    .as("%s may match a path of %s", pattern, template)
                    .isEqualTo(some);
            assertThat(matchesEvery(pattern, template))
                    .as("%s matches every path of %s", pattern, template)
                    .isEqualTo(all);
        }
    }

    private static String randomPath(Random random, String[] alphabet, int maxSegments) {
        StringBuilder path = new StringBuilder();
        int segments = random.nextInt(maxSegments + 1);
        for (int i = 0; i < segments; i++) {
            String segment = alphabet[random.nextInt(alphabet.length)];
            // each variable has its own name, as a pattern must
            path.append('/').append(segment.equals("{v}") ? "{v" + i + "}" : segment);
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    private static void expand(String[] segments, int at, String prefix, List<String> paths) {
        if (at >= segments.length) {
            paths.add(prefix.isEmpty() ? "/" : prefix);
            return;
        }
        if (segments[at].startsWith("{")) {
            for (String value : new String[] {"a", "b", "fresh"}) {
                expand(segments, at + 1, prefix + "/" + value, paths);
            }
        } else {
            expand(segments, at + 1, prefix + "/" + segments[at], paths);
        }
    }
}
