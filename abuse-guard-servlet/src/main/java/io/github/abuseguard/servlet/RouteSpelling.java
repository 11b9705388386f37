package io.github.abuseguard.servlet;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A path as its route spells it: the literal segments of the route's template in place of the path's (which the
 * framework matched to them otherwise than as written: in other letter case, with spaces around), the path's own
 * values in the template's variables ({@code {id}}, a {@code *} segment) trimmed as a trimming matcher gives them, and
 * the path's own rest under a final {@code **}. Segments that trim to nothing are dropped first where the path has
 * more segments than the template, as a matcher that trims tokens drops them. A template that cannot be lined up with
 * the path (a {@code **} before its end, another number of segments) leaves the path as sent.
 */
final class RouteSpelling {
    private RouteSpelling() {}

    /**
     * {@code path} spelt as {@code template} spells it, or {@code null} when the two cannot be lined up or already
     * spell it alike.
     */
    static @Nullable String spelt(String path, String template) {
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
        List<String> sent = new ArrayList<>(List.of(path.split("/", -1)));
        if (sent.size() > declared.length || (rest == declared.length && sent.size() != declared.length)) {
            // a matcher that trims tokens drops the segments that trim to nothing (review156 F2: /%20/ between two)
            List<String> kept = new ArrayList<>(sent.size());
            for (int i = 0; i < sent.size(); i++) {
                if (i == 0 || !sent.get(i).trim().isEmpty()) {
                    kept.add(sent.get(i));
                }
            }
            sent = kept;
        }
        if (rest == declared.length ? sent.size() != declared.length : sent.size() < rest) {
            return null;
        }
        StringBuilder spelt = new StringBuilder(path.length());
        for (int i = 0; i < sent.size(); i++) {
            if (i > 0) {
                spelt.append('/');
            }
            if (i >= rest) {
                spelt.append(sent.get(i)); // under a final **: the client's
            } else if (declared[i].indexOf('{') >= 0 || declared[i].indexOf('*') >= 0) {
                // a segment with a variable ({id}, {name}.json, *) keeps the client's text: its value is the client's
                spelt.append(sent.get(i).trim());
            } else {
                spelt.append(declared[i]);
            }
        }
        String result = spelt.toString();
        return result.equals(path) ? null : result;
    }
}
