package io.github.abuseguard.discovery;

import io.github.abuseguard.GuardDescription;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.OutcomeObserver;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.internal.HttpMethods;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The API's endpoints as observed: concrete paths folded into templates. A path segment position
 * whose distinct values exceed the cardinality threshold becomes a variable ({@code /login/237},
 * {@code /login/415}, ... become {@code /login/{var1}}); obvious identifiers (numbers, UUIDs, long
 * hex or base64 tokens) fold at once. When the framework knows the route template, it is used as it is;
 * a path matching a template {@linkplain #keep kept} (one a sequence rule names, say) is listed under it.
 *
 * <p>API discovery: as an {@link OutcomeObserver} the inventory hears every request the application
 * answered, whichever guards run, and records it under its template; {@link #describe()} shows the
 * most requested templates. One inventory serves the engine and the guards that fold paths with it,
 * so they agree on templates. Counting costs a map look-up and striped counters per request.
 *
 * <p>Memory is bounded whatever clients send: at most {@code maxNodes} tree nodes, {@value #MAX_KEPT} kept
 * templates and twice {@code maxEndpoints} inventory entries: up to {@code maxEndpoints} for the templates the
 * application serves (routes the framework names, kept templates) and as many for the folds of paths no route serves,
 * so that made-up paths, which any client can send by the thousand, never take an application route's place. Past the
 * node bound new literal segments fold into a variable. When the folds of unrouted paths fill their share, a new one
 * takes the place of the one longest held that the application never answered {@code 2xx} and no route's request
 * reached: made-up paths replace one another, never a path the application answered; with every place kept (or the
 * served share full) the request is counted under {@value #OVERFLOW}.
 */
public final class EndpointInventory implements OutcomeObserver {

    /** The observer's name. */
    public static final String NAME = "discovery";

    /** The template under which requests beyond the entry bound are counted. */
    public static final String OVERFLOW = "/{overflow}";

    /** The most tree nodes of an inventory built by {@link #withDefaults} or by the settings. */
    public static final int DEFAULT_MAX_NODES = 20_000;

    /** The most templates {@link #keep} accepts. */
    public static final int MAX_KEPT = 1_000;

    /** Segments of a path beyond this many are left out of its template. */
    private static final int MAX_SEGMENTS = 32;

    /** The templates {@link #describe()} lists, most requested first. */
    static final int DESCRIBED_ENDPOINTS = 100;

    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{16,}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-=+.]{20,}");
    private static final JsonFactory JSON = new JsonFactory();

    private final int cardinalityThreshold;
    private final int maxNodes;
    private final int maxEndpoints;
    private final TimeSource timeSource;
    private final Node root = new Node();
    private final AtomicLong nodes = new AtomicLong(1);
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    /**
     * The entries of unrouted folds, in the places they hold. Entries are created under its lock (a template's first
     * sight, rare but under a flood of made-up paths), so both shares hold to their bound exactly.
     */
    private final Endpoint[] unrouted;

    private int unroutedCount; // guarded by unrouted
    /** Unrouted folds answered {@code 2xx}, or a route's: they keep their places. Guarded by unrouted. */
    private int keptUnrouted;
    /** The place of {@link #unrouted} a new fold looks at first once the share is full. Guarded by unrouted. */
    private int hand;

    private int servedCount; // guarded by unrouted
    /**
     * The wall-clock time of {@link #baseNanos}: a request is stamped with a monotonic reading, which
     * allocates nothing, and turned into an {@link Instant} only when the inventory is read.
     */
    private final Instant baseInstant;

    private final long baseNanos;

    /** Templates kept as they are, and their patterns; copy-on-write, written only at start-up. */
    private volatile String[] keptTemplates = new String[0];

    private volatile PathPattern[] keptPatterns = new PathPattern[0];

    /**
     * @param cardinalityThreshold distinct values at a segment position before it becomes a variable
     * @param maxNodes the most nodes of the path tree
     * @param maxEndpoints the most templates tracked
     */
    public EndpointInventory(int cardinalityThreshold, int maxNodes, int maxEndpoints, TimeSource timeSource) {
        if (cardinalityThreshold < 1 || maxNodes < 1 || maxEndpoints < 1) {
            throw new IllegalArgumentException("inventory bounds must be positive");
        }
        this.cardinalityThreshold = cardinalityThreshold;
        this.maxNodes = maxNodes;
        this.maxEndpoints = maxEndpoints;
        this.unrouted = new Endpoint[maxEndpoints];
        this.timeSource = timeSource;
        this.baseNanos = timeSource.nanoTime();
        this.baseInstant = timeSource.instant();
    }

    /**
     * An inventory with the defaults of {@link InventorySettings}: folding at {@value
     * InventorySettings#DEFAULT_CARDINALITY_THRESHOLD} distinct values, of at most {@value #DEFAULT_MAX_NODES}
     * nodes and {@value InventorySettings#DEFAULT_MAX_ENDPOINTS} templates.
     */
    public static EndpointInventory withDefaults(TimeSource timeSource) {
        return new EndpointInventory(
                InventorySettings.DEFAULT_CARDINALITY_THRESHOLD,
                DEFAULT_MAX_NODES,
                InventorySettings.DEFAULT_MAX_ENDPOINTS,
                timeSource);
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Keeps a route template as it is: a path it matches, when the framework names no route, is listed
     * under it instead of being folded, so a burst of junk paths can never fold a template a rule names
     * away. When several kept templates match a path, the most specific wins, as in {@code RouteTable}: more
     * literal segments, then fewer {@code **}, then the one kept first ({@code /api/items/special} over
     * {@code /api/items/{id}}, in whichever order rules name them). Meant for start-up; a template kept twice
     * is kept once.
     *
     * @throws IllegalArgumentException if the template is not a valid path pattern
     * @throws IllegalStateException if {@value #MAX_KEPT} templates are kept already
     */
    public synchronized void keep(String template) {
        PathPattern pattern = PathPattern.parse(template);
        String[] templates = keptTemplates;
        for (String kept : templates) {
            if (kept.equals(template)) {
                return;
            }
        }
        if (templates.length >= MAX_KEPT) {
            throw new IllegalStateException("an inventory keeps at most " + MAX_KEPT + " templates");
        }
        int at = templates.length;
        while (at > 0 && moreSpecific(template, templates[at - 1])) {
            at--;
        }
        PathPattern[] patterns = new PathPattern[templates.length + 1];
        String[] grown = new String[templates.length + 1];
        System.arraycopy(keptPatterns, 0, patterns, 0, at);
        System.arraycopy(templates, 0, grown, 0, at);
        patterns[at] = pattern;
        grown[at] = template;
        System.arraycopy(keptPatterns, at, patterns, at + 1, templates.length - at);
        System.arraycopy(templates, at, grown, at + 1, templates.length - at);
        keptPatterns = patterns; // patterns first: a reader takes the template count from the names
        keptTemplates = grown;
    }

    /** Whether {@code a} is strictly more specific than {@code b}: more literal segments, then fewer {@code **}. */
    private static boolean moreSpecific(String a, String b) {
        int literals = Integer.compare(literalSegments(a), literalSegments(b));
        return literals > 0 || (literals == 0 && doubleWildcards(a) < doubleWildcards(b));
    }

    private static int literalSegments(String template) {
        int count = 0;
        for (String segment : template.split("/")) {
            if (!segment.isEmpty() && !segment.startsWith("{") && !segment.contains("*")) {
                count++;
            }
        }
        return count;
    }

    private static int doubleWildcards(String template) {
        return template.split("\\*\\*", -1).length - 1;
    }

    /** The templates {@link #keep kept}, in the order they were kept. */
    public List<String> keptTemplates() {
        return List.of(keptTemplates);
    }

    /** Counts the request under its template: the route the framework named, a kept template, or its fold. */
    @Override
    public void observe(GuardRequest request, int status) {
        String path = request.path();
        String served = servedTemplate(path, request.route());
        String method = HttpMethods.recorded(request.method());
        if (served != null) {
            record(method, served, status, true);
        } else {
            record(method, fold(path), status, false);
        }
    }

    /**
     * The template a path folds into now, learning the path on the way.
     *
     * @param route the framework's route template, used as it is when not {@code null}
     */
    public String template(String path, @Nullable String route) {
        String served = servedTemplate(path, route);
        return served != null ? served : fold(path);
    }

    /** The template the application serves the path under: the framework's route, or a kept template it matches. */
    private @Nullable String servedTemplate(String path, @Nullable String route) {
        if (route != null) {
            return route;
        }
        String[] kept = keptTemplates;
        if (kept.length > 0) {
            PathPattern[] patterns = keptPatterns;
            for (int i = 0; i < kept.length; i++) {
                if (patterns[i].matches(path)) {
                    return kept[i];
                }
            }
        }
        return null;
    }

    /** The fold of a path no route serves, learning the path on the way. */
    private String fold(String path) {
        // Walks the segments in place: a path that folds nowhere and is already in canonical form
        // ("/a/b") is its own template, so the common case allocates only the segment keys.
        StringBuilder template = null; // started only once the template differs from the path
        int same = 0; // while template is null: path[0, same) is the template so far
        Node node = root;
        int variables = 0;
        int segments = 0;
        int length = path.length();
        int at = 0;
        while (segments < MAX_SEGMENTS) {
            while (at < length && path.charAt(at) == '/') {
                at++;
            }
            if (at >= length) {
                break;
            }
            int end = path.indexOf('/', at);
            if (end < 0) {
                end = length;
            }
            String segment = path.substring(at, end);
            Node next = node.child(segment, this);
            segments++;
            if (template == null && !next.variable && at == same + 1 && path.charAt(same) == '/') {
                same = end;
            } else {
                if (template == null) {
                    template = new StringBuilder(length + 8).append(path, 0, same);
                }
                template.append('/');
                if (next.variable) {
                    template.append("{var").append(++variables).append('}');
                } else {
                    template.append(segment);
                }
            }
            node = next;
            at = end;
        }
        if (template != null) {
            return template.toString();
        }
        return same == 0 ? "/" : same == length ? path : path.substring(0, same);
    }

    /**
     * Records one request's outcome under its template.
     *
     * @param servedTemplate whether the application serves the template (a route or a kept template), or it is the
     *     fold of a path no route serves
     */
    void record(String method, String template, int status, boolean servedTemplate) {
        Endpoint endpoint = endpoints.get(template);
        if (endpoint == null) {
            endpoint = servedTemplate ? servedEntry(template) : unroutedEntry(template);
        }
        endpoint.record(method, status, timeSource.nanoTime());
        if (!endpoint.kept && (servedTemplate || (status >= 200 && status < 300 && doesTheWork(method)))) {
            keep(endpoint);
        }
    }

    /**
     * Whether a {@code 2xx} to {@code method} says the application serves the path: an {@code OPTIONS} (a servlet's
     * default {@code doOptions}, a CORS filter's preflight) and a {@code TRACE} are answered {@code 200} on any path
     * under a mapping, so they keep no place (review145 F2: ten made-up {@code OPTIONS} paths took every place of the
     * unrouted folds for good, and a served path was then counted under {@value #OVERFLOW}).
     */
    private static boolean doesTheWork(String method) {
        return !method.equals("OPTIONS") && !method.equals("TRACE");
    }

    private Endpoint servedEntry(String template) {
        synchronized (unrouted) {
            Endpoint endpoint = endpoints.get(template);
            if (endpoint != null) {
                return endpoint;
            }
            if (servedCount >= maxEndpoints) {
                return overflow();
            }
            servedCount++;
            endpoint = new Endpoint(template, timeSource.nanoTime(), false);
            endpoints.put(template, endpoint);
            return endpoint;
        }
    }

    /**
     * The entry of a new unrouted fold: a free place of their share, else the place of the unrouted fold longest held
     * that is not kept, else (every place kept) {@value #OVERFLOW}'s.
     */
    private Endpoint unroutedEntry(String template) {
        if (template.equals(OVERFLOW)) {
            return overflow(); // a client's literal /{overflow} is counted there, not given a place (review142)
        }
        synchronized (unrouted) {
            Endpoint endpoint = endpoints.get(template);
            if (endpoint != null) {
                return endpoint;
            }
            int place;
            if (unroutedCount < unrouted.length) {
                place = unroutedCount++;
            } else if (keptUnrouted >= unrouted.length) {
                return overflow();
            } else {
                while (unrouted[hand].kept) { // ends: fewer than all places are kept
                    hand = (hand + 1) % unrouted.length;
                }
                place = hand;
                hand = (hand + 1) % unrouted.length;
                endpoints.remove(unrouted[place].template, unrouted[place]);
            }
            endpoint = new Endpoint(template, timeSource.nanoTime(), true);
            unrouted[place] = endpoint;
            endpoints.put(template, endpoint);
            return endpoint;
        }
    }

    /**
     * Marks an entry the application answered {@code 2xx}, or a route's: an unrouted fold then keeps its place
     * (review142 F1: a route's entry first made for a request that had no route yet, a guard's refusal before dispatch,
     * was replaced by made-up paths with all its counts).
     */
    private void keep(Endpoint endpoint) {
        synchronized (unrouted) {
            if (!endpoint.kept) {
                endpoint.kept = true;
                if (endpoint.unrouted && endpoints.get(endpoint.template) == endpoint) {
                    keptUnrouted++;
                }
            }
        }
    }

    private Endpoint overflow() {
        long firstSeen = timeSource.nanoTime();
        return endpoints.computeIfAbsent(OVERFLOW, key -> new Endpoint(key, firstSeen, false));
    }

    /** The number of templates tracked. */
    public int size() {
        return endpoints.size();
    }

    /** The nodes of the path tree. */
    public long nodes() {
        return nodes.get();
    }

    /** The endpoints, most requested first. */
    public List<EndpointView> endpoints() {
        List<EndpointView> views = new ArrayList<>();
        for (Endpoint endpoint : endpoints.values()) {
            views.add(endpoint.view(baseInstant, baseNanos));
        }
        views.sort(Comparator.comparingLong(EndpointView::requests).reversed().thenComparing(EndpointView::template));
        return views;
    }

    /**
     * The inventory for operators, as state {@code inventory}: the {@value #DESCRIBED_ENDPOINTS} most
     * requested templates, each with its methods, requests and answers by status class.
     */
    @Override
    public GuardDescription describe() {
        return GuardDescription.builder(NAME)
                .state(
                        "inventory",
                        endpoints().stream()
                                .limit(DESCRIBED_ENDPOINTS)
                                .map(endpoint -> Map.of(
                                        "template", shown(endpoint.template()),
                                        "methods", endpoint.methods(),
                                        "requests", endpoint.requests(),
                                        "statusClasses", endpoint.statusClasses()))
                                .toList())
                .build();
    }

    /**
     * A template as operators are shown it: a segment holding an {@code @} (or {@code %40}), a token or a long number, which a path no route
     * serves keeps as sent (a password reset's e-mail address, a reset token: probe52d F6), is {@code ***}.
     */
    static String shown(String template) {
        String[] segments = template.split("/", -1);
        boolean masked = false;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.indexOf('@') >= 0
                    || segment.toLowerCase(java.util.Locale.ROOT).contains("%40")
                    || isToken(segment)) {
                segments[i] = "***";
                masked = true;
            }
        }
        return masked ? String.join("/", segments) : template;
    }

    /**
     * Whether a segment reads as a secret or a person's number: 12 characters or more with digits and letters among
     * them (not a route word), 7 digits or more (a phone number, a code; review54 F8), or a token of letters alone
     * (review57 F5: one without a digit was shown as sent): 16 characters or more whose case changes make pieces of
     * one or two letters, not words (base64url: {@code kQpLmXzRtYvBnWcE}), or a run of 24 letters without a separator, which no
     * route's own word is.
     */
    private static boolean isToken(String segment) {
        long digits = segment.chars().filter(Character::isDigit).count();
        if ((segment.length() >= 12 && digits > 0 && segment.chars().anyMatch(Character::isLetter)) || digits >= 7) {
            return true;
        }
        return (segment.length() >= 16 && shortCasePieces(segment) >= 4) || longestLetterRun(segment) >= 24;
    }

    /**
     * How many pieces of at most two letters the segment has when split before each capital: a camel-case word's
     * pieces are words ({@code get}, {@code User}, {@code Profile}), a mixed-case token's mostly one or two letters.
     */
    private static int shortCasePieces(String segment) {
        int pieces = 0;
        int length = 0;
        for (int i = 0; i <= segment.length(); i++) {
            char c = i < segment.length() ? segment.charAt(i) : '/';
            if (!Character.isLetter(c) || Character.isUpperCase(c)) {
                if (length > 0 && length <= 2) {
                    pieces++;
                }
                length = Character.isLetter(c) ? 1 : 0;
            } else {
                length++;
            }
        }
        return pieces;
    }

    private static int longestLetterRun(String segment) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < segment.length(); i++) {
            run = Character.isLetter(segment.charAt(i)) ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    /**
     * The inventory as JSON: an array of endpoints with template, methods, requests, status classes, first and last
     * seen; templates as operators are shown them ({@link #shown}: an address or a token a path no route serves kept
     * as sent is masked here too, not only in the Actuator's view; review55 F10).
     */
    public String toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            json.writeStartArray();
            for (EndpointView view : endpoints()) {
                json.writeStartObject();
                json.writeStringProperty("template", shown(view.template()));
                json.writeName("methods");
                json.writeStartArray();
                for (String method : view.methods()) {
                    json.writeString(method);
                }
                json.writeEndArray();
                json.writeNumberProperty("requests", view.requests());
                json.writeName("statusClasses");
                json.writeStartObject();
                for (Map.Entry<String, Long> entry : view.statusClasses().entrySet()) {
                    json.writeNumberProperty(entry.getKey(), entry.getValue());
                }
                json.writeEndObject();
                json.writeStringProperty("firstSeen", view.firstSeen().toString());
                json.writeStringProperty("lastSeen", view.lastSeen().toString());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    static boolean obviousIdentifier(String segment) {
        return segment.length() > 64 // no route has such a segment; it would pin memory
                || NUMBER.matcher(segment).matches()
                || UUID.matcher(segment).matches()
                || HEX.matcher(segment).matches()
                || (segment.length() >= 20
                        && TOKEN.matcher(segment).matches()
                        && segment.chars().anyMatch(Character::isDigit));
    }

    /** One position of the path tree: literal children until the threshold, then one variable child. */
    private static final class Node {
        private final boolean variable;
        private volatile Map<String, Node> literals = new ConcurrentHashMap<>();
        private volatile Node variableChild;

        Node() {
            this(false);
        }

        Node(boolean variable) {
            this.variable = variable;
        }

        /** The child for a segment: a lock-free read for known paths; only learning a new one locks this node. */
        Node child(String segment, EndpointInventory inventory) {
            Node literal = literals.get(segment);
            if (literal != null) {
                return literal;
            }
            Node variableNow = variableChild;
            if (variableNow != null) {
                return variableNow;
            }
            return learn(segment, inventory);
        }

        private synchronized Node learn(String segment, EndpointInventory inventory) {
            Node literal = literals.get(segment);
            if (literal != null) {
                return literal;
            }
            if (variableChild != null) {
                return variableChild;
            }
            boolean fold = obviousIdentifier(segment)
                    || literals.size() >= inventory.cardinalityThreshold
                    || inventory.nodes.get() >= inventory.maxNodes;
            if (fold) {
                variableChild = new Node(true);
                inventory.nodes.incrementAndGet();
                if (literals.size() >= inventory.cardinalityThreshold) {
                    inventory.nodes.addAndGet(-countNodes(literals));
                    literals = new ConcurrentHashMap<>(); // the position is a variable now: its values are forgotten
                }
                return variableChild;
            }
            Node created = new Node(false);
            literals.put(segment, created);
            inventory.nodes.incrementAndGet();
            return created;
        }

        private static long countNodes(Map<String, Node> nodes) {
            long count = 0;
            for (Node node : nodes.values()) {
                count += 1 + node.size();
            }
            return count;
        }

        private long size() {
            return countNodes(literals) + (variableChild == null ? 0 : 1 + variableChild.size());
        }
    }

    /**
     * One template's counts. Counted on every request by every request thread, so the counters are
     * striped ({@link LongAdder}) rather than one contended word, and a request adds to one of them only:
     * its status class's, or the one for a status outside {@code 1xx}-{@code 5xx}; the request count is
     * their sum, read when the inventory is. Times are monotonic readings kept to the millisecond, and the
     * methods seen are an array read in place, replaced only when a new method is seen.
     */
    private static final class Endpoint {
        /** How far {@code lastSeen} may lag the last request: a report of when an endpoint was last used. */
        static final long LAST_SEEN_RESOLUTION_NANOS = 1_000_000;

        /** The most methods listed for one template. */
        static final int MAX_METHODS = 16;

        private final String template;
        /** Whether it is the fold of a path no route serves, held in a place of that share. */
        final boolean unrouted;

        /**
         * Whether it keeps its place: the application answered one of its requests {@code 2xx} (not {@code 3xx}:
         * review142 F2, a login redirect answers every made-up path of an anonymous client), or a route's request
         * reached it.
         */
        volatile boolean kept;

        private final long firstSeen;
        /** The methods seen, in the order first seen; replaced, never changed in place. */
        private volatile String[] methods = new String[0];
        /** Requests by status class, {@code 1xx} to {@code 5xx}, then those of any other status. */
        private final LongAdder[] statusClasses = {
            new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()
        };

        private volatile long lastSeen;

        Endpoint(String template, long firstSeen, boolean unrouted) {
            this.template = template;
            this.unrouted = unrouted;
            this.firstSeen = firstSeen;
            this.lastSeen = firstSeen;
        }

        void record(String method, int status, long now) {
            if (!seen(methods, method)) {
                addMethod(method);
            }
            int statusClass = status / 100;
            statusClasses[statusClass >= 1 && statusClass <= 5 ? statusClass - 1 : 5].increment();
            // A plain read first: the line every request thread reads is written at most once a millisecond,
            // not by every request (a write per request moves the line between cores on each one).
            if (now - lastSeen >= LAST_SEEN_RESOLUTION_NANOS) {
                lastSeen = now;
            }
        }

        private static boolean seen(String[] methods, String method) {
            for (String known : methods) {
                if (known.equals(method)) {
                    return true;
                }
            }
            return false;
        }

        private synchronized void addMethod(String method) {
            String[] known = methods;
            if (known.length < MAX_METHODS && !seen(known, method)) {
                String[] grown = java.util.Arrays.copyOf(known, known.length + 1);
                grown[known.length] = method;
                methods = grown;
            }
        }

        long requests() {
            long requests = 0;
            for (LongAdder statusClass : statusClasses) {
                requests += statusClass.sum();
            }
            return requests;
        }

        EndpointView view(Instant baseInstant, long baseNanos) {
            Map<String, Long> classes = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 5; i++) {
                long count = statusClasses[i].sum();
                if (count > 0) {
                    classes.put((i + 1) + "xx", count);
                }
            }
            return new EndpointView(
                    template,
                    List.of(methods),
                    requests(),
                    classes,
                    baseInstant.plusNanos(firstSeen - baseNanos),
                    baseInstant.plusNanos(lastSeen - baseNanos));
        }
    }

    /**
     * One endpoint of the inventory.
     *
     * @param template the route template
     * @param methods the methods seen
     * @param requests the requests counted
     * @param statusClasses answers by status class, such as {@code 2xx}
     * @param firstSeen when it was first seen
     * @param lastSeen when it was last seen
     */
    public record EndpointView(
            String template,
            List<String> methods,
            long requests,
            Map<String, Long> statusClasses,
            Instant firstSeen,
            Instant lastSeen) {}
}
