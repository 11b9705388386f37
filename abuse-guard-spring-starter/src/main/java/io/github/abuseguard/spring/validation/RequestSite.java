package io.github.abuseguard.spring.validation;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.Guard;
import io.github.abuseguard.Mode;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.servlet.AbuseGuardFilter;
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

    /**
     * Whether a rule of {@code guard} refused the servlet request the current thread serves while only monitored: the
     * filter's evaluation of it holds the rule's would-deny ({@link AbuseGuardFilter#EVALUATION_ATTRIBUTE}), and the
     * engine runs that rule in monitor mode now.
     */
    static boolean judgedByMonitoredRule(AbuseGuard engine, Guard guard) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (!(attributes instanceof ServletRequestAttributes servlet)
                || !(servlet.getRequest().getAttribute(AbuseGuardFilter.EVALUATION_ATTRIBUTE)
                        instanceof Evaluation evaluation)) {
            return false;
        }
        for (Decision signal : evaluation.signals()) {
            if (signal.isDeny()
                    && guard.name().equals(signal.guard())
                    && engine.modeOf(guard, signal.rule()) == Mode.MONITOR) {
                return true;
            }
        }
        return false;
    }
}
