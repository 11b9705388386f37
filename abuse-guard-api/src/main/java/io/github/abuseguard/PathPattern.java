package io.github.abuseguard;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A path pattern in the style of Spring MVC route templates, matched segment by segment:
 *
 * <ul>
 *   <li>a literal segment matches itself, case-sensitively;
 *   <li>{@code *} and {@code {name}} match exactly one segment;
 *   <li>{@code **} matches zero or more segments, anywhere in the pattern.
 * </ul>
 *
 * <p>Empty segments and a trailing slash are ignored on both sides, so {@code /api/transform/} and
 * {@code /api//transform} cannot slip past a rule for {@code /api/transform}; {@link #matchesExactly}
 * (what exempt routes use) refuses such a path instead. Matching allocates
 * nothing and takes time linear in the path for any pattern: at most (path segments + 1) times
 * (pattern segments + 1) steps.
 */
public final class PathPattern {
    private static final String ANY = "*";
    private static final String ANY_DEPTH = "**";

    private final String pattern;
    private final String[] segments;
    /**
     * The one canonical path a pattern without wildcards or variables matches ({@code /api/login}), else
     * {@code null}: such a pattern is answered by comparing strings, without walking segments.
     */
    private final @Nullable String literal;

    private PathPattern(String pattern, String[] segments) {
        this.pattern = pattern;
        this.segments = segments;
        this.literal = literalPath(segments);
    }

    private static @Nullable String literalPath(String[] segments) {
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            if (segment == ANY || segment == ANY_DEPTH) {
                return null;
            }
            path.append('/').append(segment);
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException if it does not start with {@code /}, a segment mixes a
     *     wildcard or variable with literal text (such as {@code *.png} or {@code id-{id}}), or a variable
     *     name is used twice (such as {@code /api/{a}/{a}}, which Spring also refuses)
     */
    public static PathPattern parse(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("path pattern '" + pattern + "' must start with '/'");
        }
        List<String> parts = new ArrayList<>();
        Set<String> variables = new HashSet<>();
        for (String part : pattern.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            boolean variable = part.startsWith("{") && part.endsWith("}") && part.length() > 2;
            if (variable) {
                if (!variables.add(part)) {
                    throw new IllegalArgumentException("path pattern '" + pattern + "' names the variable " + part
                            + " twice; give each variable its own name");
                }
                parts.add(ANY);
            } else if (part.equals(ANY)) {
                parts.add(ANY); // the constant itself: matching compares by identity
            } else if (part.equals(ANY_DEPTH)) {
                parts.add(ANY_DEPTH);
            } else if (part.contains("*") || part.contains("{") || part.contains("}")) {
                throw new IllegalArgumentException("path pattern '" + pattern + "' has a segment '" + part
                        + "' that mixes a wildcard or variable with text; use whole-segment *, ** or {name}");
            } else {
                parts.add(part);
            }
        }
        return new PathPattern(pattern, parts.toArray(String[]::new));
    }

    /** Whether the path matches; a {@code null} path matches nothing. */
    public boolean matches(@Nullable String path) {
        if (path == null) {
            return false;
        }
        if (literal != null) {
            if (path.equals(literal)) {
                return true;
            }
            if (isCanonical(path)) {
                return false; // the only canonical path a literal pattern matches is itself
            }
        }
        return (run(path) & 1) == 1;
    }

    /**
     * Whether the path is written the one way {@link #run} reads it: a leading slash, no empty segment and
     * no trailing slash (the root {@code /} excepted).
     */
    private static boolean isCanonical(String path) {
        int length = path.length();
        if (length == 0 || path.charAt(0) != '/') {
            return false;
        }
        return length == 1 || (path.charAt(length - 1) != '/' && !path.contains("//"));
    }

    /**
     * Whether the path matches with no leniency: as {@link #matches}, but a path with an empty segment
     * ({@code //}) or a trailing slash matches nothing, whatever the pattern. Exempt routes match this
     * way, so that they are never wider than what a security configuration (such as Spring Security's
     * path matchers, which take {@code /actuator/health/} for another path than {@code /actuator/health})
     * matches for the same pattern.
     */
    public boolean matchesExactly(@Nullable String path) {
        return path != null && isExact(path) && matches(path);
    }

    /** Whether a path has no empty segment and no trailing slash: {@code /} or {@code /a/b}, not {@code /a/}. */
    static boolean isExact(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            return false;
        }
        if (path.length() == 1) {
            return true;
        }
        return path.charAt(path.length() - 1) != '/' && path.indexOf("//") < 0;
    }

    /**
     * Matches like a glob over segments: on a mismatch only the latest {@code **} is retried one
     * segment further, which is enough because {@code **} matches any run of segments. Each retry
     * costs at most one pass over the pattern, so the work is bounded by (path segments + 1) times
     * (pattern segments + 1) whatever the pattern: no backtracking into earlier {@code **}, which made
     * {@code /**}{@code /a/**}{@code /b/**}{@code /c} exponential on long paths.
     *
     * @return the number of steps taken, shifted left by one, with the low bit set on a match
     */
    long run(String path) {
        long steps = 0;
        int segment = 0;
        int position = skipSlashes(path, 0);
        int retrySegment = -1;
        int retryPosition = -1;
        while (true) {
            steps++;
            if (position >= path.length()) {
                while (segment < segments.length && segments[segment] == ANY_DEPTH) {
                    segment++;
                }
                return steps << 1 | (segment == segments.length ? 1 : 0);
            }
            String expected = segment < segments.length ? segments[segment] : null;
            if (expected == ANY_DEPTH) {
                if (segment == segments.length - 1) {
                    return steps << 1 | 1;
                }
                retrySegment = ++segment;
                retryPosition = position;
                continue;
            }
            int end = expected == null
                    ? -1
                    : expected == ANY ? segmentEnd(path, position) : literalEnd(path, position, expected);
            if (end >= 0) {
                segment++;
                position = skipSlashes(path, end);
                continue;
            }
            if (retrySegment < 0) {
                return steps << 1;
            }
            retryPosition = skipSlashes(path, segmentEnd(path, retryPosition));
            position = retryPosition;
            segment = retrySegment;
        }
    }

    /**
     * Whether some path of the route template {@code route} matches this pattern, where each variable or
     * {@code *} of the template stands for any one segment. Conservative: {@code true} when the template
     * has {@code **}, whose paths this check does not enumerate. A route for which this answers
     * {@code false} can never reach a rule of this pattern, which is what lets the engine plan a route
     * once instead of matching every rule on every request.
     */
    public boolean mayMatchPathOf(PathPattern route) {
        return route.hasAnyDepth() || overlaps(route.segments, false);
    }

    /**
     * Whether every path of the route template {@code route} matches this pattern. Conservative:
     * {@code false} when the template has {@code **}.
     */
    public boolean matchesEveryPathOf(PathPattern route) {
        return !route.hasAnyDepth() && overlaps(route.segments, true);
    }

    private boolean hasAnyDepth() {
        for (String segment : segments) {
            if (segment == ANY_DEPTH) {
                return true;
            }
        }
        return false;
    }

    /**
     * Matches this pattern against a template without {@code **}, by dynamic programming over both
     * segment lists: (pattern segments + 1) times (template segments + 1) steps. A template's wildcard
     * segment is met by any pattern segment when asking whether some path matches ({@code every} false),
     * and only by a pattern wildcard when asking whether all do: a literal equal to none of the
     * pattern's literals is one of its paths.
     */
    private boolean overlaps(String[] route, boolean every) {
        int p = segments.length;
        int t = route.length;
        boolean[] next = new boolean[t + 1]; // row i + 1
        boolean[] row = new boolean[t + 1];
        next[t] = true; // the end of the pattern matches the end of the template only
        for (int i = p - 1; i >= 0; i--) {
            String expected = segments[i];
            for (int j = t; j >= 0; j--) {
                if (expected == ANY_DEPTH) {
                    row[j] = next[j] || (j < t && row[j + 1]);
                } else if (j == t) {
                    row[j] = false;
                } else {
                    String actual = route[j];
                    boolean segmentMatches = expected == ANY || (actual == ANY ? !every : expected.equals(actual));
                    row[j] = segmentMatches && next[j + 1];
                }
            }
            boolean[] swap = next;
            next = row;
            row = swap;
        }
        return next[0];
    }

    /** The first segment when it is literal text, else {@code null}: what a route index is keyed by. */
    String firstLiteralSegment() {
        if (segments.length == 0 || segments[0] == ANY || segments[0] == ANY_DEPTH) {
            return null;
        }
        return segments[0];
    }

    /** Where the first segment of a path starts: past its leading slashes. */
    static int firstSegmentStart(String path) {
        return skipSlashes(path, 0);
    }

    /** Where the segment starting at {@code start} ends: the next slash, or the end of the path. */
    static int segmentEnd(String path, int start) {
        int slash = path.indexOf('/', start);
        return slash < 0 ? path.length() : slash;
    }

    /**
     * Where the path's segment at {@code start} ends when it is {@code literal}, else -1. A literal holds
     * no slash, so the segment is the literal exactly when the path continues with it and then with a
     * slash or its end: the segment's end need not be searched for first.
     */
    private static int literalEnd(String path, int start, String literal) {
        int end = start + literal.length();
        if (end > path.length() || (end < path.length() && path.charAt(end) != '/')) {
            return -1;
        }
        return path.startsWith(literal, start) ? end : -1;
    }

    /** The number of segments of the pattern, for bounding the work of {@link #run(String)}. */
    int segmentCount() {
        return segments.length;
    }

    private static int skipSlashes(String path, int from) {
        int at = from;
        while (at < path.length() && path.charAt(at) == '/') {
            at++;
        }
        return at;
    }

    /** The pattern as written. */
    @Override
    public String toString() {
        return pattern;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PathPattern that && that.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }
}
