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
            Object kept = kept(http);
            awaiting.decidedBy(() -> {
                Object now = kept(http);
                return now != null && now != kept && !(now instanceof SessionAuthenticationException) ? FAILED : 0;
            });
        }
        chain.doFilter(request, response);
    }

    /** The exception kept for the login page now: the request's (a forward), else the session's. */
    private static @Nullable Object kept(HttpServletRequest request) {
        try {
            Object forwarded = request.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
            if (forwarded != null) {
                return forwarded;
            }
            HttpSession session = request.getSession(false);
            return session == null ? null : session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        } catch (IllegalStateException ended) {
            return null; // the session invalidated, or the request over: nothing kept to read
        }
    }
}
