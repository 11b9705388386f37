package io.github.abuseguard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import io.github.abuseguard.internal.LastSeen;
import io.github.abuseguard.internal.SampledAccess;
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
    /**
     * The literal first segments of the templates, in an open-addressed table of a power-of-two size at
     * least twice their number, found by a hash computed over the path in place: looking a path up
     * allocates nothing, where a substring would cost every unrouted request a string.
     */
    private final String[] firstSegments;
    /** The candidates of {@link #firstSegments}' slot of the same index. */
    private final int[][] byFirstSegment;

    private final int[] withoutLiteralFirstSegment;
    private final Cache<String, String> recent;
    /** {@link #recent}'s policy, for reads that leave the eviction policy alone ({@link SampledAccess}). */
    private final Policy<String, String> recentQuietly;
    /**
     * The paths last resolved to a route, in front of {@link #recent} ({@link LastSeen}): a path is a new
     * string on each request, which the cache would hash in full.
     */
    private final LastSeen<String> lastSeen = new LastSeen<>(LAST_SEEN_SLOTS);

    static final int LAST_SEEN_SLOTS = 64;

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
        int slots = Integer.highestOneBit(Math.max(1, literal.size()) * 2) << 1;
        this.firstSegments = new String[slots];
        this.byFirstSegment = new int[slots][];
        literal.forEach((segment, indices) -> {
            int slot = segment.hashCode() & (slots - 1);
            while (firstSegments[slot] != null) {
                slot = (slot + 1) & (slots - 1);
            }
            firstSegments[slot] = segment;
            byFirstSegment[slot] = toArray(indices);
        });
        this.withoutLiteralFirstSegment = toArray(other);
        this.recent = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(CACHE_SIZE)
                .build();
        this.recentQuietly = recent.policy();
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
            String seen = lastSeen.get(path);
            if (seen != null) {
                return seen;
            }
            // every request resolves its path here: one read in eight feeds the eviction policy
            String cached = SampledAccess.getIfPresent(recent, recentQuietly, path);
            if (cached != null) {
                lastSeen.offer(path, cached);
                return cached;
            }
        }
        String route = scan(path);
        if (route != null && cacheable) {
            recent.put(path, route);
            lastSeen.offer(path, route);
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
        int[] literal = literalCandidates(path);
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

    /** The templates whose literal first segment is the path's; found without copying the segment. */
    private int[] literalCandidates(String path) {
        int start = PathPattern.firstSegmentStart(path);
        int end = PathPattern.segmentEnd(path, start);
        int length = end - start;
        int hash = 0;
        for (int i = start; i < end; i++) {
            hash = 31 * hash + path.charAt(i); // String.hashCode of the segment, computed in place
        }
        int mask = firstSegments.length - 1;
        for (int slot = hash & mask; firstSegments[slot] != null; slot = (slot + 1) & mask) {
            String segment = firstSegments[slot];
            if (segment.length() == length && path.regionMatches(start, segment, 0, length)) {
                return byFirstSegment[slot];
            }
        }
        return NO_CANDIDATES;
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
