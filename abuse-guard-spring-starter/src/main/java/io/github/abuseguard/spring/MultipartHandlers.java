package io.github.abuseguard.spring;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.internal.RateLimitedLog;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.MappingMatch;
import jakarta.servlet.http.Part;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.server.PathContainer;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.UnsatisfiedServletRequestParameterException;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.condition.PatternsRequestCondition;
import org.springframework.web.servlet.mvc.condition.RequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Whether Spring MVC takes a multipart body on a request's route, asked by the filter before a guard
 * parses one for a field (probe26 F3): the {@code DispatcherServlet}'s own handler mappings are asked for
 * the request's handler, as the servlet will ask them, and a mapping that refuses the request's content
 * type ({@code @PostMapping(consumes = "application/json")}: {@link HttpMediaTypeNotSupportedException},
 * which Spring answers {@code 415}) means the handler never runs whatever the body holds, so the guard
 * need not read it. Any other answer (a handler, another refusal, no handler, another servlet) leaves
 * the body to the guard as before. A handler that declares no {@code consumes} takes the body as far as
 * its mapping goes, even when its {@code @RequestBody} then cannot: declare {@code consumes} to spare the
 * parse. The mappings see a copy of the request's attributes, so nothing they note stays on the request.
 * Loaded only when Spring MVC is on the class path.
 */
final class MultipartHandlers implements Predicate<HttpServletRequest> {
    private static final Logger log = LoggerFactory.getLogger(MultipartHandlers.class);

    private final RateLimitedLog mappingFailures = new RateLimitedLog(Duration.ofMinutes(1), TimeSource.system());

    private final ObjectProvider<DispatcherServlet> dispatchers;

    MultipartHandlers(ObjectProvider<DispatcherServlet> dispatchers) {
        this.dispatchers = Objects.requireNonNull(dispatchers, "dispatchers");
    }

    @Override
    public boolean test(HttpServletRequest request) {
        List<HandlerMapping> mappings = mappingsOf(request);
        if (mappings == null) {
            return true;
        }
        HttpServletRequest probe = probe(request);
        for (HandlerMapping mapping : mappings) {
            try {
                if (mapping.getHandler(probe) != null) {
                    return true;
                }
            } catch (HttpMediaTypeNotSupportedException refused) {
                return false;
            } catch (ServletException refusedOtherwise) {
                // A wrong method, a missing parameter: the dispatch meets the same refusal and answers it;
                // the body's fields are judged as before.
                return true;
            } catch (RuntimeException failed) {
                // A mapping that failed tells nothing about what the handler takes: the body's fields are
                // judged as before, and the dispatch meets the failure itself (review16 F3: an upload over
                // Spring's size limit escaped here, and the guard that asked failed open).
                return true;
            } catch (Exception failed) {
                throw new IllegalStateException("a handler mapping failed on " + request.getRequestURI(), failed);
            }
        }
        return true;
    }

    /**
     * The route template Spring MVC sends the request to, under the prefix of the DispatcherServlet that serves it, or
     * {@code null} when its mappings tell none (no handler, a refusal, another servlet). Asked by the filter only for a
     * request a more specific handler takes under conditions the client chooses ({@code params}, {@code headers},
     * {@code consumes}, {@code produces}; review45 F1: a {@code consumes="application/xml"} handler of
     * {@code /api/accounts/me/payment-methods} made a JSON request look like its route while Spring sent it to
     * the {@code {id}} handler, whose {@code @RequiresPrior} then never applied). The mappings see the query
     * string's parameters only, as for {@link #test}: the filter shows a form's fields as part of the query
     * string of the request it passes (review46 F8).
     */
    @Nullable
    String route(HttpServletRequest request) {
        List<HandlerMapping> mappings = mappingsOf(request);
        Matched matched = mappings == null ? null : matched(request, mappings, false);
        return matched == null ? null : matched.template();
    }

    /**
     * The request's {@code path} as the route Spring MVC sends it to spells it ({@link RouteSpelling}) where one of its
     * mappings matches paths otherwise than as written (a {@code PathPatternParser} that ignores case or parses other
     * path options, or the legacy {@code PathMatcher}, which may ignore case or trim segments), else {@code null}:
     * where every mapping matches as written, as by default, the path as sent stands and nothing is asked (probe84a
     * F1). A handler its mappings refuse only for a parameter, which a form's or a multipart body's field may give it
     * (the mappings see the query string alone), is spelt by the best of the routes whose method and path match
     * (review157 F1: {@code params = "choice"} with {@code choice} in a form was judged as sent, no route).
     */
    @Nullable
    String spelling(HttpServletRequest request, String path) {
        if (allAsWritten) {
            return null; // every dispatcher matches as written, as by default: nothing to ask, per request
        }
        List<HandlerMapping> mappings = mappingsOf(request);
        if (mappings == null) {
            return null; // not initialised yet, or another servlet's request: asked again next time
        }
        if (!matchOtherwise(mappings)) {
            allAsWritten = everyDispatcherMatchesAsWritten();
            return null;
        }
        if (!told) {
            told = true;
            log.info("Spring MVC matches some paths otherwise than as written (case-insensitively, or by its legacy"
                    + " path matcher): abuse-guard judges each request by its route's spelling of the path, and"
                    + " asks Spring MVC's mappings for the route of every request");
        }
        Matched matched = matched(request, mappings, true);
        return matched == null ? null : RouteSpelling.spelt(path, matched.template(), matched.trims());
    }

    /** A route template under its dispatcher's prefix, and whether the matcher that matched it trims segments. */
    private record Matched(String template, boolean trims) {}

    private @Nullable Matched matched(
            HttpServletRequest request, List<HandlerMapping> mappings, boolean byPathOnParameterRefusal) {
        HttpServletRequest probe = probe(request);
        for (HandlerMapping mapping : mappings) {
            try {
                if (mapping.getHandler(probe) != null) {
                    Object pattern = probe.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
                    if (pattern == null) {
                        return null;
                    }
                    String matched = pattern.toString();
                    if (byPathOnParameterRefusal && (matched.indexOf('{') >= 0 || matched.indexOf('*') >= 0)) {
                        // a literal route the mappings passed by for want of a body's field (params), which the
                        // dispatch sees: spelt by it, and the route table then asks for the handler with the fields
                        // (review158 F1: /API/X/BALLOTS was spelt by /api/x/{page} while Spring ran the ballots)
                        String specific = byMethodAndPath(mapping, probe);
                        if (specific != null) {
                            matched = specific;
                        }
                    }
                    return matched(request, mapping, matched);
                }
            } catch (UnsatisfiedServletRequestParameterException refused) {
                String pattern = byPathOnParameterRefusal ? byMethodAndPath(mapping, probe) : null;
                return pattern == null ? null : matched(request, mapping, pattern);
            } catch (ServletException refused) {
                // a wrong media type, method or parameter: the dispatch meets the same refusal, no handler runs,
                // and the table's route stands
                return null;
            } catch (RuntimeException failed) {
                // a mapping that failed tells no route: the table's stands, and the dispatch meets the failure;
                // said at most once a minute, so that a mapping failing on every ambiguous request is seen (review46
                // F10)
                mappingFailures.warn(
                        log,
                        "a handler mapping failed while asked the route of " + request.getMethod() + " "
                                + request.getRequestURI() + "; the route table's answer is used",
                        failed);
                return null;
            } catch (Exception failed) {
                throw new IllegalStateException("a handler mapping failed on " + request.getRequestURI(), failed);
            }
        }
        return null;
    }

    private static Matched matched(HttpServletRequest request, HandlerMapping mapping, String pattern) {
        return new Matched(HandlerRoutes.template(prefixOf(request) + pattern), trims(mapping));
    }

    /**
     * The servlet path of a DispatcherServlet mapped to a path ({@code /legacy/*}), under which its mappings' patterns
     * are; none for one mapped to {@code /} (review157 F2: a second dispatcher's patterns were put under the first's
     * prefix, and its paths never spelt).
     */
    private static String prefixOf(HttpServletRequest request) {
        HttpServletMapping mapping = request.getHttpServletMapping();
        return mapping != null && mapping.getMappingMatch() == MappingMatch.PATH ? request.getServletPath() : "";
    }

    /**
     * Whether the mapping's matcher trims each segment (the legacy {@code AntPathMatcher} with {@code trimTokens}, whose
     * options cannot be read): asked of the matcher itself.
     */
    private static boolean trims(HandlerMapping mapping) {
        return mapping instanceof AbstractHandlerMapping handlers
                && !handlers.usesPathPatterns()
                && handlers.getPathMatcher().match("/abuse-guard", "/ abuse-guard ");
    }

    /**
     * The pattern of the most specific annotated handler whose method and path conditions the request meets, its other
     * conditions aside; {@code null} for another kind of mapping.
     */
    private static @Nullable String byMethodAndPath(HandlerMapping mapping, HttpServletRequest probe) {
        if (!(mapping instanceof RequestMappingInfoHandlerMapping handlers)) {
            return null;
        }
        Set<RequestMappingInfo> infos = handlers.getHandlerMethods().keySet();
        if (handlers.usesPathPatterns()) {
            PathPatternsRequestCondition best = best(infos, probe, RequestMappingInfo::getPathPatternsCondition);
            return best == null ? null : best.getFirstPattern().getPatternString();
        }
        PatternsRequestCondition best = best(infos, probe, RequestMappingInfo::getPatternsCondition);
        return best == null ? null : best.getPatterns().iterator().next();
    }

    private static <T extends RequestCondition<T>> @Nullable T best(
            Set<RequestMappingInfo> infos, HttpServletRequest probe, Function<RequestMappingInfo, @Nullable T> paths) {
        T best = null;
        for (RequestMappingInfo info : infos) {
            T declared = paths.apply(info);
            if (declared == null || info.getMethodsCondition().getMatchingCondition(probe) == null) {
                continue;
            }
            T matching = declared.getMatchingCondition(probe);
            if (matching != null && (best == null || matching.compareTo(best, probe) < 0)) {
                best = matching;
            }
        }
        return best;
    }

    /** Whether every DispatcherServlet is initialised and matches paths as written: nothing is asked then. */
    private volatile boolean allAsWritten;

    private volatile boolean told;

    /** The application's DispatcherServlets, found once: a request is asked of the one that serves it. */
    private volatile @Nullable List<DispatcherServlet> known;

    private boolean everyDispatcherMatchesAsWritten() {
        for (DispatcherServlet dispatcher : dispatchers()) {
            List<HandlerMapping> mappings = dispatcher.getHandlerMappings();
            if (mappings == null || matchOtherwise(mappings)) {
                return false;
            }
        }
        return true;
    }

    private List<DispatcherServlet> dispatchers() {
        List<DispatcherServlet> found = known;
        if (found == null) {
            // every one, not the unique one: a second DispatcherServlet made the route and the spelling of every
            // request unasked (review156 F3: /API/SCORES/chess answered without the proof)
            found = dispatchers.orderedStream().toList();
            known = found;
        }
        return found;
    }

    private static boolean matchOtherwise(List<HandlerMapping> mappings) {
        for (HandlerMapping mapping : mappings) {
            if (mapping instanceof AbstractHandlerMapping handlers && !matchesAsWritten(handlers)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAsWritten(AbstractHandlerMapping mapping) {
        if (!mapping.usesPathPatterns()) {
            return false; // the legacy PathMatcher, whose options (case, trimmed tokens) cannot be read
        }
        PathPatternParser parser = mapping.getPatternParser();
        return parser == null
                || (parser.isCaseSensitive() && parser.getPathOptions() == PathContainer.Options.HTTP_PATH);
    }

    /** The DispatcherServlet's mappings when it serves the request and is initialised, else {@code null}. */
    private @Nullable List<HandlerMapping> mappingsOf(HttpServletRequest request) {
        for (DispatcherServlet dispatcher : dispatchers()) {
            if (servedBy(request, dispatcher)) {
                return dispatcher.getHandlerMappings(); // null while not initialised: nothing tells what it will take
            }
        }
        return null;
    }

    /** The request as the mappings are asked about it: its own attributes, its path parsed, its body unread. */
    private static HttpServletRequest probe(HttpServletRequest request) {
        HttpServletRequest probe = new AttributesApart(request);
        ServletRequestPathUtils.parseAndCache(probe);
        return probe;
    }

    /** Whether the request goes to this dispatcher, not to another servlet of the application. */
    private static boolean servedBy(HttpServletRequest request, DispatcherServlet dispatcher) {
        String name = dispatcher.getServletConfig() == null ? null : dispatcher.getServletName();
        HttpServletMapping mapping = request.getHttpServletMapping();
        return name != null && mapping != null && name.equals(mapping.getServletName());
    }

    /** The request with attributes of its own: what a mapping sets or removes stays here. */
    static final class AttributesApart extends HttpServletRequestWrapper {
        private final Map<String, Object> set = new HashMap<>();
        private final Set<String> removed = new HashSet<>();

        AttributesApart(HttpServletRequest request) {
            super(request);
        }

        // A mapping's `params` condition asks for parameters, which makes the container parse a multipart body
        // (review16 F3: 9 MB read and spooled to disk to answer a 415). The mappings see the query string's
        // parameters only; nothing here reads the body.

        @Override
        public String getParameter(String name) {
            String[] values = getParameterValues(name);
            return values == null ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return queryParameters();
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(queryParameters().keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            return queryParameters().get(name);
        }

        @Override
        public jakarta.servlet.ServletInputStream getInputStream() {
            throw new IllegalStateException("the body is not read to find a handler");
        }

        @Override
        public java.io.BufferedReader getReader() {
            throw new IllegalStateException("the body is not read to find a handler");
        }

        @Override
        public Collection<Part> getParts() {
            throw new IllegalStateException("the body is not read to find a handler");
        }

        @Override
        public jakarta.servlet.http.Part getPart(String name) {
            throw new IllegalStateException("the body is not read to find a handler");
        }

        /**
         * The query string's parameters, parsed once per probe (a mapping's {@code params} condition asks for each
         * of its expressions, on every candidate: review46b F1, one form of 32,000 repeated fields parsed on each
         * question held a thread for 12 s).
         */
        private Map<String, String[]> queryParameters() {
            if (parsed != null) {
                return parsed;
            }
            Map<String, List<String>> values = new LinkedHashMap<>();
            String query = getQueryString();
            if (query != null && !query.isEmpty()) {
                for (String pair : query.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int equals = pair.indexOf('=');
                    String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                    String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                    values.computeIfAbsent(name, any -> new ArrayList<>(1)).add(value);
                }
            }
            Map<String, String[]> parameters = new LinkedHashMap<>();
            values.forEach((name, list) -> parameters.put(name, list.toArray(String[]::new)));
            parsed = Collections.unmodifiableMap(parameters);
            return parsed;
        }

        private @Nullable Map<String, String[]> parsed;

        private static String decode(String text) {
            try {
                return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return text; // the container keeps a malformed escape as it is, or drops it; either way no match
            }
        }

        @Override
        public Object getAttribute(String name) {
            if (set.containsKey(name)) {
                return set.get(name);
            }
            return removed.contains(name) ? null : super.getAttribute(name);
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            Set<String> names = new LinkedHashSet<>(Collections.list(super.getAttributeNames()));
            names.removeAll(removed);
            names.addAll(set.keySet());
            return Collections.enumeration(names);
        }

        @Override
        public void setAttribute(String name, Object value) {
            if (value == null) {
                removeAttribute(name);
                return;
            }
            set.put(name, value);
            removed.remove(name);
        }

        @Override
        public void removeAttribute(String name) {
            set.remove(name);
            removed.add(name);
        }
    }
}
