package io.github.abuseguard.servlet;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The address a request's connection came from, as the guards read it, for code outside the filter that resolves a
 * client the same way (with the application's {@code ClientResolver}): the container's own request under any
 * wrapper a filter put on it (Spring's {@code ForwardedHeaderFilter} answers the leftmost {@code X-Forwarded-For}
 * hop, which the client writes), and on Jetty its connection's address, which a {@code ForwardedRequestCustomizer}
 * rewrites from any peer (probe59c F2).
 */
public final class ConnectionPeer {
    private ConnectionPeer() {}

    /** The peer's address text, as {@code getRemoteAddr()} of the container's own connection answers it. */
    public static String of(HttpServletRequest request) {
        HttpServletRequest container = ServletGuardRequest.container(request);
        return JettyPeers.peer(container, container.getRemoteAddr());
    }
}
