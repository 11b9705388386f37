package io.github.abuseguard.spring.validation;

import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.servlet.ConnectionPeer;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
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
        HttpServletRequest request = servlet.getRequest();
        String peer = ConnectionPeer.of(request); // as the filter reads it, under a forwarding filter's wrapper
        if (peer == null) {
            return null;
        }
        return IpAddresses.site(
                clients.resolve(peer, name -> values(request.getHeaders(name))).key());
    }

    private static List<String> values(@Nullable Enumeration<String> headers) {
        return headers == null ? List.of() : Collections.list(headers);
    }
}
