package io.github.abuseguard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A framework-neutral, read-only view of one HTTP request, as the guards see it. The servlet module
 * adapts a servlet request to it; tests and other adapters use {@link #builder(String, String)}.
 *
 * <p>Header names are case-insensitive. The body is read only when a guard asks for it, and then
 * only up to the configured cap; the application still receives every byte of it.
 */
public interface GuardRequest {

    /** The method in upper case, such as {@code POST}. */
    String method();

    /** The decoded path within the application, without context path or query, such as {@code /api/login/42}. */
    String path();

    /**
     * The route template the path belongs to, such as {@code /api/login/{id}}, when the framework or
     * the configured routes know it; {@code null} otherwise. Metrics use it instead of the raw path.
     */
    @Nullable
    String route();

    /**
     * The request's own origin as the server sees it, {@code scheme://host[:port]} with the default port
     * left out, such as {@code https://shop.example}: what a same-origin browser request's
     * {@code Origin} header equals.
     */
    String targetOrigin();

    /**
     * Whether {@code url} is a page of the request's own origin: it begins with {@link #targetOrigin()}, followed by
     * its end, a path, a query or a fragment. A container's request compares it in place: a browser's every
     * same-origin read names the site's own page in {@code Referer}.
     */
    default boolean isTargetOriginPage(String url) {
        String origin = targetOrigin();
        int end = origin.length();
        return url.startsWith(origin) && (url.length() == end || "/?#".indexOf(url.charAt(end)) >= 0);
    }

    /** The first value of a header, or {@code null}. */
    @Nullable
    String header(String name);

    /** Every value of a header, in order, across repeated header lines; empty when absent. */
    List<String> headers(String name);

    /**
     * The names of the request's headers, each once, as the client spelt them (an adapter may give them in
     * another case): what a guard reads when the application binds headers by a name of its own making
     * (Spring's model attribute binding drops a header name's dashes: {@link RequestBody#headerBinds}).
     */
    List<String> headerNames();

    /** The first value of a query parameter, or {@code null}. */
    @Nullable
    String queryParameter(String name);

    /**
     * Every value of a query parameter, in order; empty when absent. A binder that joins repeated
     * parameters, or takes the last, sees one of these, so a guard judging a parameter judges them all.
     */
    default List<String> queryParameters(String name) {
        String value = queryParameter(name);
        return value == null ? List.of() : List.of(value);
    }

    /**
     * Every value of a request parameter as the application's {@code getParameterValues(name)} and Spring's
     * {@code @RequestParam} bind it: the query string's values, and a form body's or a multipart body's
     * text parts' values of the same name, whatever the method (Spring's {@code FormContentFilter} binds the
     * form body of a PUT, PATCH or DELETE too), each under the name itself and each {@linkplain
     * RequestBody#formSpellings spelling} Spring's data binding reads it by. A body of any other type is
     * not read. A form or multipart body that cannot be read (larger than {@code abuse-guard.body.max-bytes},
     * malformed, an unsupported charset) makes the field {@linkplain BodyField#isUnreadable() unreadable},
     * and a guard must refuse it as it refuses an unreadable body field. This is what {@code query:NAME}
     * fields and keys read.
     *
     * <p>The default reads the query string ({@link #queryParameters}) and a URL-encoded body ({@link
     * RequestBody#parameter}); an adapter that can ask its container for multipart parts overrides it.
     *
     * @param name the parameter's name, compared exactly (containers compare parameter names with case)
     */
    default BodyField parameterField(String name) {
        BodyField inBody = body().parameter(name);
        if (inBody.isUnreadable()) {
            return inBody;
        }
        BodyField field = BodyField.absent();
        for (String spelling : RequestBody.formSpellings(name)) {
            field = field.with(queryParameters(spelling));
        }
        return field.with(inBody.values());
    }

    /**
     * The values the path gives a field of this name: the request's route's URI template variables named
     * like it ({@code {email}} of {@code /users/{email}}, which {@code @PathVariable} takes and a model
     * attribute binds when the form has no such field), under any of its {@linkplain RequestBody#formSpellings
     * spellings}. A guard that refuses a field for any value it holds (the e-mail guard) judges them too; a key
     * does not read them, since a handler binds a path variable apart from the body ({@code PUT
     * /users/{username}} renaming the user is no ambiguous user name). The default knows no routes: empty.
     *
     * @param name a field's name, {@code email} or {@code user.email}
     */
    default List<String> pathVariables(String name) {
        return List.of();
    }

    /** The client as resolved from the peer address and, only behind trusted proxies, forwarded headers. */
    ClientIdentity client();

    /**
     * The session id the client presented, or {@code null}: only an id the container knows as a live
     * session (the servlet adapter asks {@code isRequestedSessionIdValid()}), so that a made-up id is no
     * session of its own. It is still the client's to present: do not rely on it alone.
     */
    @Nullable
    String sessionId();

    /**
     * The session the application gave the client during the exchange, when it is not the one the client
     * presented ({@link #sessionId()}): one it created (a log-in, a sign-up) or whose id it changed (session
     * fixation protection); {@code null} otherwise, and before the application answered. The servlet adapter
     * asks the container for the request's session without creating one. The default knows none.
     */
    default @Nullable String sessionIdGiven() {
        return null;
    }

    /** The authenticated principal's name, or {@code null}. */
    @Nullable
    String principal();

    /** The body, read on first call up to the configured cap; {@link RequestBody#empty()} when there is none. */
    RequestBody body();

    /** What {@link #heldSlots()} answers for a request that keeps no per-request state. */
    long UNTRACKED = -1;

    /**
     * Which in-flight slots the request holds now, a bit per rule of the guard that took them (the
     * failure guard), so that each is given back exactly once, whether the request is refused or its
     * outcome is heard. Adapters keep it in a field for the request's lifetime, starting at 0; the
     * default keeps nothing and answers {@link #UNTRACKED}, and the failure guard then takes no in-flight
     * slot for the request (it counts its failures after the exchange, but does not bound how many such
     * requests are in flight at once), so it never gives back a slot another request holds.
     */
    default long heldSlots() {
        return UNTRACKED;
    }

    /** Records which in-flight slots the request holds; see {@link #heldSlots()}. The default keeps nothing. */
    default void heldSlots(long slots) {}

    /**
     * Which route-wide in-flight places the request holds, a bit per rule of the failure guard whose route it was let
     * on while its client had no history (the route's under-attack watch counts such requests until their outcomes are
     * heard; see the failure guard). Kept as {@link #heldSlots()} is; the default keeps nothing and answers {@link
     * #UNTRACKED}, and then no place is taken.
     */
    default long heldRoutePlaces() {
        return UNTRACKED;
    }

    /** Records which route-wide places the request holds; see {@link #heldRoutePlaces()}. */
    default void heldRoutePlaces(long places) {}

    /**
     * Whether the client's history was settled before the application answered
     * ({@link AbuseGuard#awaitsHistory}): the guards that keep a history then leave it alone when they
     * observe the outcome, because the adapter reports a success to {@link AbuseGuard#earnHistory} no later
     * than it commits the response. Adapters keep it in a field, starting {@code false}; the default keeps
     * nothing and answers {@code false}, and the history is then written when the outcome is observed.
     */
    default boolean historySettled() {
        return false;
    }

    /** Records that the history was settled; see {@link #historySettled()}. The default keeps nothing. */
    default void historySettled(boolean settled) {}

    /**
     * The guards (a bit per guard, as the engine numbers them) that heard the request's outcome before its response
     * was committed ({@link AbuseGuard#observeBeforeCommit}), which {@link AbuseGuard#complete} leaves out. Adapters
     * keep it in a field, starting 0; the default keeps nothing and answers 0.
     */
    default long observedBeforeCommit() {
        return 0;
    }

    /** Records the guards that heard the outcome early; see {@link #observedBeforeCommit()}. The default keeps nothing. */
    default void observedBeforeCommit(long guards) {}

    /**
     * Whether a guard that checked this request needs to hear, as its outcome, the status the application's
     * handler meant rather than one a framework wrote after the handler had returned: Spring MVC answers
     * {@code 406} when it cannot write a handler's return value in a type the client's {@code Accept} names,
     * after the handler ran (the sequence guard's once-only step, a login that succeeded). An adapter that
     * can learn that status (the servlet filter, with the Spring starter) learns it only for a request a
     * guard asked it for, so other requests cost nothing. Adapters keep it in a field, starting {@code
     * false}; the default keeps nothing and answers {@code false}.
     */
    default boolean handlerStatusWanted() {
        return false;
    }

    /** Asks for the handler's status; see {@link #handlerStatusWanted()}. The default keeps nothing. */
    default void handlerStatusWanted(boolean wanted) {}

    /**
     * The pending entry the sequence guard appended to reserve this request's step ({@code
     * io.github.abuseguard.store.Trails#reservation}), or {@code null}: the step's settlement names it, so that a store
     * replaying a settlement its backend may have run already settles this request's step and no other (review132 F4,
     * F5). Adapters keep it in a field, starting {@code null}; the default keeps nothing and answers {@code null}.
     */
    default @Nullable String reservedStep() {
        return null;
    }

    /** Records the request's reserved step; see {@link #reservedStep()}. The default keeps nothing. */
    default void reservedStep(String entry) {}

    /**
     * The route a request of {@code method} with this request's path would have: a CORS preflight's rules are
     * those of the method it asks for (review46b F9). The default answers {@link #route()}.
     */
    default @Nullable String routeFor(String method) {
        return route();
    }

    /**
     * Whether, once the exchange is over, the framework is known to have answered the request without running
     * any handler of the application for it: no handler took its path, method or content type (Spring MVC's
     * {@code 404}, {@code 405}, {@code 415}), so no value it named was used. Asked only after the exchange, for a
     * request a guard asked the handler's status for ({@link #handlerStatusWanted()}). The default, for an adapter
     * that cannot tell, answers {@code false}.
     */
    default boolean unhandled() {
        return false;
    }

    /**
     * As {@link #unhandled()}, told the status the request was answered with, by which an adapter may know more: a
     * {@code 403} that a filter after the guards answered (a CSRF or authorization refusal) used none of the values
     * the request named either, where its {@code 401} checked a password. The default asks {@link #unhandled()}.
     */
    default boolean unhandled(int status) {
        return unhandled();
    }

    /**
     * A field of the body as the application's data binding will read it: a JSON value by pointer, or a
     * form field by name ({@code /email} is the field {@code email}), with every value it has. For a
     * form, an adapter includes the query string's values of the same name, because the container
     * serves both as one parameter. A guard must treat {@link BodyField#isUnreadable()} as a reason to
     * refuse, not as an absent field.
     *
     * @param pointer a JSON Pointer such as {@code /user/email}
     * @throws IllegalArgumentException if the pointer is malformed
     */
    default BodyField bodyField(String pointer) {
        return body().field(pointer);
    }

    /**
     * Whether the site names the proxies it trusts ({@code abuse-guard.client.trusted-proxies}) and this request's
     * connection peer was judged against them: then only a request one of them forwarded ({@link
     * ClientIdentity#viaTrustedProxy()}) went through the site's own proxy, and a forwarding header ({@code
     * X-Forwarded-*}, {@code Forwarded}) from another peer is no sign of one (review86 F1: a clone relayed through
     * Caddy, Apache or a CDN, which add such headers by default, passed the proxied-request check). {@code false} by
     * default, and where the container took the client's address from forwarding headers itself (Tomcat's {@code
     * RemoteIpValve}, Spring Boot's {@code native} strategy), which hides the peer.
     */
    default boolean proxiesNamed() {
        return false;
    }

    /**
     * Starts a request built from plain values, for tests and non-servlet adapters.
     *
     * @param method the HTTP method
     * @param path the decoded path
     */
    static Builder builder(String method, String path) {
        return new Builder(method, path);
    }

    /** Builds a {@link GuardRequest} from plain values. Obtain one with {@link GuardRequest#builder(String, String)}. */
    final class Builder {
        private final String method;
        private final String path;
        private @Nullable String route;
        private String targetOrigin = "http://localhost";
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private final Map<String, String> query = new LinkedHashMap<>();
        private ClientIdentity client = ClientIdentity.of("127.0.0.1");
        private boolean proxiesNamed;
        private @Nullable String sessionId;
        private @Nullable String principal;
        private RequestBody body = RequestBody.empty();

        private Builder(String method, String path) {
            this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            this.path = Objects.requireNonNull(path, "path");
        }

        /** The route template; none by default. */
        public Builder route(String route) {
            this.route = route;
            return this;
        }

        /** The request's own origin; {@code http://localhost} by default. */
        public Builder targetOrigin(String targetOrigin) {
            this.targetOrigin = Objects.requireNonNull(targetOrigin, "targetOrigin");
            return this;
        }

        /** Adds one value of a header; repeated calls add further lines. */
        public Builder header(String name, String value) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(value);
            return this;
        }

        /** Sets a query parameter. */
        public Builder queryParameter(String name, String value) {
            query.put(name, value);
            return this;
        }

        /** Whether the site names its trusted proxies ({@link GuardRequest#proxiesNamed()}); {@code false} by default. */
        public Builder proxiesNamed(boolean proxiesNamed) {
            this.proxiesNamed = proxiesNamed;
            return this;
        }

        /** The client; {@code 127.0.0.1} by default. */
        public Builder client(ClientIdentity client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The client by address, keyed by that address. */
        public Builder client(String address) {
            return client(ClientIdentity.of(address));
        }

        public Builder sessionId(String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        public Builder principal(String principal) {
            this.principal = principal;
            return this;
        }

        /** A complete body of the given content type. */
        public Builder body(String contentType, String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            this.body = RequestBody.whole(bytes, bytes.length, contentType, method);
            header("Content-Type", contentType);
            return this;
        }

        /**
         * The request, immutable but for the per-request state adapters keep ({@link #heldSlots()}, {@link
         * #historySettled()}, {@link #handlerStatusWanted()}, {@link #reservedStep()}).
         */
        public GuardRequest build() {
            // Case-insensitive by its order, so a look-up lower-cases no name.
            Map<String, List<String>> headerCopy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.forEach((name, values) -> headerCopy.put(name, List.copyOf(values)));
            return new PlainGuardRequest(
                    method,
                    path,
                    route,
                    targetOrigin,
                    Collections.unmodifiableMap(headerCopy),
                    Map.copyOf(query),
                    client,
                    sessionId,
                    principal,
                    body,
                    proxiesNamed,
                    new long[4],
                    new String[1]);
        }

        private record PlainGuardRequest(
                String method,
                String path,
                @Nullable String route,
                String targetOrigin,
                Map<String, List<String>> headerMap,
                Map<String, String> query,
                ClientIdentity client,
                @Nullable String sessionId,
                @Nullable String principal,
                RequestBody body,
                boolean proxiesNamed,
                long[] slots, // the held slots, and the flags below
                @Nullable String[] reserved) // the reserved step
                implements GuardRequest {
            private static final long HISTORY_SETTLED = 1;
            private static final long HANDLER_STATUS_WANTED = 2;

            @Override
            public @Nullable String reservedStep() {
                return reserved[0];
            }

            @Override
            public void reservedStep(String entry) {
                reserved[0] = entry;
            }

            @Override
            public long heldSlots() {
                return slots[0];
            }

            @Override
            public void heldSlots(long held) {
                slots[0] = held;
            }

            @Override
            public long heldRoutePlaces() {
                return slots[2];
            }

            @Override
            public long observedBeforeCommit() {
                return slots[3];
            }

            @Override
            public void observedBeforeCommit(long guards) {
                slots[3] = guards;
            }

            @Override
            public void heldRoutePlaces(long places) {
                slots[2] = places;
            }

            @Override
            public boolean historySettled() {
                return (slots[1] & HISTORY_SETTLED) != 0;
            }

            @Override
            public void historySettled(boolean settled) {
                slots[1] = settled ? slots[1] | HISTORY_SETTLED : slots[1] & ~HISTORY_SETTLED;
            }

            @Override
            public boolean handlerStatusWanted() {
                return (slots[1] & HANDLER_STATUS_WANTED) != 0;
            }

            @Override
            public void handlerStatusWanted(boolean wanted) {
                slots[1] = wanted ? slots[1] | HANDLER_STATUS_WANTED : slots[1] & ~HANDLER_STATUS_WANTED;
            }

            @Override
            public @Nullable String header(String name) {
                List<String> values = headers(name);
                return values.isEmpty() ? null : values.get(0);
            }

            @Override
            public List<String> headers(String name) {
                return headerMap.getOrDefault(name, List.of());
            }

            @Override
            public List<String> headerNames() {
                return List.copyOf(headerMap.keySet());
            }

            @Override
            public @Nullable String queryParameter(String name) {
                return query.get(name);
            }
        }
    }
}
