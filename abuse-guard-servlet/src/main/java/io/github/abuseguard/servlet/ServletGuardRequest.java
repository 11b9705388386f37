package io.github.abuseguard.servlet;

import io.github.abuseguard.BodyField;
import io.github.abuseguard.ClientIdentity;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.RequestBody;
import io.github.abuseguard.RouteTable;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.internal.ContentType;
import io.github.abuseguard.internal.FormFields;
import io.github.abuseguard.internal.HeaderNames;
import io.github.abuseguard.internal.UriTemplates;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A servlet request seen as a {@link GuardRequest}. Nothing is copied up front: headers are read from
 * the servlet request when asked, the client is resolved once, and the body is captured only when a
 * guard asks for it, up to the configured cap. Not thread-safe: it lives for one request.
 */
final class ServletGuardRequest implements GuardRequest, HeaderNames.Source {
    /** The first size of a body's buffer when the declared length is larger. */
    static final int INITIAL_BODY_BUFFER = 8 * 1024;

    /**
     * What every request of a filter shares: one reference per request where four fields would be, as
     * the request object is allocated per request.
     */
    record Options(
            ClientResolver clientResolver,
            RouteTable routes,
            int maxBodyBytes,
            boolean refuseUnreadable,
            Predicate<HttpServletRequest> multipartTaken,
            ClientShares bodyReads,
            @Nullable Function<HttpServletRequest, String> frameworkRoute,
            @Nullable Predicate<HttpServletRequest> handlerRan,
            @Nullable BiFunction<HttpServletRequest, String, String> frameworkSpelling) {

        Options(
                ClientResolver clientResolver,
                RouteTable routes,
                int maxBodyBytes,
                boolean refuseUnreadable,
                Predicate<HttpServletRequest> multipartTaken,
                ClientShares bodyReads,
                @Nullable Function<HttpServletRequest, String> frameworkRoute,
                @Nullable Predicate<HttpServletRequest> handlerRan) {
            this(
                    clientResolver,
                    routes,
                    maxBodyBytes,
                    refuseUnreadable,
                    multipartTaken,
                    bodyReads,
                    frameworkRoute,
                    handlerRan,
                    null);
        }

        Options(
                ClientResolver clientResolver,
                RouteTable routes,
                int maxBodyBytes,
                boolean refuseUnreadable,
                Predicate<HttpServletRequest> multipartTaken,
                ClientShares bodyReads) {
            this(clientResolver, routes, maxBodyBytes, refuseUnreadable, multipartTaken, bodyReads, null, null);
        }

        /**
         * Options whose application takes a multipart body on every route, with the default bound on a
         * client's body reads.
         */
        Options(ClientResolver clientResolver, RouteTable routes, int maxBodyBytes, boolean refuseUnreadable) {
            this(
                    clientResolver,
                    routes,
                    maxBodyBytes,
                    refuseUnreadable,
                    request -> true,
                    new ClientShares(BodySettings.DEFAULT_MAX_CONCURRENT_READS_PER_CLIENT));
        }
    }

    /**
     * The most JSON parts of one multipart body a guard reads a field from. A part beyond it makes the body
     * too large ({@link BodyField.Unreadable#TOO_LARGE}, {@code 413}) before any JSON part is read: each one is read
     * and parsed on its own (the container may have written it to disk), so their number, not only their
     * bytes, bounds the guard's work. A form that sends one object per part has a handful.
     */
    static final int MAX_JSON_PARTS = 16;

    /**
     * What is read from the request only when a guard asks for it (its query string, body and body
     * fields), and the in-flight slots a failure rule took for it, kept apart so that a request no guard
     * reads a body of, and no rule bounds, does not carry these fields: the view itself stays at 40 bytes.
     */
    private static final class Contents {
        private long heldSlots;
        private long heldRoutePlaces;
        private @Nullable String reservedStep;
        private RequestBody body;
        private CachedBodyRequest cachedBody;
        private boolean captureFailure;
        /** Whether a body read was refused: the client had its share of body reads going on already. */
        private boolean tooManyReads;

        private boolean consumedEarlier;
        private Map<String, List<String>> queryFields;
        private Map<String, BodyField> fields;
        private boolean sessionResolved;
        private String sessionId;
        /**
         * Whether the application takes this request's multipart body: {@code null} until a field read asks
         * {@link Options#multipartTaken}, which asks the application's handler mappings, once per request
         * however many fields the guards read.
         */
        private Boolean multipartTaken;
    }

    private final HttpServletRequest request;
    private final Options options;
    private @Nullable String method;
    private String path;
    private String route;
    private boolean routeResolved;
    private ClientIdentity client;
    private Contents contents;
    private boolean historySettled;
    private long observedBeforeCommit;
    /** Whether a guard asked for the handler's status (packs beside the other flag: still 40 bytes). */
    private boolean handlerStatusWanted;

    ServletGuardRequest(HttpServletRequest request, Options options) {
        this.request = request;
        this.options = options;
    }

    /**
     * The headers as the client sent them: the container's request under the wrappers of filters before
     * ours ({@code ForwardedHeaderFilter} hides the forwarded headers that are signals here). Found again
     * on each read rather than kept in a field: usually the request is the container's own, one type
     * check, and the view stays at 40 bytes per request.
     */
    private HttpServletRequest sent() {
        return request instanceof jakarta.servlet.ServletRequestWrapper ? container(request) : request;
    }

    private Contents contents() {
        if (contents == null) {
            contents = new Contents();
        }
        return contents;
    }

    /** The request the application must receive: the original, or a wrapper replaying the captured body. */
    HttpServletRequest downstream() {
        return contents != null && contents.cachedBody != null ? contents.cachedBody : request;
    }

    @Override
    public String method() {
        String known = method;
        if (known == null) {
            known = request.getMethod(); // asked by every guard: through every wrapper to the container once
            method = known;
        }
        return known;
    }

    /** The path as the container decoded it: its servlet path and path info, {@code /} when both are empty. */
    String pathAsSent() {
        if (pathAsSent == null) {
            String servletPath = request.getServletPath();
            String pathInfo = request.getPathInfo();
            String joined = pathInfo == null ? servletPath : servletPath + pathInfo;
            pathAsSent = joined == null || joined.isEmpty() ? "/" : joined;
        }
        return pathAsSent;
    }

    private @Nullable String pathAsSent;

    @Override
    public String path() {
        if (path == null) {
            path = pathAsSent();
            if (options.frameworkSpelling() != null) {
                // a framework that matches paths otherwise than as written (case-insensitively, trimmed segments)
                // runs a route's handler for a path the guards' patterns do not match: judged as the route's own
                // spelling (probe84a F1: POST /API/accounts/1/Payment-Methods skipped @RequiresPrior, GET
                // /API/SCORES/chess the proof)
                String spelt = options.frameworkSpelling().apply(request, path);
                if (spelt != null) {
                    path = spelt;
                }
            }
        }
        return path;
    }

    @Override
    public String route() {
        if (!routeResolved) {
            route = options.routes().resolve(method(), path());
            if (options.frameworkRoute() != null && options.routes().ambiguous(method(), path())) {
                // a handler the client may pass by, with its conditions (params, headers, consumes, produces):
                // the framework's own answer (review45 F1)
                // its body's fields only where a params condition may read them (review47 F6)
                String asked = options.frameworkRoute()
                        .apply(options.routes().decidedByParameters(method(), path()) ? withFormFields() : request);
                if (asked != null) {
                    route = asked;
                }
            }
            routeResolved = true;
        }
        return route;
    }

    /**
     * The request the framework is asked about for its route, its parameters those the dispatch will see, in
     * its query string (the mappings never read a body themselves: a multipart one would be parsed to answer):
     * for a {@code POST} form, whose fields the container adds to the parameters, its query string and fields,
     * read from the captured body (review46 F8: {@code delete=1} in a form went to the {@code params = "delete"}
     * handler, while the mappings, shown the query string only, named its exempt sibling); for a form an earlier
     * filter consumed (Spring's {@code FormContentFilter}: {@code PUT}, {@code PATCH}, {@code DELETE}), the
     * parameters it made (review46b F4); for any other request, its query string alone, as the container gives
     * no body's fields to it (review46b F5: a form on a {@code GET} named a sibling Spring never chose). A
     * {@code POST} form that cannot be read whole, or of more than {@value #MAX_ROUTING_PARAMETERS} fields (the
     * container's own bound), leaves the route in doubt ({@link #routeInDoubt()}, review46b F1, F2).
     */
    private HttpServletRequest withFormFields() {
        ContentType type = ContentType.parse(contentType(request));
        if (type.isMultipart() && !type.isAmbiguous()) {
            return withMultipartFields();
        }
        if (!type.isForm() || type.isAmbiguous()) {
            return request;
        }
        RequestBody captured = body();
        if (contents().tooManyReads) {
            routeInDoubt = BodyField.Unreadable.TOO_MANY_READS;
            return request;
        }
        String fields;
        if (contents().consumedEarlier) {
            // an earlier filter parsed the body into parameters (FormContentFilter): what the dispatch sees
            fields = encoded(request.getParameterMap());
        } else if (!"POST".equals(method())) {
            return request; // the container makes parameters of a POST's form only
        } else {
            Charset charset = CachedBodyRequest.requestCharset(request);
            if (charset == null || !FormFields.isAsciiCompatible(charset)) {
                routeInDoubt = BodyField.Unreadable.UNSUPPORTED;
                return request;
            }
            if (contents().captureFailure) {
                routeInDoubt = BodyField.Unreadable.MALFORMED;
                return request;
            }
            if (!captured.isComplete()) {
                routeInDoubt = BodyField.Unreadable.TOO_LARGE;
                return request;
            }
            String query = request.getQueryString();
            String form = new String(captured.bytes(), charset);
            fields = query == null || query.isEmpty() ? form : query + "&" + form;
        }
        return showing(fields);
    }

    /**
     * A multipart body's text fields shown to the framework's mappings, as the dispatch sees them: Spring's
     * {@code DispatcherServlet} parses a multipart body before it looks the handler up, so a {@code params}
     * condition is met by a part (review47 F2: a {@code draft} part sent {@code POST /posts/me} to the
     * rate-limited {@code /posts/{id}} handler while the guards took the exempt {@code params = "!draft"} one).
     * Parsed by the container within the body's bound and the client's share of body reads, as a field read
     * would; a body it cannot parse, or too large to, leaves the route in doubt. Where the application takes no
     * multipart here, or the container parses none for the servlet, the dispatch sees the query string alone.
     */
    private HttpServletRequest withMultipartFields() {
        return parsingMultipart(this::showingParts, why -> {
            if (why != BodyField.Unreadable.UNSUPPORTED) {
                routeInDoubt = why; // where the application takes no multipart, the dispatch sees the query alone
            }
            return request;
        });
    }

    /** {@link #withMultipartFields}, once the body may be parsed: the container's parameters after its parts. */
    private HttpServletRequest showingParts() {
        try {
            if (parts() == null) {
                return request; // the container parses none for the servlet: neither does the dispatch
            }
            return showing(encoded(request.getParameterMap()));
        } catch (IOException | ServletException unparseable) {
            routeInDoubt = BodyField.Unreadable.MALFORMED;
            return request;
        } catch (IllegalStateException | IllegalArgumentException notParameters) {
            // the container could not make parameters of the parts (a charset it does not know, too many)
            routeInDoubt = BodyField.Unreadable.MALFORMED;
            return request;
        }
    }

    /**
     * The request shown to the framework's mappings with {@code fields} as its parameters, in its query string; the
     * request itself, the route in doubt, past {@value #MAX_ROUTING_PARAMETERS} of them.
     */
    private HttpServletRequest showing(String fields) {
        if (pairs(fields) > MAX_ROUTING_PARAMETERS) {
            routeInDoubt = BodyField.Unreadable.TOO_MANY_VALUES;
            return request;
        }
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getQueryString() {
                return fields;
            }
        };
    }

    /** The most form fields shown to the framework's mappings: Tomcat's {@code maxParameterCount}. */
    static final int MAX_ROUTING_PARAMETERS = 1_000;

    /** Why the route of an ambiguous request could not be told, once {@link #route()} ran; {@code null} when it could. */
    private BodyField.@Nullable Unreadable routeInDoubt;

    /**
     * Why the framework could not be shown what it routes this request by (a {@code POST} form past {@code
     * body.max-bytes}, of too many fields, or beyond the client's share of body reads), so that the route the
     * guards took may not be the handler's: the filter refuses such a request as it refuses an unreadable body.
     * {@code null} when the route is the framework's, or needed no asking.
     */
    BodyField.@Nullable Unreadable routeInDoubt() {
        route();
        return routeInDoubt;
    }

    private static String encoded(Map<String, String[]> parameters) {
        StringBuilder query = new StringBuilder();
        int pairs = 0;
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            for (String value : parameter.getValue()) {
                if (++pairs > MAX_ROUTING_PARAMETERS + 1) {
                    return query.toString(); // past the bound, counted as more than it
                }
                if (query.length() > 0) {
                    query.append('&');
                }
                query.append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
                        .append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return query.toString();
    }

    private static int pairs(String query) {
        int pairs = query.isEmpty() ? 0 : 1;
        for (int i = 0; i < query.length(); i++) {
            if (query.charAt(i) == '&') {
                pairs++;
            }
        }
        return pairs;
    }

    /** The table's route for another method of this path (a preflight's asked method); see {@link GuardRequest#routeFor}. */
    @Override
    public @Nullable String routeFor(String method) {
        return method.equals(method()) ? route() : options.routes().resolve(method, path());
    }

    @Override
    public String targetOrigin() {
        String scheme = request.getScheme();
        int port = request.getServerPort();
        String origin = scheme + "://" + request.getServerName();
        return defaultPort(scheme, port) ? origin : origin + ":" + port;
    }

    /** As {@link #targetOrigin()} compares it, in place: no origin is made for a same-origin read's {@code Referer}. */
    @Override
    public boolean isTargetOriginPage(String url) {
        String scheme = request.getScheme();
        String host = request.getServerName();
        int port = request.getServerPort();
        if (!url.startsWith(scheme) || !url.startsWith("://", scheme.length())) {
            return false;
        }
        int at = scheme.length() + 3;
        if (!url.startsWith(host, at)) {
            return false;
        }
        at += host.length();
        if (!defaultPort(scheme, port)) {
            // ":" and the port as targetOrigin writes it: decimal, no leading zero
            if (at >= url.length() || url.charAt(at) != ':') {
                return false;
            }
            int digits = at + 1;
            long value = 0;
            at = digits;
            while (at < url.length() && at - digits < 6 && url.charAt(at) >= '0' && url.charAt(at) <= '9') {
                value = value * 10 + (url.charAt(at) - '0');
                at++;
            }
            if (at == digits || value != port || (url.charAt(digits) == '0' && at - digits > 1)) {
                return false;
            }
        }
        return at == url.length() || "/?#".indexOf(url.charAt(at)) >= 0;
    }

    private static boolean defaultPort(String scheme, int port) {
        return port <= 0
                || ("http".equalsIgnoreCase(scheme) && port == 80)
                || ("https".equalsIgnoreCase(scheme) && port == 443);
    }

    /** On Tomcat without decoding a value seen on a recent request again: see {@link TomcatHeaders}. */
    @Override
    public String header(String name) {
        HttpServletRequest sent = sent();
        return TomcatHeaders.reads(sent) ? TomcatHeaders.header(sent, name) : sent.getHeader(name);
    }

    /**
     * On Tomcat one pass over the request's header lines, comparing their names in place
     * ({@link TomcatHeaders#present}). Elsewhere a look-up per asked name, not a pass over
     * {@code getHeaderNames()}: the containers compare a name with their headers in place (Jetty's
     * {@code HttpFields} on its field names) and allocate nothing for an absent header, where enumerating
     * the names makes Tomcat decode every header name into a new string and Jetty collect them into a new
     * set: about 250 bytes per request on the demo. Padding a request with headers cannot hide one either way.
     */
    @Override
    public long presentHeaders(HeaderNames names) {
        HttpServletRequest sent = sent();
        return TomcatHeaders.reads(sent) ? TomcatHeaders.present(sent, names) : names.lookedUpIn(this);
    }

    @Override
    public List<String> headers(String name) {
        return valuesOf(sent(), name);
    }

    @Override
    public List<String> headerNames() {
        List<String> names = new ArrayList<>();
        for (Enumeration<String> all = sent().getHeaderNames(); all.hasMoreElements(); ) {
            names.add(all.nextElement());
        }
        return names;
    }

    /**
     * Read from the query string itself, decoded as UTF-8 the way containers decode URIs:
     * {@code getParameter} would make the container consume a form body.
     */
    @Override
    public String queryParameter(String name) {
        List<String> values = queryFields().get(name);
        return values == null ? null : values.get(0);
    }

    @Override
    public List<String> queryParameters(String name) {
        List<String> values = queryFields().get(name);
        return values == null ? List.of() : values;
    }

    private Map<String, List<String>> queryFields() {
        Contents read = contents();
        if (read.queryFields == null) {
            Map<String, List<String>> parsed = new HashMap<>();
            FormFields.parse(request.getQueryString(), StandardCharsets.UTF_8, parsed);
            read.queryFields = parsed;
        }
        return read.queryFields;
    }

    @Override
    public boolean proxiesNamed() {
        // a request Tomcat's RemoteIpValve took the client's address for has its peer hidden: the proxies abuse-guard
        // names cannot be told from the client, so the forwarding headers say what they can (review83 F2)
        return options.clientResolver().trustsProxies() && sent().getAttribute(TOMCAT_FORWARDED) == null;
    }

    /** The request attribute Tomcat's {@code RemoteIpValve} sets on a request whose peer is a proxy it trusts. */
    static final String TOMCAT_FORWARDED = "org.apache.tomcat.request.forwarded";

    /**
     * The connection's peer and, behind a trusted proxy, its forwarded header, as the container read them:
     * a filter before ours may have wrapped the request to answer another address (Spring's
     * {@code ForwardedHeaderFilter}, {@code server.forward-headers-strategy=framework}, answers the leftmost
     * {@code X-Forwarded-For} hop, which the client writes, and hides the header), and that must not choose
     * the client; only {@code abuse-guard.client.trusted-proxies} decides whose hops are believed. On Jetty the
     * connection's own address is read ({@link JettyPeers}), as its {@code ForwardedRequestCustomizer} rewrites the
     * container's answer from any peer.
     */
    @Override
    public ClientIdentity client() {
        if (client == null) {
            // A method reference would be a new object per request; the resolver reads forwarded headers
            // only behind a trusted proxy, so the common case builds no function at all.
            // on Jetty, the connection's address: its ForwardedRequestCustomizer answers the client's choice
            client = options.clientResolver().resolve(JettyPeers.peer(sent()), headerValues());
        }
        return client;
    }

    /** The most wrappers unwrapped to reach the container's request; a deeper chain is taken as it is. */
    private static final int MAX_WRAPPERS = 32;

    /** The container's own request under the wrappers of filters before ours (none, usually). */
    static HttpServletRequest container(HttpServletRequest request) {
        HttpServletRequest current = request;
        for (int i = 0; i < MAX_WRAPPERS && current instanceof jakarta.servlet.ServletRequestWrapper wrapper; i++) {
            if (!(wrapper.getRequest() instanceof HttpServletRequest inner)) {
                break;
            }
            current = inner;
        }
        return current;
    }

    private Function<String, List<String>> headerValues() {
        return options.clientResolver().trustsProxies() ? this::headers : NO_HEADER_VALUES;
    }

    private static List<String> valuesOf(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return List.of();
        }
        List<String> list = new ArrayList<>(2);
        while (values.hasMoreElements()) {
            list.add(values.nextElement());
        }
        return list;
    }

    /** Never asked: a resolver that trusts no proxy reads no header. */
    private static final Function<String, List<String>> NO_HEADER_VALUES = name -> List.of();

    /**
     * The session id the client sent, only when the container (or a wrapper before this filter, such as
     * Spring Session's) says it names a live session: a made-up {@code JSESSIONID} per request would
     * otherwise be a new session each time, with nothing remembered. Asked once, without creating a
     * session, and kept for the request, so that its outcome is recorded under the session it was checked
     * under, even when the application invalidates the session or changes its id meanwhile (a log-in or a
     * log-out).
     */
    @Override
    public String sessionId() {
        Contents read = contents();
        if (!read.sessionResolved) {
            String requested = request.getRequestedSessionId();
            read.sessionId = requested != null && request.isRequestedSessionIdValid() ? sessionIdOf(requested) : null;
            read.sessionResolved = true;
        }
        return read.sessionId;
    }

    /**
     * The id of the live session the client presented, as the session itself names it: Jetty's cookie carries the
     * id with its node ({@code node0abc.node0}) where the session's id is {@code node0abc}, and the id a log-in
     * gives ({@link #sessionIdGiven}) must be spelt as the one the next request presents.
     */
    private String sessionIdOf(String requested) {
        try {
            HttpSession session = request.getSession(false);
            return session == null ? requested : session.getId();
        } catch (IllegalStateException noSessionNow) {
            return requested;
        }
    }

    /** The request's session now, without creating one, when it is not the one the client presented. */
    @Override
    public @Nullable String sessionIdGiven() {
        HttpSession session;
        try {
            session = request.getSession(false);
        } catch (IllegalStateException responseCommittedOrRecycled) {
            return null; // no session the guard can read now: the step stays under the one it was checked under
        }
        if (session == null) {
            return null;
        }
        String id;
        try {
            id = session.getId();
        } catch (IllegalStateException invalidated) {
            return null;
        }
        return id.equals(sessionId()) ? null : id;
    }

    @Override
    public String principal() {
        Principal principal = request.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }

    @Override
    public RequestBody body() {
        Contents read = contents();
        if (read.body == null) {
            read.body = capture(read);
        }
        return read.body;
    }

    /**
     * Reads a field as the application will see it, from every place Spring's data binding takes it:
     * <ul>
     *   <li>a form from the request the application receives (this filter's replaying wrapper, or the
     *       wrapper of an earlier filter such as Spring's {@code FormContentFilter} that has already
     *       consumed the body), so query-string and body values come together in the container's order;
     *       the body's values whatever the method, though the application gets them as parameters only
     *       for a POST or PUT: a form parser after this filter may bind them;
     *   <li>multipart from the container's parameters and from every JSON part;
     *   <li>anything else as JSON from the captured body;
     *   <li>and for a top-level field, also the query string's values (which {@code @RequestParam} and
     *       {@code @ModelAttribute} bind whatever the body is) and a request header of that name (which
     *       {@code @ModelAttribute} binds too).
     * </ul>
     */
    @Override
    public BodyField bodyField(String pointer) {
        Contents read = contents();
        if (read.fields == null) {
            read.fields = new HashMap<>(4);
        }
        BodyField field = read.fields.get(pointer);
        if (field == null) {
            field = read(pointer);
            if (field.isUnreadable() && !options.refuseUnreadable() && !refusedForReads(field)) {
                field = BodyField.absent();
            }
            read.fields.put(pointer, field);
        }
        return field;
    }

    /**
     * Whether the field is unreadable because the client's body reads were at their bound: refused whatever
     * {@code on-unreadable} says, as the application would hold a thread reading the body all the same.
     */
    private static boolean refusedForReads(BodyField field) {
        return field.unreadableReason() == BodyField.Unreadable.TOO_MANY_READS;
    }

    private BodyField read(String pointer) {
        String name = RequestBody.formName(pointer);
        ContentType type = ContentType.parse(contentType(request));
        if (type.isAmbiguous()) {
            return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
        }
        if (type.isMultipart()) {
            return multipart(pointer, name);
        }
        RequestBody captured = body();
        if (contents().tooManyReads) {
            return BodyField.unreadable(BodyField.Unreadable.TOO_MANY_READS);
        }
        if (contents().captureFailure) {
            return BodyField.unreadable(BodyField.Unreadable.MALFORMED);
        }
        if (type.isForm()) {
            Charset charset = CachedBodyRequest.requestCharset(request);
            if (charset == null || !FormFields.isAsciiCompatible(charset)) {
                return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
            }
            if (!captured.isComplete()) {
                return BodyField.unreadable(BodyField.Unreadable.TOO_LARGE);
            }
            BodyField field = parameter(downstream(), name);
            if (!field.isUnreadable()
                    && FormFields.boundByConverter(method())
                    && FormFields.readsDifferentlyToConverters(charset)) {
                // Spring's FormContentFilter binds this method's form with its converter, which may read the body's
                // fields differently in this charset (review132 F2, review133 F4): what it reads is judged too
                BodyField converted = captured.parameter(name);
                if (converted.isUnreadable()) {
                    return converted;
                }
                List<String> more = new ArrayList<>(converted.values());
                more.removeAll(field.values());
                field = field.with(more);
            }
            return boundElsewhere(field, name);
        }
        if (contents().consumedEarlier) {
            return BodyField.unreadable(BodyField.Unreadable.CONSUMED);
        }
        BodyField json = captured.field(pointer);
        if (json.isUnreadable()) {
            return json;
        }
        // a model attribute binds the query string under every spelling, whatever the body (probe43a G0, G2)
        BodyField field = json.with(queryValues(name).values());
        return boundElsewhere(field, name);
    }

    /**
     * Reads a parameter as the application's {@code getParameterValues} gets it, under each name Spring's
     * data binding reads it by ({@link #parameter}):
     * <ul>
     *   <li>a form from the request the application receives, as {@link #read} reads it, so query-string
     *       and body values come together, the body's whatever the method;
     *   <li>multipart from the container's parameters (the query string and the text parts), within the
     *       same bound on the declared length as any multipart field;
     *   <li>anything else from the query string alone, without reading the body: no container or binder
     *       takes parameters from it.
     * </ul>
     * A body that cannot be read is unreadable, or with {@code on-unreadable: allow} leaves the query
     * string's values.
     */
    @Override
    public BodyField parameterField(String name) {
        Contents read = contents();
        if (read.fields == null) {
            read.fields = new HashMap<>(4);
        }
        // A pointer is empty or starts with '/', so this key is no pointer's.
        String key = "query:" + name;
        BodyField field = read.fields.get(key);
        if (field == null) {
            field = readParameter(name);
            if (field.isUnreadable() && !options.refuseUnreadable() && !refusedForReads(field)) {
                field = queryValues(name);
            }
            read.fields.put(key, field);
        }
        return field;
    }

    private BodyField readParameter(String name) {
        ContentType type = ContentType.parse(contentType(request));
        if (!type.isForm() && !type.isMultipart()) {
            return queryValues(name);
        }
        if (type.isAmbiguous()) {
            return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
        }
        if (type.isMultipart()) {
            return parsingMultipart(() -> multipartParameter(name));
        }
        RequestBody captured = body();
        if (contents().tooManyReads) {
            return BodyField.unreadable(BodyField.Unreadable.TOO_MANY_READS);
        }
        if (contents().captureFailure) {
            return BodyField.unreadable(BodyField.Unreadable.MALFORMED);
        }
        Charset charset = CachedBodyRequest.requestCharset(request);
        if (charset == null || !FormFields.isAsciiCompatible(charset)) {
            return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
        }
        if (!captured.isComplete()) {
            return BodyField.unreadable(BodyField.Unreadable.TOO_LARGE);
        }
        return parameter(downstream(), name);
    }

    /** The query string's values of a parameter under each of its spellings. */
    private BodyField queryValues(String name) {
        BodyField field = BodyField.absent();
        for (String spelling : RequestBody.formSpellings(name)) {
            field = field.with(queryParameters(spelling));
        }
        for (Map.Entry<String, List<String>> named : queryFields().entrySet()) {
            if (RequestBody.isIndexedSpelling(named.getKey(), name)) {
                field = field.with(named.getValue()); // name[0], name[key]: an element of the field
            }
        }
        return field;
    }

    /**
     * The field with every request header Spring's data binding may bind to it ({@link
     * RequestBody#headerBinds}): {@code Email:}, and {@code E-mail:} once model attribute binding has dropped
     * its dashes (probe43a G1), a nested field's ({@code User.E-mail:}) too.
     */
    private BodyField boundElsewhere(BodyField field, String name) {
        if (field.isUnreadable() || name.isEmpty()) {
            return field;
        }
        for (String header : headerNames()) {
            if (RequestBody.headerBinds(header, name)) {
                field = field.with(headers(header));
            }
        }
        return field;
    }

    /**
     * The values of the route's URI template variables named like the field, as {@code @PathVariable} takes
     * them and model attribute binding binds them ({@code /users/{email}}, probe43a G3): whole-segment
     * variables of a template the filter knows.
     */
    @Override
    public List<String> pathVariables(String name) {
        String route = route();
        return route == null
                ? List.of()
                : UriTemplates.values(route, path(), variable -> RequestBody.bindsName(variable, name));
    }

    /**
     * Whether the application takes the request's multipart body ({@link Options#multipartTaken}), asked once
     * per request: the starter's answer walks Spring MVC's handler mappings, which every field read would
     * repeat.
     */
    private boolean multipartTaken() {
        Contents read = contents();
        Boolean taken = read.multipartTaken;
        if (taken == null) {
            taken = options.multipartTaken().test(request);
            read.multipartTaken = taken;
        }
        return taken;
    }

    /** The request attribute Jetty sets for a servlet that has a multipart configuration. */
    static final String JETTY_MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";

    /**
     * Whether the request is Jetty's, to a servlet without a multipart configuration: Jetty then parses
     * no parts, so the application gets none either (probe18 F2: a well-formed upload was refused 400).
     */
    private static boolean withoutJettyMultipartConfig(HttpServletRequest request) {
        String server = request.getServletContext().getServerInfo();
        return server != null
                && server.regionMatches(true, 0, "jetty", 0, 5)
                && request.getAttribute(JETTY_MULTIPART_CONFIG) == null;
    }

    /**
     * Text fields as the container parses them, and the field in every JSON part. The container reads
     * the whole body to parse it, so a body whose size is unknown (chunked) or beyond the bound is
     * refused as too large before anything is parsed: the bound holds for multipart as for JSON. A body
     * the application does not take on this route (its handler consumes JSON only: {@link
     * Options#multipartTaken}) is not parsed at all: it is unsupported ({@code 415}), as the application
     * would refuse it. At most {@value #MAX_JSON_PARTS} JSON parts are read, and at most as many other
     * parts named as the field, each from its bytes as {@code @RequestPart String} or a servlet's {@code
     * getPart(name)} reads it ({@link #namedPart}), beside the container's parameter: the container leaves a file
     * part out, and decodes a text part in a charset the client chooses (probe83b: Jetty's {@code _charset_} part or
     * the request's {@code charset=UTF-16} made {@code bot@mailinator.com} nine CJK characters to the guard, and
     * Tomcat without a request encoding reads a UTF-8 part as ISO-8859-1, while the application read the bytes as
     * UTF-8 and signed the address up; a {@code mailbox:} key read nothing, and one inbox took three sign-ups).
     */
    private BodyField multipart(String pointer, String name) {
        return parsingMultipart(() -> parsedMultipart(pointer, name));
    }

    /**
     * Lets the container parse a multipart body for {@code parse}: only within the body's bound, when the
     * application takes multipart here, and within the client's share of body reads, given back at once.
     */
    private BodyField parsingMultipart(Supplier<BodyField> parse) {
        return parsingMultipart(parse, BodyField::unreadable);
    }

    /**
     * As {@link #parsingMultipart(Supplier)}, any answer: {@code unreadable} when the body may not be parsed, with why
     * ({@code UNSUPPORTED}: the application takes no multipart here).
     */
    private <T> T parsingMultipart(Supplier<T> parse, Function<BodyField.Unreadable, T> unreadable) {
        // the bound first: asking the application's mappings must never be what reads a chunked body
        long declared = request.getContentLengthLong();
        if (declared < 0) {
            return unreadable.apply(BodyField.Unreadable.LENGTH_REQUIRED);
        }
        if (declared > options.maxBodyBytes()) {
            return unreadable.apply(BodyField.Unreadable.TOO_LARGE);
        }
        if (!multipartTaken()) {
            return unreadable.apply(BodyField.Unreadable.UNSUPPORTED);
        }
        String reader = startRead(contents());
        if (reader == null) {
            return unreadable.apply(BodyField.Unreadable.TOO_MANY_READS);
        }
        try {
            return parse.get();
        } finally {
            options.bodyReads().leave(reader);
        }
    }

    /** {@link #multipart}, once the bound and the client's share of body reads allow the container to parse it. */
    private BodyField parsedMultipart(String pointer, String name) {
        Collection<Part> parts;
        try {
            parts = parts();
        } catch (IOException | ServletException unparseable) {
            return BodyField.unreadable(BodyField.Unreadable.MALFORMED);
        }
        if (parts == null) {
            return NOT_PARSED_HERE;
        }
        // after the parts: parsing them adds their text to the parameters, decoded in the request's charset
        // whatever a part declares, and the binder reads those (probe46b F3)
        BodyField field = parameter(request, name);
        if (field.isUnreadable()) {
            return field;
        }
        BodyField container = field;
        List<Part> jsonParts = new ArrayList<>();
        List<Part> namedParts = new ArrayList<>();
        List<Part> textParts = new ArrayList<>();
        int textPartsNamed = 0;
        List<String> spellings = RequestBody.formSpellings(name);
        Set<String> spellingsRead = new HashSet<>();
        boolean formData = formData(request);
        for (Part part : parts) {
            if (isJson(part)) {
                if (jsonParts.size() == MAX_JSON_PARTS) {
                    return BodyField.unreadable(BodyField.Unreadable.TOO_LARGE);
                }
                jsonParts.add(part);
            }
            if (!named(part, spellings, name)) {
                continue;
            }
            // a JSON part named as the field is text too: @RequestPart String reads it whole (probe43a G4)
            if (readApart(part) || !formData) {
                if (namedParts.size() == MAX_JSON_PARTS) {
                    return BodyField.unreadable(BodyField.Unreadable.TOO_LARGE);
                }
                namedParts.add(part);
            } else if (++textPartsNamed <= MAX_JSON_PARTS
                    || (spellings.contains(part.getName()) && spellingsRead.add(part.getName()))) {
                // a text field the container gave as a parameter, decoded in a charset the client may pick: read from
                // its bytes too, the first 16, and past them the first of each spelling, which is what getPart and
                // @RequestPart read (review155 F1: 16 parts named Email, then email's bot@mailinator.com in UTF-8
                // under _charset_=UTF-16, signed up); past them, the parameters are judged (review151 F3: a form of
                // 17 such fields was refused as too large)
                if (textPartsNamed <= MAX_JSON_PARTS) {
                    spellingsRead.add(part.getName());
                }
                textParts.add(part);
            }
        }
        for (Part part : namedParts) {
            BodyField inPart = namedPart(part);
            if (inPart.isUnreadable()) {
                return inPart;
            }
            field = field.with(inPart.values());
        }
        List<String> fromBytes = new ArrayList<>(textParts.size());
        List<String> notUtf8 = new ArrayList<>();
        List<String> readAsLatin1 = new ArrayList<>();
        // whether the container read each part as UTF-8 or ISO-8859-1, which a client cannot vary per request
        boolean containerReadTheBytes =
                container.values().size() == textPartsNamed && textParts.size() == textPartsNamed;
        for (int i = 0; i < textParts.size(); i++) {
            Part part = textParts.get(i);
            PartBytes inPart = boundedBytes(part);
            if (inPart.refusal() != null) {
                return inPart.refusal();
            }
            byte[] bytes = inPart.bytes();
            ContentType type = part.getContentType() == null ? null : ContentType.parse(part.getContentType());
            if (type != null && type.isMultipart()) {
                containerReadTheBytes = false;
                continue; // a nested multipart part holds no text
            }
            String utf8 = new String(bytes, StandardCharsets.UTF_8);
            String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
            // as a UTF-8 reader reads it, malformed bytes as U+FFFD: a client cannot vary it with bytes no reader tells
            // apart (review153 F1: alice and one byte that is no UTF-8, ISO-8859-1's reading a key per byte; F2: a
            // part declaring UTF-8 or not, two keys); where the bytes are not UTF-8, their ISO-8859-1 reading (what
            // Spring's converter reads outside Spring Boot) is judged too
            fromBytes.add(utf8);
            if (!validUtf8(bytes)) {
                notUtf8.add(latin1);
            }
            if (containerReadTheBytes) {
                String read = container.values().get(i);
                containerReadTheBytes = read.equals(utf8) || read.equals(latin1);
                if (!read.equals(utf8) && read.equals(latin1) && !validUtf8(bytes)) {
                    // bytes that are no UTF-8, which the container gave the application as ISO-8859-1 and a UTF-8
                    // reader reads otherwise: two values, as neither alone keys what both applications see (review154
                    // F1: álice in ISO-8859-1 was keyed \uFFFDlice, another key than álice's, 6 guesses past 3)
                    readAsLatin1.add(latin1);
                }
            }
        }
        if (!fromBytes.isEmpty()) {
            // The container decodes a text part in the request's charset, or a _charset_ part's, which the client
            // picks (probe83b: Jetty made bot@mailinator.com nine CJK characters under _charset_=UTF-16, which named
            // no address to the guard nor to a mailbox: key, while the application read the part's bytes as UTF-8),
            // and Tomcat without a request encoding in ISO-8859-1. Where it read the bytes as UTF-8 or ISO-8859-1,
            // which a client cannot vary, the bytes' reading gives the values, a key's included, and the container's
            // is one more reading judged beside it (review151 F1: a browser's non-ASCII user name on Tomcat is one
            // value). Where it read them otherwise, as the client asked, every reading is a value, and a key refuses
            // the request as ambiguous where they differ: a key made from either alone is one the client varies with
            // the charset, while the application reads the other (review152 F1: alice in UTF-16 or IBM037 under
            // _charset_ was a new key each time, and 9 guesses at her passed a limit of 3; a Shift_JIS form is refused
            // so, review151 F2, a known limit).
            field = containerReadTheBytes
                    ? BodyField.of(fromBytes)
                            .with(readAsLatin1)
                            .with(field.values()
                                    .subList(
                                            container.values().size(),
                                            field.values().size()))
                            .withReadings(container.values())
                            .withReadings(notUtf8)
                    : field.with(fromBytes).with(notUtf8);
        }
        for (Part part : jsonParts) {
            if (part.getSize() > options.maxBodyBytes()) {
                return BodyField.unreadable(BodyField.Unreadable.TOO_LARGE);
            }
            byte[] bytes = partBytes(part);
            if (bytes == null) {
                return BodyField.unreadable(BodyField.Unreadable.MALFORMED);
            }
            RequestBody partBody = bytes.length <= options.maxBodyBytes()
                    ? RequestBody.whole(bytes, bytes.length, part.getContentType())
                    : RequestBody.prefix(bytes, bytes.length, part.getContentType());
            BodyField inPart = partBody.field(pointer);
            if (inPart.isUnreadable()) {
                if (inPart.unreadableReason() == BodyField.Unreadable.MALFORMED && named(part, spellings, name)) {
                    continue; // no JSON to bind from, but the text named as the field, judged above or as a parameter
                }
                return inPart;
            }
            field = field.with(inPart.values());
        }
        return boundElsewhere(field, name);
    }

    /**
     * A request parameter of a multipart body: the container's parameters, and for a multipart type other
     * than {@code form-data} (which containers take no parameters from, while {@code getParts()}, and so
     * Spring's multipart resolver, reads any {@code multipart/*}) the text of every part named as the field
     * (probe43a G5: {@code multipart/mixed} reached {@code @RequestParam} unjudged).
     */
    private BodyField multipartParameter(String name) {
        Collection<Part> parts;
        try {
            parts = parts();
        } catch (IOException | ServletException unparseable) {
            return BodyField.unreadable(BodyField.Unreadable.MALFORMED);
        }
        if (parts == null) {
            return NOT_PARSED_HERE;
        }
        // after the parts, which Tomcat adds to the parameters in the request's charset, whatever a part
        // declares (probe46b F3: a UTF-16 part read x@mailinator.com as garbage, bound as the address)
        BodyField field = parameter(request, name);
        if (field.isUnreadable() || formData(request)) {
            return field;
        }
        List<String> spellings = RequestBody.formSpellings(name);
        int read = 0;
        for (Part part : parts) {
            if (named(part, spellings, name)) {
                if (++read > MAX_JSON_PARTS) {
                    return BodyField.unreadable(BodyField.Unreadable.TOO_LARGE);
                }
                BodyField inPart = namedPart(part);
                if (inPart.isUnreadable()) {
                    return inPart;
                }
                field = field.with(inPart.values());
            }
        }
        return field;
    }

    /**
     * A multipart body to a servlet without a multipart configuration: the container parses no parts, but the
     * application may parse the stream itself (Commons FileUpload, by hand), and gets every byte. The guard cannot
     * read it, so it is an unsupported body, which {@code body.on-unreadable} answers (probe47c F3: on Jetty such a
     * sign-up's listed address was judged absent and reached the servlet; F4: on Tomcat the same well-formed body
     * was refused as malformed).
     */
    private static final BodyField NOT_PARSED_HERE = BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);

    /**
     * The container's parts, or {@code null} when it parses none for this servlet (no multipart configuration).
     * A body it cannot parse is an {@link IOException} or {@link ServletException}, Jetty's 400 "bad message"
     * included; any other exception is the container's failure and propagates.
     */
    private @Nullable Collection<Part> parts() throws IOException, ServletException {
        if (withoutJettyMultipartConfig(request)) {
            // Jetty answers getParts() for such a servlet with a 400 "bad multipart" exception, where Tomcat
            // throws IllegalStateException: the same case, a well-formed body the container does not parse.
            return null;
        }
        try {
            return request.getParts();
        } catch (IllegalStateException noMultipartConfiguration) {
            return null;
        } catch (RuntimeException failed) {
            throwUnlessBadMessage(failed);
            throw new ServletException("the container could not parse the multipart body", failed);
        }
    }

    /** Whether the body is {@code multipart/form-data}, the one multipart type containers take parameters from. */
    private static boolean formData(HttpServletRequest request) {
        return ContentType.parse(contentType(request)).type().equals("multipart/form-data");
    }

    /**
     * Whether a part's text is read as one of the field's values apart from the container's parameters: a file part
     * (one with a filename), which gives no parameter, a part that declares a charset other than UTF-8, which the
     * container decodes otherwise, or one whose Content-Type is ambiguous. Other text parts are read from their bytes
     * too, as readings of the parameters the container made of them.
     */
    private static boolean readApart(Part part) {
        if (part.getSubmittedFileName() != null) {
            return true;
        }
        if (part.getContentType() == null) {
            return false;
        }
        ContentType type = ContentType.parse(part.getContentType());
        // a Content-Type two parsers split differently may name a charset only Spring's converter sees, whatever this
        // reading finds (review76 F1): read apart, where it is refused
        return type.isAmbiguous()
                || (type.declaresCharset() && !StandardCharsets.UTF_8.equals(type.charset(StandardCharsets.UTF_8)));
    }

    /**
     * The text of a part named as the field that is not JSON, as {@code @RequestPart String} reads it (probe43a
     * F2): the container gives a file part no parameter at all, and decodes a text part in the request's charset,
     * or a {@code _charset_} part's, whatever charset the part declares, where Spring's string converter decodes the
     * part's bytes in its declared charset. So the bytes are decoded in the declared charset (an unknown one is
     * {@link BodyField.Unreadable#UNSUPPORTED}), or, for a part without one, both in UTF-8 (Spring Boot's
     * converter) and in ISO-8859-1 (the converter's default outside Spring Boot), and each reading is judged. A
     * nested multipart part holds no text.
     */
    private BodyField namedPart(Part part) {
        ContentType type = part.getContentType() == null ? null : ContentType.parse(part.getContentType());
        if (type != null && type.isMultipart()) {
            return BodyField.absent();
        }
        Charset declared = type == null ? StandardCharsets.UTF_8 : type.charset(StandardCharsets.UTF_8);
        if (declared == null || (type != null && type.isAmbiguous())) {
            // a part's Content-Type that Spring's converter and this reader could split differently names a charset
            // one of them does not see (probe59a F1)
            return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
        }
        PartBytes read = boundedBytes(part);
        if (read.refusal() != null) {
            return read.refusal();
        }
        byte[] bytes = read.bytes();
        String text = new String(bytes, declared);
        if (type != null && type.declaresCharset()) {
            return BodyField.of(List.of(text));
        }
        String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
        if (part.getSubmittedFileName() == null && validUtf8(bytes)) {
            // a text field in UTF-8: one value, not also its ISO-8859-1 garbage, which a key would take for a second
            return BodyField.of(List.of(text));
        }
        return BodyField.of(text.equals(latin1) ? List.of(text) : List.of(text, latin1));
    }

    /** Whether {@code bytes} are well-formed UTF-8. */
    private static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException notUtf8) {
            return false;
        }
    }

    /**
     * A part's text bytes, within the body's bound: {@code refusal} is {@code null} and {@code bytes} are the part's, or
     * {@code refusal} says why they cannot be judged (a part over the bound, one the container cannot read).
     */
    private record PartBytes(byte[] bytes, @Nullable BodyField refusal) {
        static final PartBytes TOO_LARGE =
                new PartBytes(new byte[0], BodyField.unreadable(BodyField.Unreadable.TOO_LARGE));
        static final PartBytes MALFORMED =
                new PartBytes(new byte[0], BodyField.unreadable(BodyField.Unreadable.MALFORMED));
    }

    /** A part's bytes, refused when it is larger than the body's bound or cannot be read. */
    private PartBytes boundedBytes(Part part) {
        if (part.getSize() > options.maxBodyBytes()) {
            return PartBytes.TOO_LARGE;
        }
        byte[] bytes = partBytes(part);
        if (bytes == null) {
            return PartBytes.MALFORMED;
        }
        return bytes.length > options.maxBodyBytes() ? PartBytes.TOO_LARGE : new PartBytes(bytes, null);
    }

    /** A part's bytes, at most one more than the body's bound; {@code null} when it cannot be read. */
    private byte @Nullable [] partBytes(Part part) {
        try (InputStream in = part.getInputStream()) {
            return in.readNBytes(options.maxBodyBytes() + 1);
        } catch (IOException unreadablePart) {
            return null;
        }
    }

    /**
     * Whether a part is JSON, whose field a guard reads: not a text field (no type, already among the
     * parameters), a form, a nested multipart or a file of another type (its bytes are not bound to fields).
     */
    private static boolean isJson(Part part) {
        if (part.getContentType() == null) {
            return false;
        }
        ContentType partType = ContentType.parse(part.getContentType());
        return !partType.isForm() && !partType.isMultipart() && partType.type().endsWith("json");
    }

    /**
     * The {@code Content-Type} as sent. Jetty's {@code getContentType()} throws when the charset parameter
     * names a charset it does not know, so the header is read as it is.
     */
    static String contentType(HttpServletRequest request) {
        return request.getHeader("Content-Type");
    }

    /**
     * The field's values under each name Spring's data binding reads it by: {@code name}, {@code name[]}
     * (array syntax without an index, taken for {@code name}) and {@code !name} (the field's default when
     * {@code name} is absent), and its elements' ({@code name[0]}, {@code name[key]}: {@link
     * RequestBody#isIndexedSpelling}).
     */
    private static BodyField parameter(HttpServletRequest request, String name) {
        BodyField field = BodyField.absent();
        CachedBodyRequest cached = request instanceof CachedBodyRequest form ? form : null;
        try {
            for (String spelling : RequestBody.formSpellings(name)) {
                String[] values = cached != null ? cached.formValues(spelling) : request.getParameterValues(spelling);
                if (values != null) {
                    field = field.with(Arrays.asList(values));
                }
            }
            Map<String, String[]> all = cached != null ? cached.formFieldMap() : request.getParameterMap();
            for (Map.Entry<String, String[]> named : all.entrySet()) {
                if (RequestBody.isIndexedSpelling(named.getKey(), name)) {
                    field = field.with(Arrays.asList(named.getValue()));
                }
            }
        } catch (IllegalStateException | IllegalArgumentException containerCouldNotParse) {
            // Tomcat and Jetty report a form or multipart body they cannot parse (too large, bad
            // encoding) this way; the application would meet the same error.
            return BodyField.unreadable(BodyField.Unreadable.MALFORMED);
        } catch (RuntimeException failed) {
            throwUnlessBadMessage(failed);
            return BodyField.unreadable(BodyField.Unreadable.MALFORMED);
        }
        return field;
    }

    /** Whether the part is named as the field, by one of its spellings or as an element of it ({@code email[0]}). */
    private static boolean named(Part part, List<String> spellings, String name) {
        String given = part.getName();
        return given != null && (spellings.contains(given) || RequestBody.isIndexedSpelling(given, name));
    }

    /** The class Jetty reports a request it refuses to parse with: a {@code RuntimeException}, not an argument error. */
    private static final String JETTY_BAD_MESSAGE = "org.eclipse.jetty.http.BadMessageException";

    /**
     * Rethrows {@code failed} unless it is the container's refusal of the client's input: Jetty 12 throws
     * its {@code BadMessageException} (400) from {@code getParameterValues} and {@code getParts} for a
     * multipart body it cannot turn into parameters (a {@code _charset_} part naming an unknown charset, a
     * part without a name, no boundary) or a query with a bad {@code %} escape. Recognised by its name, as
     * this module does not depend on Jetty; anything else is a failure, ours or the container's, and goes on.
     */
    static void throwUnlessBadMessage(RuntimeException failed) {
        for (Class<?> type = failed.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(JETTY_BAD_MESSAGE)) {
                return;
            }
        }
        throw failed;
    }

    private RequestBody capture(Contents contents) {
        long declared = request.getContentLengthLong();
        String contentType = contentType(request);
        if (declared == 0) {
            return RequestBody.empty();
        }
        if (declared > options.maxBodyBytes() || ContentType.parse(contentType).isMultipart()) {
            // Not read: too large to judge (the application still gets every byte), or multipart, whose
            // parts the container parses from its own stream.
            return RequestBody.prefix(new byte[0], 0, contentType);
        }
        String reader = startRead(contents);
        if (reader == null) {
            return RequestBody.prefix(new byte[0], 0, contentType);
        }
        try {
            return readBody(contents, declared, contentType);
        } finally {
            options.bodyReads().leave(reader);
        }
    }

    /**
     * Takes one of the client's body reads ({@code abuse-guard.body.max-concurrent-reads-per-client}) before a
     * byte of the body is read: a body that arrives slowly holds this thread until it is in, so one client
     * sending many slowly could hold every request thread (probe29 F1). A request refused once stays refused.
     *
     * @return the client whose read the caller gives back when it is done, or {@code null} when the client has
     *     its share going on already: none was taken, and {@link Contents#tooManyReads} is set
     */
    private @Nullable String startRead(Contents read) {
        if (read.tooManyReads) {
            return null;
        }
        String reader = ClientShares.client(client().key());
        if (options.bodyReads().enter(reader)) {
            return reader;
        }
        read.tooManyReads = true;
        return null;
    }

    private RequestBody readBody(Contents contents, long declared, @Nullable String contentType) {
        // One byte more than the cap tells a body of exactly the cap from a longer one.
        int limit = options.maxBodyBytes() + 1; // at most 1 MiB + 1: the builder bounds maxBodyBytes
        // Sized by what arrives, not by what the client declares: a Content-Length costs nothing to send,
        // so the buffer starts small and doubles as bytes come in (memory held follows bytes received).
        byte[] buffer =
                new byte[(int) Math.min(Math.min(limit, INITIAL_BODY_BUFFER), declared > 0 ? declared + 1 : 1024)];
        int length = 0;
        boolean complete = false;
        IOException failure = null;
        try {
            ServletInputStream in = request.getInputStream();
            while (length < limit) {
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.min(limit, buffer.length * 2));
                }
                int read = in.read(buffer, length, buffer.length - length);
                if (read == -1) {
                    complete = true;
                    break;
                }
                length += read;
            }
        } catch (IOException e) {
            failure = e;
        } catch (IllegalStateException readerInUse) {
            contents.consumedEarlier = true;
            return RequestBody.empty();
        }
        if (length == 0 && failure == null) {
            // Nothing to read although a body was declared: an earlier filter consumed it, and the
            // application keeps that filter's view of it.
            contents.consumedEarlier = declared > 0;
            return RequestBody.empty();
        }
        contents.captureFailure = failure != null;
        contents.cachedBody = new CachedBodyRequest(request, buffer, length, failure);
        return complete && length <= options.maxBodyBytes()
                ? RequestBody.whole(buffer, length, contentType, method())
                : RequestBody.prefix(buffer, length, contentType);
    }

    /**
     * Reads and throws away what no guard read of the body, as the application's handler would read it before
     * answering, within {@code abuse-guard.body.max-bytes} and the client's share of body reads: a decoy then comes
     * after the body, as a real answer does, and the container has nothing left to read on the request thread
     * (probe48b F1: 200 decoyed requests, each with a body sent a byte a second, held every Tomcat thread).
     *
     * @return whether the body was read to its end; {@code false} for a body over the bound, a client that has
     *     its share of body reads going on, or a read that failed, which the caller drops instead
     */
    boolean discardUnreadBody() {
        if (!bodyLeftUnread()) {
            return true;
        }
        Contents read = contents();
        if (request.getContentLengthLong() > options.maxBodyBytes() || read.body != null || read.consumedEarlier) {
            return false; // too large to read, or a guard read a part of it only (over the bound, or refused)
        }
        String reader = startRead(read);
        if (reader == null) {
            return false;
        }
        try {
            ServletInputStream in = request.getInputStream();
            byte[] buffer = new byte[(int) Math.min(INITIAL_BODY_BUFFER, options.maxBodyBytes() + 1L)];
            long length = 0;
            for (int got; (got = in.read(buffer)) != -1; ) {
                length += got;
                if (length > options.maxBodyBytes()) {
                    return false;
                }
            }
            read.body = RequestBody.empty(); // read to its end: nothing is left for the container
            return true;
        } catch (IOException | IllegalStateException unreadable) {
            return false; // the client went away, or a reader was opened on it already: dropped
        } finally {
            options.bodyReads().leave(reader);
        }
    }

    /**
     * The body of a small form the library answers itself (the browser proof), at most {@code max} + 1 bytes whatever
     * {@code abuse-guard.body.max-bytes} says (review146 F3: a filter with guards reading no body refused every proof),
     * read within the client's share of body reads (probe81a F2: one address's slow proofs held every request thread);
     * empty when a filter before this one consumed it; {@code null} when the client has its share going on
     * ({@link #refusedForReads()} then says so).
     */
    byte @Nullable [] readOwnForm(int max) throws IOException {
        Contents read = contents();
        String reader = startRead(read);
        if (reader == null) {
            return null;
        }
        try {
            return request.getInputStream().readNBytes(max + 1);
        } catch (IllegalStateException readerInUse) {
            read.consumedEarlier = true;
            return new byte[0];
        } finally {
            options.bodyReads().leave(reader);
        }
    }

    /** Whether a body read of this request was refused: its client had its share of body reads going on. */
    boolean refusedForReads() {
        return contents != null && contents.tooManyReads;
    }

    /**
     * Whether the request declares a body ({@code Content-Length} above zero, or {@code Transfer-Encoding}) that no
     * guard read to its end: before it finishes a refusal, the container would read and discard the rest, as
     * slowly as the client sends it.
     */
    boolean bodyLeftUnread() {
        if (request.getContentLengthLong() <= 0 && sent().getHeader("Transfer-Encoding") == null) {
            return false;
        }
        Contents read = contents;
        return read == null || read.body == null || (!read.body.isComplete() && !read.consumedEarlier);
    }

    @Override
    public long heldSlots() {
        return contents == null ? 0 : contents.heldSlots;
    }

    /** Makes the lazily read part only when a slot is taken: most requests hold none. */
    @Override
    public void heldSlots(long slots) {
        if (slots != 0 || contents != null) {
            contents().heldSlots = slots;
        }
    }

    @Override
    public long heldRoutePlaces() {
        return contents == null ? 0 : contents.heldRoutePlaces;
    }

    @Override
    public @Nullable String reservedStep() {
        return contents == null ? null : contents.reservedStep;
    }

    @Override
    public void reservedStep(String entry) {
        contents().reservedStep = entry;
    }

    @Override
    public void heldRoutePlaces(long places) {
        if (places != 0 || contents != null) {
            contents().heldRoutePlaces = places;
        }
    }

    @Override
    public boolean historySettled() {
        return historySettled;
    }

    @Override
    public void historySettled(boolean settled) {
        historySettled = settled;
    }

    @Override
    public long observedBeforeCommit() {
        return observedBeforeCommit;
    }

    @Override
    public void observedBeforeCommit(long guards) {
        observedBeforeCommit = guards;
    }

    @Override
    public boolean handlerStatusWanted() {
        return handlerStatusWanted;
    }

    @Override
    public void handlerStatusWanted(boolean wanted) {
        handlerStatusWanted = wanted;
    }

    /** Whether the framework ran no handler for the request, as the filter's {@code handlerRan} tells; see {@link GuardRequest#unhandled()}. */
    @Override
    public boolean unhandled() {
        return options.handlerRan() != null && !options.handlerRan().test(request);
    }

    /**
     * As {@link #unhandled()}, with the answer's status on the request ({@link AbuseGuardFilter#ANSWERED_STATUS_ATTRIBUTE})
     * while {@code handlerRan} is asked.
     */
    @Override
    public boolean unhandled(int status) {
        if (options.handlerRan() == null) {
            return false;
        }
        request.setAttribute(AbuseGuardFilter.ANSWERED_STATUS_ATTRIBUTE, status);
        try {
            return !options.handlerRan().test(request);
        } finally {
            // only while asked: a rule asking without the status (a user name's) must not read it
            request.removeAttribute(AbuseGuardFilter.ANSWERED_STATUS_ATTRIBUTE);
        }
    }
}
