package io.github.abuseguard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The known route templates of an application, such as {@code /api/accounts/{id}/verify}, and which
 * one a concrete path belongs to. When several match, the most specific wins: the one with more
 * literal segments, then fewer {@code **}. Templates are indexed by their first segment, and answers
 * for recent matched paths are cached in a bounded cache: an unmatched path costs no cache slot and at
 * most one linear scan of the templates that could match it.
 */
public final class RouteTable {
    /** Longer paths are resolved every time: caching them would let a client spend our memory. */
    static final int MAX_CACHED_PATH_LENGTH = 256;

    static final int CACHE_SIZE = 10_000;

    private static final RouteTable EMPTY = new RouteTable(List.of(), List.of());
    private static final int[] NO_CANDIDATES = new int[0];

    private final List<String> templates;
    private final List<PathPattern> patterns;
    private final Map<String, int[]> byFirstSegment;
    private final int[] withoutLiteralFirstSegment;
    private final Cache<String, String> recent;

    private RouteTable(List<String> templates, List<PathPattern> patterns) {
        this.templates = templates;
        this.patterns = patterns;
        Map<String, List<Integer>> literal = new HashMap<>();
        List<Integer> other = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            String first = patterns.get(i).firstLiteralSegment();
            if (first == null) {
                other.add(i);
            } else {
                literal.computeIfAbsent(first, key -> new ArrayList<>()).add(i);
            }
        }
        Map<String, int[]> index = new HashMap<>();
        literal.forEach((segment, indices) -> index.put(segment, toArray(indices)));
        this.byFirstSegment = Map.copyOf(index);
        this.withoutLiteralFirstSegment = toArray(other);
        this.recent = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(CACHE_SIZE)
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

    /**
     * The template the path belongs to, or {@code null} when none matches. Only templates that share the
     * path's first segment, or start with a wildcard, are tried; only matched paths of bounded length
     * are cached, so a flood of random paths takes no cache slot.
     */
    public @Nullable String resolve(String path) {
        if (patterns.isEmpty() || path == null) {
            return null;
        }
        boolean cacheable = path.length() <= MAX_CACHED_PATH_LENGTH;
        if (cacheable) {
            String cached = recent.getIfPresent(path);
            if (cached != null) {
                return cached;
            }
        }
        String route = scan(path);
        if (route != null && cacheable) {
            recent.put(path, route);
        }
        return route;
    }

    /** The templates, most specific first. */
    public List<String> templates() {
        return templates;
    }

    /** How many paths are cached now. */
    long cachedPaths() {
        recent.cleanUp();
        return recent.estimatedSize();
    }

    /** Walks both candidate lists in specificity order, as one merged list. */
    private String scan(String path) {
        int[] literal = byFirstSegment.getOrDefault(PathPattern.firstSegment(path), NO_CANDIDATES);
        int[] other = withoutLiteralFirstSegment;
        int l = 0;
        int o = 0;
        while (l < literal.length || o < other.length) {
            int next = o >= other.length || (l < literal.length && literal[l] < other[o]) ? literal[l++] : other[o++];
            if (patterns.get(next).matches(path)) {
                return templates.get(next);
            }
        }
        return null;
    }

    private static int[] toArray(List<Integer> indices) {
        int[] array = new int[indices.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = indices.get(i);
        }
        return array;
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
