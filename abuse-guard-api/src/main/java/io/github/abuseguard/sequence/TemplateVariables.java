package io.github.abuseguard.sequence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The path variables of a route template and the segment each one fills, so that a concrete path of the
 * template gives each variable's value: a {@code requires} rule whose operation and prior share a
 * variable ({@code {id}}) ties the two steps to the same resource.
 *
 * <p>Segments are read as {@link io.github.abuseguard.PathPattern} reads them: empty segments and a
 * trailing slash do not count. A value is the decoded segment exactly as the request carries it, never
 * folded in case or encoding: two paths the guard takes for the same resource then name the same
 * resource for the application too, whatever it folds. A template with {@code **} or a
 * {@code {*rest}} variable has no positions to read, so it shares no variable.
 */
final class TemplateVariables {
    private static final TemplateVariables NONE = new TemplateVariables(new String[0], Map.of());

    /** Each segment's literal text; {@code null} for a variable or a one-segment wildcard. */
    private final String[] literals;
    /** Each variable's name and the index of its segment. */
    private final Map<String, Integer> positions;

    private TemplateVariables(String[] literals, Map<String, Integer> positions) {
        this.literals = literals;
        this.positions = positions;
    }

    /** The variables of {@code template}, such as {@code /api/accounts/{id}/verify}. */
    static TemplateVariables of(String template) {
        List<String> literals = new ArrayList<>();
        Map<String, Integer> positions = new LinkedHashMap<>();
        for (String segment : template.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals("**") || segment.startsWith("{*")) {
                return NONE; // any number of segments: no variable has a fixed place
            }
            if (segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}")) {
                String inner = segment.substring(1, segment.length() - 1);
                int colon = inner.indexOf(':'); // {id:[0-9]+}: the name is before the pattern
                positions.putIfAbsent(colon < 0 ? inner : inner.substring(0, colon), literals.size());
                literals.add(null);
            } else if (segment.equals("*")) {
                literals.add(null);
            } else {
                literals.add(segment);
            }
        }
        return new TemplateVariables(literals.toArray(String[]::new), Map.copyOf(positions));
    }

    /** Whether the template has a variable with a fixed place. */
    boolean hasVariables() {
        return !positions.isEmpty();
    }

    /** The names of the variables both templates have, in the order of this one; empty when none. */
    List<String> sharedWith(TemplateVariables other) {
        List<String> shared = new ArrayList<>();
        for (String name : positions.keySet()) {
            if (other.positions.containsKey(name)) {
                shared.add(name);
            }
        }
        shared.sort(null);
        return shared;
    }

    /**
     * The values of the named variables in {@code path}, in the order of {@code names}; {@code null}
     * when the path does not have the template's shape (another number of segments, or a literal
     * segment that differs), so no value can be told.
     */
    String @Nullable [] values(String path, List<String> names) {
        String[] segments = new String[literals.length];
        int count = 0;
        int at = 0;
        int length = path.length();
        while (at < length) {
            int end = path.indexOf('/', at);
            if (end < 0) {
                end = length;
            }
            if (end > at) {
                if (count == literals.length) {
                    return null;
                }
                String segment = path.substring(at, end);
                String literal = literals[count];
                if (literal != null && !literal.equals(segment)) {
                    return null;
                }
                segments[count++] = segment;
            }
            at = end + 1;
        }
        if (count != literals.length) {
            return null;
        }
        String[] values = new String[names.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = segments[positions.get(names.get(i))];
        }
        return values;
    }
}
