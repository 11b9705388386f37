package io.github.abuseguard.servlet;

import io.github.abuseguard.ClientIdentity;
import io.github.abuseguard.identity.ClientResolver;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The client of a request as the guards tell it, for code outside the filter that resolves one with the application's
 * {@link ClientResolver}: the connection's peer and its forwarded headers read from the container's own request, under
 * any wrapper a filter put on it (Spring's {@code ForwardedHeaderFilter} answers the leftmost {@code X-Forwarded-For}
 * hop, which the client writes, and hides the header), and on Jetty the connection's address, which a {@code
 * ForwardedRequestCustomizer} rewrites from any peer (probe59c F2).
 */
public final class ConnectionPeer {
    private ConnectionPeer() {}

    /** The peer's address text, as {@code getRemoteAddr()} of the container's own connection answers it. */
    public static String of(HttpServletRequest request) {
        HttpServletRequest container = ServletGuardRequest.container(request);
        return JettyPeers.peer(container);
    }

    /**
     * The client {@code resolver} tells from the container's own request: its connection's peer and, behind a trusted
     * proxy, its forwarded headers (review77 F7: the peer from the container with the headers of a wrapper that hid
     * {@code X-Forwarded-For} made every client the proxy).
     */
    public static ClientIdentity client(ClientResolver resolver, HttpServletRequest request) {
        HttpServletRequest container = ServletGuardRequest.container(request);
        return resolver.resolve(JettyPeers.peer(container), name -> values(container.getHeaders(name)));
    }

    private static List<String> values(Enumeration<String> headers) {
        return headers == null ? List.of() : Collections.list(headers);
    }
}
