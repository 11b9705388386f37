package io.github.abuseguard.servlet;

import org.jspecify.annotations.Nullable;

/**
 * A path as its route spells it: the literal segments of the route's template in place of the path's (which the
 * framework matched to them otherwise than as written: in other letter case, with spaces around), the path's own
 * values in the template's variables. Only a template without wildcards whose segments line up one for one with the
 * path's is spelt: any other is left to the path as sent.
 */
final class RouteSpelling {
    private RouteSpelling() {}

    /**
     * {@code path} spelt as {@code template} spells it, or {@code null} when the two cannot be lined up (a wildcard, a
     * different number of segments) or already spell it alike.
     */
    static @Nullable String spelt(String path, String template) {
        if (template.indexOf('*') >= 0 || path.equals(template)) {
            return null;
        }
        String[] sent = path.split("/", -1);
        String[] declared = template.split("/", -1);
        if (sent.length != declared.length) {
            return null;
        }
        StringBuilder spelt = new StringBuilder(path.length());
        for (int i = 0; i < sent.length; i++) {
            if (i > 0) {
                spelt.append('/');
            }
            // a segment with a variable ({id}, {name}.json) keeps the client's text: its value is the client's
            spelt.append(declared[i].indexOf('{') >= 0 ? sent[i] : declared[i]);
        }
        String result = spelt.toString();
        return result.equals(path) ? null : result;
    }
}
