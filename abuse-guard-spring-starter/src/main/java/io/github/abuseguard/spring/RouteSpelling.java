package io.github.abuseguard.spring;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A path as the route Spring MVC matched it to spells it: the literal segments of the route's template in place of
 * the path's (which the mapping matched otherwise than as written: in other letter case, with spaces around), the
 * path's own values in the template's variables ({@code {id}}, a {@code *} segment) and its own rest under a final
 * {@code **}. Under a matcher that trims each segment (the legacy {@code AntPathMatcher} with {@code trimTokens}) the
 * path's segments are first trimmed and those left empty dropped, as that matcher tokenises a path; under any other a
 * segment is kept as sent, spaces and all, as the mapping bound it (review157 F4, F6: a blank segment dropped where
 * the matcher kept it, or kept where it dropped it, lined the path up with the wrong segments of the template). A
 * template that cannot be lined up with the path (a {@code **} before its end, another number of segments, a literal
 * the path's segment is not in any letter case) leaves the path as sent.
 */
final class RouteSpelling {
    private RouteSpelling() {}

    /**
     * {@code path} spelt as {@code template} spells it, or {@code null} when the two cannot be lined up or already
     * spell it alike.
     *
     * @param trims whether the matcher that matched them trims each segment and drops those it leaves empty
     */
    static @Nullable String spelt(String path, String template, boolean trims) {
        if (path.equals(template)) {
            return null;
        }
        String[] declared = template.split("/", -1);
        int rest = declared.length; // the index of a final **, whose segments are the path's as sent
        for (int i = 0; i < declared.length; i++) {
            if (declared[i].contains("**")) {
                if (i != declared.length - 1) {
                    return null; // /a/**/b: which of the path's segments it takes is the matcher's own choice
                }
                rest = i;
            }
        }
        String[] sent = path.split("/", -1);
        List<String> segments = new ArrayList<>(sent.length);
        for (int i = 0; i < sent.length; i++) {
            String segment = trims ? sent[i].trim() : sent[i];
            if (i == 0 || !trims || !segment.isEmpty()) {
                segments.add(segment);
            }
        }
        if (rest == declared.length ? segments.size() != declared.length : segments.size() < rest) {
            return null;
        }
        StringBuilder spelt = new StringBuilder(path.length());
        for (int i = 0; i < segments.size(); i++) {
            if (i > 0) {
                spelt.append('/');
            }
            if (i >= rest || declared[i].indexOf('{') >= 0 || declared[i].indexOf('*') >= 0) {
                // under a final **, or a segment with a variable ({id}, {name}.json, *): its value is the client's
                spelt.append(segments.get(i));
            } else if (declared[i].equalsIgnoreCase(segments.get(i))) {
                spelt.append(declared[i]);
            } else {
                return null; // a literal the path does not hold in any letter case: not the path's template
            }
        }
        String result = spelt.toString();
        return result.equals(path) ? null : result;
    }
}
