package io.github.abuseguard.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The HTTP methods a rule may name: those of the IANA HTTP Method Registry (RFC 9110's nine, PATCH,
 * QUERY and the WebDAV family), so that a typo such as {@code GTE} or {@code FOO} fails at start-up
 * instead of making a rule that never matches.
 */
public final class HttpMethods {

    /**
     * The IANA HTTP Method Registry, without {@code PRI} (the HTTP/2 connection preface, never a request
     * an application sees) and {@code *}.
     */
    private static final Set<String> REGISTERED = Set.of(
            "GET",
            "HEAD",
            "POST",
            "PUT",
            "DELETE",
            "CONNECT",
            "OPTIONS",
            "TRACE",
            "PATCH",
            "QUERY",
            "ACL",
            "BASELINE-CONTROL",
            "BIND",
            "CHECKIN",
            "CHECKOUT",
            "COPY",
            "LABEL",
            "LINK",
            "LOCK",
            "MERGE",
            "MKACTIVITY",
            "MKCALENDAR",
            "MKCOL",
            "MKREDIRECTREF",
            "MKWORKSPACE",
            "MOVE",
            "ORDERPATCH",
            "PROPFIND",
            "PROPPATCH",
            "REBIND",
            "REPORT",
            "SEARCH",
            "UNBIND",
            "UNCHECKIN",
            "UNLINK",
            "UNLOCK",
            "UPDATE",
            "UPDATEREDIRECTREF",
            "VERSION-CONTROL");

    /** What {@link #recorded} keeps of a method token that is not registered. */
    public static final String OTHER = "OTHER";

    /** The longest registered method, {@code UPDATEREDIRECTREF}. */
    private static final int LONGEST = 17;

    private HttpMethods() {}

    /**
     * Every method a request to a handler mapped without a method can carry as the guards record it: every
     * registered one but {@code OPTIONS} (which Spring MVC answers itself), and {@link #OTHER} for a made-up
     * token, which the container passes on too (probe45a F5: {@code QUERY}, {@code PURGE}, {@code FOO} skipped a
     * {@code @RequiresPrior} written for five methods). Sorted.
     */
    public static List<String> routedToAHandlerOfEveryMethod() {
        List<String> methods = new ArrayList<>(REGISTERED);
        methods.remove("OPTIONS");
        methods.add(OTHER);
        methods.sort(null);
        return List.copyOf(methods);
    }

    /**
     * The method as state that outlives the request keeps it (the endpoint inventory, a session's trail, a
     * failure rule's account pairs): the token itself when it is a registered method, else {@link #OTHER}.
     * A request line's method is any token the container accepts, up to its header size (8 KB by default),
     * so kept as sent it would let a client's made-up methods fill memory and trails. Allocates nothing.
     */
    public static String recorded(String method) {
        return method.length() <= LONGEST && REGISTERED.contains(method) ? method : OTHER;
    }

    /**
     * The method {@code text} names, in upper case: surrounding white space is dropped and {@code get}
     * is {@code GET}, since a configuration that writes it in lower case means the method.
     *
     * @throws IllegalArgumentException if it is not a registered HTTP method
     */
    public static String canonical(String text) {
        String method = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        if (!REGISTERED.contains(method)) {
            throw new IllegalArgumentException("'" + text + "' is not an HTTP method; use GET, HEAD, POST, PUT,"
                    + " PATCH, DELETE, OPTIONS, TRACE, CONNECT, QUERY or a WebDAV method of the IANA registry");
        }
        return method;
    }
}
