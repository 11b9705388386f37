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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The known route templates of an application, such as {@code /api/accounts/{id}/verify}, with the methods
 * each takes, and which one a request belongs to. When several match its path, the most specific that takes
 * its method wins, as Spring MVC routes it ({@link #SPECIFICITY}).
 * A {@code POST /api/accounts/me/cards} goes to {@code POST /api/accounts/{id}/cards} when only {@code GET}
 * is mapped to {@code /api/accounts/me/cards}, and two spellings of one variable
 * ({@code GET /api/accounts/{accountId}/cards}, {@code POST /api/accounts/{id}/cards}) are each their own
 * method's route (probe45a F2: the first one declared named both, and a rule on the other never applied).
 * Templates are indexed by their first segment, and answers for recent matched paths are cached in a bounded
 * cache: an unmatched path costs no cache slot and at most one linear scan of the templates that could match
 * it.
 */
public final class RouteTable {
    /** Longer paths are resolved every time: caching them would let a client spend our memory. */
    static final int MAX_CACHED_PATH_LENGTH = 256;

    static final int CACHE_SIZE = 10_000;

    private static final RouteTable EMPTY = of(List.of());
    private static final int[] NO_CANDIDATES = new int[0];

    private final List<String> templates;
    private final List<PathPattern> patterns;
    /** The methods each template takes ({@link #templates}' order), {@code null} for every method. */
    private final @Nullable Set<String>[] methodsOf;
    /**
     * Whether the framework, not the table, tells a template's requests apart from another's: a handler of it
     * takes a request only under conditions beyond its method and path ({@code params}, {@code headers},
     * {@code consumes}, {@code produces}), or the template stands for a pattern the table cannot match or rank as
     * the framework does; {@link #templates}' order.
     */
    private final boolean[] conditional;
    /**
     * Per template (in specificity order), whether it takes every method and ties in specificity with the next:
     * Spring then prefers a tying template whose handler names the request's method (review47 F1), so a match of
     * such a template is not the route of every method before the ties are looked at.
     */
    private final boolean[] tiesWithNext;
    /** The conditional templates whose condition reads the request's parameters; see {@link #decidedByParameters}. */
    private final int[] byParameters;

    private final boolean anyConditional;

    /** Whether each template captures the rest of the path ({@code /**}, {@code {*rest}}); {@link #templates}' order. */
    private final boolean[] catchAll;

    /** Whether each template's last segment is {@code *}, which Spring MVC lets match an empty last segment. */
    private final boolean[] wildcardLast;

    /** Every method some template names, in a fixed order: the methods whose routes can differ. */
    private final String[] namedMethods;
    /**
     * The literal first segments of the templates, in an open-addressed table of a power-of-two size at
     * least twice their number, found by a hash computed over the path in place: looking a path up
     * allocates nothing, where a substring would cost every unrouted request a string.
     */
    private final String[] firstSegments;
    /** The candidates of {@link #firstSegments}' slot of the same index. */
    private final int[][] byFirstSegment;

    private final int[] withoutLiteralFirstSegment;
    /** A path's route: its template ({@code String}), or a {@link ByMethod} when its method decides. */
    private final Cache<String, Object> recent;
    /** {@link #recent}'s policy, for reads that leave the eviction policy alone ({@link SampledAccess}). */
    private final Policy<String, Object> recentQuietly;
    /**
     * The paths last resolved to a route, in front of {@link #recent} ({@link LastSeen}): a path is a new
     * string on each request, which the cache would hash in full.
     */
    private final LastSeen<Object> lastSeen = new LastSeen<>(LAST_SEEN_SLOTS);

    static final int LAST_SEEN_SLOTS = 64;

    private RouteTable(
            List<String> templates,
            List<PathPattern> patterns,
            @Nullable Set<String>[] methodsOf,
            boolean[] conditional,
            int[] byParameters) {
        this.byParameters = byParameters;
        this.templates = templates;
        this.patterns = patterns;
        this.methodsOf = methodsOf;
        this.conditional = conditional;
        this.catchAll = new boolean[templates.size()];
        this.wildcardLast = new boolean[templates.size()];
        this.tiesWithNext = new boolean[templates.size()];
        for (int i = 0; i < catchAll.length; i++) {
            catchAll[i] = capturesTheRest(templates.get(i));
            wildcardLast[i] = templates.get(i).endsWith("/*");
            tiesWithNext[i] = i + 1 < templates.size()
                    && methodsOf[i] == null
                    && SPECIFICITY.compare(templates.get(i), templates.get(i + 1)) == 0;
        }
        boolean any = false;
        for (boolean c : conditional) {
            any |= c;
        }
        this.anyConditional = any;
        Set<String> named = new TreeSet<>();
        for (Set<String> methods : methodsOf) {
            if (methods != null) {
                named.addAll(methods);
            }
        }
        if (named.contains("GET")) {
            named.add("HEAD"); // the framework answers HEAD with the GET route
        }
        this.namedMethods = named.toArray(String[]::new);
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
     * A table of the given templates, each taking every method.
     *
     * @throws IllegalArgumentException if a template is not a valid {@link PathPattern}
     */
    public static RouteTable of(Collection<String> templates) {
        Map<String, List<String>> everyMethod = new LinkedHashMap<>();
        for (String template : templates) {
            everyMethod.put(template, List.of());
        }
        return withMethods(everyMethod);
    }

    /**
     * A table of the given templates with the methods each takes ({@code GET}, {@code POST}...; an empty
     * collection for a template that takes every method), in the order the framework declares them.
     *
     * @throws IllegalArgumentException if a template is not a valid {@link PathPattern}
     */
    public static RouteTable withMethods(Map<String, ? extends Collection<String>> methodsByTemplate) {
        return withMethods(methodsByTemplate, Set.of());
    }

    /**
     * {@link #withMethods(Map)}, some templates {@code conditional}: a handler of theirs takes a request only when
     * more than its method and path match (Spring MVC's {@code params}, {@code headers}, {@code consumes},
     * {@code produces}: review45 F1), or the template stands for a pattern the table cannot match or rank as the
     * framework does ({@code {id}:ship}, {@code {id:\\d+}}: probe45c F1, F2). Where such a template and another
     * both take a request, {@link #ambiguous} tells the adapter to ask the framework.
     *
     * @throws IllegalArgumentException if a template is not a valid {@link PathPattern}
     */
    public static RouteTable withMethods(
            Map<String, ? extends Collection<String>> methodsByTemplate, Collection<String> conditional) {
        return withMethods(methodsByTemplate, conditional, conditional);
    }

    /**
     * {@link #withMethods(Map, Collection)}, with the {@code conditional} templates among them whose condition reads
     * the request's parameters ({@code byParameters}: Spring MVC's {@code params}), which only a body's fields may
     * meet: where none of those takes a request, its route is asked of the framework without its body
     * ({@link #decidedByParameters}).
     *
     * @throws IllegalArgumentException if a template is not a valid {@link PathPattern}
     */
    @SuppressWarnings("unchecked")
    public static RouteTable withMethods(
            Map<String, ? extends Collection<String>> methodsByTemplate,
            Collection<String> conditional,
            Collection<String> byParameters) {
        List<String> sorted = new ArrayList<>(methodsByTemplate.keySet());
        sorted.sort(SPECIFICITY);
        List<PathPattern> patterns = new ArrayList<>(sorted.size());
        Set<String>[] methodsOf = new Set[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            String template = sorted.get(i);
            patterns.add(PathPattern.parse(template));
            Collection<String> methods = methodsByTemplate.get(template);
            if (!methods.isEmpty()) {
                Set<String> canonical = new HashSet<>();
                for (String method : methods) {
                    canonical.add(method.toUpperCase(Locale.ROOT));
                }
                methodsOf[i] = Set.copyOf(canonical);
            }
        }
        boolean[] conditions = new boolean[sorted.size()];
        List<Integer> parameters = new ArrayList<>();
        for (int i = 0; i < conditions.length; i++) {
            conditions[i] = conditional.contains(sorted.get(i));
            if (conditions[i] && byParameters.contains(sorted.get(i))) {
                parameters.add(i);
            }
        }
        return new RouteTable(List.copyOf(sorted), List.copyOf(patterns), methodsOf, conditions, toArray(parameters));
    }

    /**
     * Whether a template whose condition reads the request's parameters matches the path and takes the method:
     * only then can a body's fields (a form's, a multipart body's parts) change the framework's route, and need
     * they be read to ask it (review47 F6: a form past {@code body.max-bytes} was refused on every path with a
     * conditional sibling, a {@code consumes} one included). A linear look at those templates, which only an
     * ambiguous request asks.
     */
    public boolean decidedByParameters(String method, String path) {
        for (int index : byParameters) {
            if (takes(index, method) && patterns.get(index).matches(path)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The template the path belongs to whatever the method, the most specific that matches, or {@code null}
     * when none matches. Requests are routed by {@link #resolve(String, String)}.
     */
    public @Nullable String resolve(String path) {
        Object route = lookUp(path);
        return route instanceof ByMethod byMethod ? byMethod.first : (String) route;
    }

    /**
     * The template a request of this method and path belongs to, or {@code null} when none matches its path:
     * the most specific that matches and takes the method, else (the framework answers {@code 405}) the most
     * specific that matches. {@code HEAD} is taken where {@code GET} is. Only templates that share the path's
     * first segment, or start with a wildcard, are tried; only matched paths of bounded length are cached, so a
     * flood of random paths takes no cache slot.
     */
    public @Nullable String resolve(String method, String path) {
        Object route = lookUp(path);
        return route instanceof ByMethod byMethod ? byMethod.route(method) : (String) route;
    }

    private @Nullable Object lookUp(String path) {
        if (patterns.isEmpty() || path == null) {
            return null;
        }
        boolean cacheable = path.length() <= MAX_CACHED_PATH_LENGTH;
        if (cacheable) {
            Object seen = lastSeen.get(path);
            if (seen != null) {
                return seen;
            }
            // every request resolves its path here: one read in eight feeds the eviction policy
            Object cached = SampledAccess.getIfPresent(recent, recentQuietly, path);
            if (cached != null) {
                lastSeen.offer(path, cached);
                return cached;
            }
        }
        Object route = scan(path);
        if (route != null && cacheable) {
            recent.put(path, route);
            lastSeen.offer(path, route);
        }
        return route;
    }

    /**
     * Whether the route {@link #resolve(String, String)} gives the request may not be the framework's: two
     * templates or more match its path and take its method, and one of them is conditional (see {@link
     * #withMethods(Map, Collection)}). Only then need the adapter ask the framework; a table without conditional
     * templates answers {@code false} at once.
     */
    public boolean ambiguous(String method, String path) {
        if (!anyConditional) {
            return false;
        }
        Object route = lookUp(path);
        return route instanceof ByMethod byMethod && byMethod.ambiguous(method);
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

    /**
     * The route of a path: a path with a trailing slash belongs to a template that captures the rest, or ends
     * with a {@code *} segment (which Spring takes to match the empty last segment), where one matches it, as
     * Spring MVC (which matches no other template with the slash) sends it there (review46 F7, probe46b F1:
     * {@code /api/mon/free/} is {@code /api/mon/**}'s, not {@code /api/mon/free}'s); only where none does is it
     * the route of the template without the slash, so that a trailing slash escapes no rule.
     */
    private @Nullable Object scan(String path) {
        if (path.length() > 1 && path.charAt(path.length() - 1) == '/') {
            Object caughtWhole = scan(path, true);
            if (caughtWhole != null) {
                return caughtWhole;
            }
        }
        return scan(path, false);
    }

    /**
     * Walks both candidate lists in specificity order, as one merged list: the first match when it takes every
     * method, else every match's answer per method; only the templates that capture the rest with {@code
     * catchAllsOnly}.
     */
    private @Nullable Object scan(String path, boolean catchAllsOnly) {
        int[] literal = literalCandidates(path);
        int[] other = withoutLiteralFirstSegment;
        List<Integer> matches = null;
        // the empty last segment given a character, for the templates whose last '*' Spring lets match it
        String filled = catchAllsOnly ? path + '-' : null;
        int l = 0;
        int o = 0;
        while (l < literal.length || o < other.length) {
            int next = o >= other.length || (l < literal.length && literal[l] < other[o]) ? literal[l++] : other[o++];
            boolean match = !catchAllsOnly
                    ? patterns.get(next).matches(path)
                    : (catchAll[next] && patterns.get(next).matches(path))
                            || (wildcardLast[next] && patterns.get(next).matches(filled));
            if (match) {
                if (methodsOf[next] == null && matches == null && !anyConditional && !tiesWithNext[next]) {
                    return templates.get(next);
                }
                if (matches == null) {
                    matches = new ArrayList<>(2);
                }
                matches.add(next);
                if (methodsOf[next] == null && !anyConditional && !tiesWithNext[next]) {
                    break; // takes every method: no later match is any method's route
                }
            }
        }
        return matches == null ? null : byMethod(matches);
    }

    /** The route of each method among the matches, most specific first; one template when they all agree. */
    private Object byMethod(List<Integer> matches) {
        String first = templates.get(matches.get(0));
        String[] routes = new String[namedMethods.length];
        boolean[] ambiguous = new boolean[namedMethods.length];
        boolean differ = false;
        for (int m = 0; m < namedMethods.length; m++) {
            routes[m] = routeOf(matches, namedMethods[m], first);
            ambiguous[m] = ambiguous(matches, namedMethods[m]);
            differ |= !routes[m].equals(first) || ambiguous[m];
        }
        String otherwise = routeOf(matches, null, first);
        boolean otherwiseAmbiguous = ambiguous(matches, null);
        return differ || otherwiseAmbiguous || !otherwise.equals(first)
                ? new ByMethod(first, namedMethods, routes, ambiguous, otherwise, otherwiseAmbiguous)
                : first;
    }

    /**
     * Whether two matches or more take {@code method} and one is conditional (its handler takes a request only
     * under conditions, or its template stands for a pattern the table cannot match or rank as the framework
     * does): then the framework tells which it is.
     */
    private boolean ambiguous(List<Integer> matches, @Nullable String method) {
        int taking = 0;
        boolean someConditional = false;
        for (int index : matches) {
            if (takes(index, method)) {
                taking++;
                someConditional |= conditional[index];
            }
        }
        return taking > 1 && someConditional;
    }

    private boolean takes(int index, @Nullable String method) {
        Set<String> methods = methodsOf[index];
        return methods == null
                || (method != null && (methods.contains(method) || (method.equals("HEAD") && methods.contains("GET"))));
    }

    /**
     * The first match that takes {@code method} ({@code null}: a method no template names), else {@code first}; of
     * a match that takes every method and the matches that tie with it in specificity, one whose handler names the
     * method, as Spring's {@code RequestMappingInfo} order breaks such a tie by the methods condition (review47 F1:
     * {@code /t/b/{y}} for any method, declared first, took {@code GET /t/b/c} from the rate-limited {@code GET
     * /t/{x}/c} that Spring ran).
     */
    private String routeOf(List<Integer> matches, @Nullable String method, String first) {
        for (int k = 0; k < matches.size(); k++) {
            int index = matches.get(k);
            if (!takes(index, method)) {
                continue;
            }
            if (methodsOf[index] == null && method != null) {
                for (int j = k + 1; j < matches.size(); j++) {
                    int other = matches.get(j);
                    if (SPECIFICITY.compare(templates.get(index), templates.get(other)) != 0) {
                        break;
                    }
                    if (methodsOf[other] != null && takes(other, method)) {
                        return templates.get(other);
                    }
                }
            }
            return templates.get(index);
        }
        return first;
    }

    /** A path whose route depends on the request's method; {@code first} is the most specific match. */
    private record ByMethod(
            String first,
            String[] methods,
            String[] routes,
            boolean[] ambiguous,
            String otherwise,
            boolean otherwiseAmbiguous) {
        String route(String method) {
            for (int i = 0; i < methods.length; i++) {
                if (methods[i].equals(method)) {
                    return routes[i];
                }
            }
            return otherwise;
        }

        boolean ambiguous(String method) {
            for (int i = 0; i < methods.length; i++) {
                if (methods[i].equals(method)) {
                    return ambiguous[i];
                }
            }
            return otherwiseAmbiguous;
        }
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

    /**
     * Spring MVC's order of the patterns that match a path ({@code PathPattern.SPECIFICITY_COMPARATOR}): a pattern
     * that captures the rest ({@code /**}, {@code {*rest}} at the end) last, and of two such the longer first;
     * then the lower score, one per variable and 100 per wildcard; then the longer pattern, each variable counted
     * as one character. Ties keep the order given. Counting literal segments instead ranked {@code /api/v1/**}
     * before {@code /api/{version}/{kind}}, which Spring prefers (review45 F5); the score before the length of
     * two that capture the rest ranked {@code /api/pub/**} before {@code /api/{tenant}/export/**} (review46 F1).
     */
    static final Comparator<String> SPECIFICITY = Comparator.comparing(RouteTable::capturesTheRest)
            .thenComparingInt(template -> capturesTheRest(template) ? -normalisedLength(template) : 0)
            .thenComparingInt(RouteTable::score)
            .thenComparing(Comparator.comparingInt(RouteTable::normalisedLength).reversed());

    private static boolean capturesTheRest(String template) {
        return template.endsWith("/**") || template.equals("**") || template.matches(".*/\\{\\*[^/]*}$");
    }

    private static int score(String template) {
        int score = 0;
        for (String segment : template.split("/")) {
            if (segment.equals("**") || segment.startsWith("{*")) {
                continue; // the rest: ranked by capturesTheRest
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c == '{') {
                    score += 1;
                } else if (c == '*' || c == '?') {
                    score += 100;
                }
            }
        }
        return score;
    }

    /** The pattern's length with each variable counted as one character. */
    private static int normalisedLength(String template) {
        int length = 0;
        boolean inVariable = false;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '{') {
                inVariable = true;
                length++;
            } else if (c == '}') {
                inVariable = false;
            } else if (!inVariable) {
                length++;
            }
        }
        return length;
    }
}
