package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.RouteTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The route table ranks the templates that match a path as Spring MVC ranks their patterns ({@link
 * PathPattern#SPECIFICITY_COMPARATOR}), checked against Spring itself: hand-written expectations let two
 * catch-alls of different lengths be ranked by score first (review46 F1, F13), which sent {@code
 * /api/pub/export/x} to an exempt {@code /api/pub/**} while Spring served it with {@code
 * /api/{tenant}/export/**}.
 */
class RouteOrderAsSpringTest {

    private static final String[] SEGMENTS = {"api", "v1", "export", "me", "{x}", "{y}", "*"};
    private static final String[] TAILS = {"", "/**", "/{*rest}"};
    private static final String[] PATH_SEGMENTS = {"api", "v1", "export", "me", "7"};

    @Test
    void theTableRoutesEveryPathToThePatternSpringRanksFirst() {
        Random random = new Random(46);
        PathPatternParser parser = new PathPatternParser();
        int compared = 0;
        for (int run = 0; run < 20_000; run++) {
            List<String> templates = List.of(template(random), template(random), template(random));
            if (templates.stream().distinct().count() < templates.size()) {
                continue;
            }
            String path = path(random);
            List<PathPattern> matching = new ArrayList<>();
            for (String template : templates) {
                PathPattern pattern = parser.parse(template);
                if (pattern.matches(PathContainer.parsePath(path))) {
                    matching.add(pattern);
                }
            }
            if (matching.isEmpty()) {
                continue; // Spring answers 404; the table's lenient route (a trailing slash escapes no rule) is no harm
            }
            matching.sort(PathPattern.SPECIFICITY_COMPARATOR);
            if (matching.size() > 1
                    && PathPattern.SPECIFICITY_COMPARATOR.compare(matching.get(0), matching.get(1)) == 0) {
                continue; // Spring refuses such a request as ambiguous
            }
            List<String> routes =
                    templates.stream().map(HandlerRoutes::template).toList();
            assertThat(RouteTable.of(routes).resolve("GET", path))
                    .as("%s among %s", path, templates)
                    .isEqualTo(HandlerRoutes.template(matching.get(0).getPatternString()));
            compared++;
        }
        assertThat(compared).as("paths compared").isGreaterThan(2_000);
    }

    private static String template(Random random) {
        StringBuilder template = new StringBuilder();
        int segments = 1 + random.nextInt(4);
        List<String> variables = new ArrayList<>();
        for (int i = 0; i < segments; i++) {
            String segment = SEGMENTS[random.nextInt(SEGMENTS.length)];
            if (segment.startsWith("{")) {
                if (variables.contains(segment)) {
                    segment = "*";
                } else {
                    variables.add(segment);
                }
            }
            template.append('/').append(segment);
        }
        return template.append(TAILS[random.nextInt(TAILS.length)]).toString();
    }

    private static String path(Random random) {
        StringBuilder path = new StringBuilder();
        int segments = 1 + random.nextInt(6);
        for (int i = 0; i < segments; i++) {
            path.append('/').append(PATH_SEGMENTS[random.nextInt(PATH_SEGMENTS.length)]);
        }
        // a trailing slash: Spring matches it with a template that captures the rest only (review46 F7)
        return random.nextInt(4) == 0 ? path.append('/').toString() : path.toString();
    }
}
