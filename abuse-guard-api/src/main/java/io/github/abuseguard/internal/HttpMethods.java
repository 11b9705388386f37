package io.github.abuseguard.internal;

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

    private HttpMethods() {}

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
