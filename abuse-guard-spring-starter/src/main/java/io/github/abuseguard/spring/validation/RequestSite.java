package io.github.abuseguard.spring.validation;

import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.servlet.ConnectionPeer;
import org.jspecify.annotations.Nullable;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The client site (an IPv4 address, an IPv6 /48) of the servlet request the current thread serves, told by the
 * application's {@link ClientResolver} as the guards tell it; {@code null} outside a servlet request or without
 * Spring Web. Loaded only when Spring Web is present ({@link
 * NotDisposableEmailValidator}).
 */
final class RequestSite {
    private RequestSite() {}

    static @Nullable String of(ClientResolver clients) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (!(attributes instanceof ServletRequestAttributes servlet)) {
            return null;
        }
        // the filter's reading: the container's peer and headers, under a forwarding filter's wrapper (review77 F7)
        return IpAddresses.site(
                ConnectionPeer.client(clients, servlet.getRequest()).key());
    }
}
