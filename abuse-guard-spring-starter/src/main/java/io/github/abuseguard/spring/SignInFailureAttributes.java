package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.HandlerStatus;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.authentication.session.SessionAuthenticationException;

/**
 * Tells a failed sign-in by what Spring Security's failure handler leaves behind: the exception it keeps for the login
 * page ({@link WebAttributes#AUTHENTICATION_EXCEPTION}, in the session, or in the request when it forwards), which
 * every one of its standard failure handlers sets before it redirects. A new one after the request passed Spring
 * Security's chain is a failure, reported outright as {@code 401} ({@link HandlerStatus#decidedBy}), whether or not an
 * event told it ({@link AuthenticationFailureOutcomes}): a manager set on the chain itself publishes no event, and an
 * exception of the application's own maps to none (probe71b F1, F3: 30 of 30 wrong passwords at one account went
 * through, each a {@code 302} counted as a success). A successful sign-in removes the kept exception. Runs between the
 * abuse-guard filter and Spring Security's chain, and only on a request a guard asked the outcome of (a failure
 * rule's route): elsewhere it costs one attribute look-up.
 */
final class SignInFailureAttributes implements Filter {

    /** The status a failed sign-in is counted as, as {@link AuthenticationFailureOutcomes} counts it. */
    static final int FAILED = AuthenticationFailureOutcomes.FAILED;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HandlerStatus awaiting = HandlerStatus.of(request);
        if (awaiting != null && request instanceof HttpServletRequest http) {
            Object forwarded = forwarded(http);
            Object kept = kept(http);
            awaiting.decidedBy(written -> {
                // forwarded to the login page: the exception is this request's own
                Object now = forwarded(http);
                if (now != null && now != forwarded) {
                    return failure(now);
                }
                // kept in the session, which another request of it may have set meanwhile: only a redirect, as
                // the failure handler answers, is told by it (review123 F6: an upload answered 200 while a
                // password was mistyped in another tab was counted as a failed sign-in)
                now = written >= 300 && written < 400 ? kept(http) : null;
                return now != null && now != kept ? failure(now) : 0;
            });
        }
        chain.doFilter(request, response);
    }

    /** {@link #FAILED} for a failed sign-in's exception; 0 for a session's own refusal (too many sessions). */
    private static int failure(Object exception) {
        return exception instanceof SessionAuthenticationException ? 0 : FAILED;
    }

    /** The exception a failure handler forwarding to the login page put on the request, or {@code null}. */
    private static @Nullable Object forwarded(HttpServletRequest request) {
        try {
            return request.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        } catch (IllegalStateException ended) {
            return null; // the request over: nothing to read
        }
    }

    /** The exception kept in the session for the login page now, or {@code null}. */
    private static @Nullable Object kept(HttpServletRequest request) {
        try {
            HttpSession session = request.getSession(false);
            return session == null ? null : session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        } catch (IllegalStateException ended) {
            return null; // the session invalidated, or the request over: nothing kept to read
        }
    }
}
