package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.HandlerStatus;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.authentication.session.SessionAuthenticationException;

/**
 * Tells a failed sign-in by the exception a Spring Security failure handler that forwards to the login page puts on
 * the request ({@link WebAttributes#AUTHENTICATION_EXCEPTION}): a new one after the request passed Spring Security's
 * chain is a failure, reported outright as {@code 401} ({@link HandlerStatus#decidedBy}), whether or not an event told
 * it ({@link AuthenticationFailureOutcomes}). A failure handler that redirects is heard by its sign-in filter ({@link
 * SignInFailureHandlers}); the exception it keeps in the session is not read, as another tab of the session may have
 * put it there meanwhile (review125 F5: a password mistyped in one tab counted a redirect of another as a failure).
 * Runs between the abuse-guard filter and Spring Security's chain, and only on a request a guard asked the outcome of
 * (a failure rule's route): elsewhere it costs one attribute look-up.
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
            awaiting.decidedBy(written -> {
                // forwarded to the login page: the exception is this request's own
                Object now = forwarded(http);
                return now != null && now != forwarded ? failure(now) : 0;
            });
        }
        chain.doFilter(request, response);
    }

    /**
     * {@link #FAILED} for a failed sign-in's exception, {@link AuthenticationFailureOutcomes#UNAVAILABLE} for one the
     * server could not check; 0 for a session's own refusal (too many sessions).
     */
    private static int failure(Object exception) {
        return exception instanceof SessionAuthenticationException
                ? 0
                : AuthenticationFailureOutcomes.outcomeOf(exception);
    }

    /** The exception a failure handler forwarding to the login page put on the request, or {@code null}. */
    private static @Nullable Object forwarded(HttpServletRequest request) {
        try {
            return request.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        } catch (IllegalStateException ended) {
            return null; // the request over: nothing to read
        }
    }
}
