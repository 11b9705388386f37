package io.github.abuseguard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The known route templates of an application, such as {@code /api/accounts/{id}/verify}, and which
 * one a concrete path belongs to. When several match, the most specific wins: the one with more
 * literal segments, then fewer {@code **}. Answers for recent paths are cached in a bounded cache, so
 * random paths cost memory only up to that bound.
 */
public final class RouteTable {
    private static final String NONE = "";
    private static final RouteTable EMPTY = new RouteTable(List.of(), List.of());

    private final List<String> templates;
    private final List<PathPattern> patterns;
    private final Cache<String, String> recent;

    private RouteTable(List<String> templates, List<PathPattern> patterns) {
        this.templates = templates;
        this.patterns = patterns;
        this.recent = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(10_000)
                .build();
    }

    /** No routes: {@link #resolve(String)} answers {@code null}. */
    public static RouteTable empty() {
        return EMPTY;
    }

    /**
     * A table of the given templates.
     *
     * @throws IllegalArgumentException if a template is not a valid {@link PathPattern}
     */
    public static RouteTable of(Collection<String> templates) {
        List<String> sorted = new ArrayList<>(new LinkedHashSet<>(templates));
        sorted.sort(Comparator.comparingInt(RouteTable::literalSegments)
                .reversed()
                .thenComparingInt(template -> template.split("\\*\\*", -1).length));
        List<PathPattern> patterns = new ArrayList<>(sorted.size());
        for (String template : sorted) {
            patterns.add(PathPattern.parse(template));
        }
        return new RouteTable(List.copyOf(sorted), List.copyOf(patterns));
    }

    /** The template the path belongs to, or {@code null} when none matches. */
    public String resolve(String path) {
        if (patterns.isEmpty() || path == null) {
            return null;
        }
        String route = recent.get(path, this::scan);
        return route == NONE ? null : route;
    }

    /** The templates, most specific first. */
    public List<String> templates() {
        return templates;
    }

    private String scan(String path) {
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matches(path)) {
                return templates.get(i);
            }
        }
        return NONE;
    }

    private static int literalSegments(String template) {
        int count = 0;
        for (String segment : template.split("/")) {
            if (!segment.isEmpty() && !segment.startsWith("{") && !segment.contains("*")) {
                count++;
            }
        }
        return count;
    }
}
