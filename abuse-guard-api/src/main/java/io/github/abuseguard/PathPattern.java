package io.github.abuseguard;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
 * {@code /api//transform} cannot slip past a rule for {@code /api/transform}. Matching allocates
 * nothing.
 */
public final class PathPattern {
    private static final String ANY = "*";
    private static final String ANY_DEPTH = "**";

    private final String pattern;
    private final String[] segments;

    private PathPattern(String pattern, String[] segments) {
        this.pattern = pattern;
        this.segments = segments;
    }

    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException if it does not start with {@code /}, or a segment mixes a
     *     wildcard or variable with literal text (such as {@code *.png} or {@code id-{id}})
     */
    public static PathPattern parse(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("path pattern '" + pattern + "' must start with '/'");
        }
        List<String> parts = new ArrayList<>();
        for (String part : pattern.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            boolean variable = part.startsWith("{") && part.endsWith("}") && part.length() > 2;
            if (variable) {
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
    public boolean matches(String path) {
        return path != null && match(0, path, skipSlashes(path, 0));
    }

    private boolean match(int segment, String path, int position) {
        while (segment < segments.length) {
            String expected = segments[segment];
            if (expected == ANY_DEPTH) {
                if (segment == segments.length - 1) {
                    return true;
                }
                for (int at = position; ; ) {
                    if (match(segment + 1, path, at)) {
                        return true;
                    }
                    if (at >= path.length()) {
                        return false;
                    }
                    at = skipSlashes(path, segmentEnd(path, at));
                }
            }
            if (position >= path.length()) {
                return false;
            }
            int end = segmentEnd(path, position);
            if (expected != ANY && (end - position != expected.length() || !path.startsWith(expected, position))) {
                return false;
            }
            segment++;
            position = skipSlashes(path, end);
        }
        return position >= path.length();
    }

    private static int segmentEnd(String path, int from) {
        int slash = path.indexOf('/', from);
        return slash < 0 ? path.length() : slash;
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
