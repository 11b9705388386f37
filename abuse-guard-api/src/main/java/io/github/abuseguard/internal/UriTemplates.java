package io.github.abuseguard.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads the values a route template's variables take in a path, as Spring MVC hands them to a handler's
 * {@code @PathVariable} and binds them into a {@code @ModelAttribute} of the same name: what a client
 * fills in through the path rather than the body (probe43a G3, {@code /users/{email}}).
 */
public final class UriTemplates {
    private UriTemplates() {}

    /**
     * The values of the template's variables whose names {@code wanted} accepts, in the path's segments
     * (empty ones skipped, as routes match). A {@code {name}} or {@code {name:regex}} segment takes one path
     * segment; {@code {*name}} the rest of the path. Segments after a {@code **} are counted from the path's
     * end. A path with fewer segments than the template, which the template does not match, yields nothing.
     *
     * @param template a route template such as {@code /users/{email}}
     * @param path the request's decoded path
     */
    public static List<String> values(String template, String path, Predicate<String> wanted) {
        if (template.indexOf('{') < 0) {
            return List.of();
        }
        String[] pattern = segments(template);
        String[] given = segments(path);
        List<String> values = new ArrayList<>(1);
        boolean fromEnd = false;
        for (int i = 0; i < pattern.length; i++) {
            String segment = pattern[i];
            if (segment.equals("**")) {
                fromEnd = true;
                continue;
            }
            int at = fromEnd ? given.length - (pattern.length - i) : i;
            if (at < 0 || at >= given.length) {
                return List.of();
            }
            if (!segment.startsWith("{") || !segment.endsWith("}")) {
                continue;
            }
            boolean rest = segment.startsWith("{*");
            String name = segment.substring(rest ? 2 : 1, segment.length() - 1);
            int colon = name.indexOf(':');
            if (colon >= 0) {
                name = name.substring(0, colon);
            }
            if (!wanted.test(name)) {
                continue;
            }
            if (rest) {
                values.add(String.join("/", Arrays.copyOfRange(given, at, given.length)));
                break;
            }
            values.add(given[at]);
        }
        return values;
    }

    private static String[] segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments.toArray(String[]::new);
    }
}
