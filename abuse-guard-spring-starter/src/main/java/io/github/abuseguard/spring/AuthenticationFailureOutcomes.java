package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.HandlerStatus;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationListener;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.event.AbstractAuthenticationEvent;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Reports a failed authentication as the request's outcome, {@code 401}, in place of a success the answer shows:
 * Spring Security's form login answers a wrong password with a redirect to its login page ({@code 302
 * /login?error}), as it answers a right one ({@code 302 /}), so no failure rule's {@code statuses} could tell them
 * apart and credential stuffing went uncounted (user70 F1: 30 of 30 wrong passwords, 40 of 40 user names from one
 * address, none refused), while each failed sign-in earned its address a history as a success. A failure status the
 * application writes itself stays the outcome ({@link HandlerStatus#decided}), and a later successful authentication
 * of the same request withdraws the report (review121 F2: a sign-in tried as a user name, then as an address, counted
 * every right sign-in by address as a failure). Spring Security publishes these events from its {@code
 * ProviderManager} on the request's thread, for form login, HTTP Basic and an application's own call to its {@code
 * AuthenticationManager}; they are heard there even where the application multicasts events on an executor
 * (review121 F3). Only a request a guard asked the outcome of ({@link HandlerStatus#of}) carries the report.
 */
final class AuthenticationFailureOutcomes implements ApplicationListener<AbstractAuthenticationEvent> {

    /** The status a failed authentication is counted as: what HTTP Basic answers it with. */
    static final int FAILED = 401;

    /**
     * The outcome of a sign-in that failed because the server could not check the credentials (the user store is
     * down: an {@link AuthenticationServiceException}), which says nothing of the password: an unavailable server's
     * status, which no failure rule counts as a guess (review128 F5, stop 69: five retries during a database outage
     * banned the user, whose right password was then refused 429).
     */
    static final int UNAVAILABLE = 503;

    /** The status a failed sign-in's exception is counted as: {@link #UNAVAILABLE} or {@link #FAILED}. */
    static int outcomeOf(@Nullable Object exception) {
        return exception instanceof AuthenticationServiceException ? UNAVAILABLE : FAILED;
    }

    @Override
    public void onApplicationEvent(AbstractAuthenticationEvent event) {
        HandlerStatus awaiting = awaiting();
        if (awaiting == null) {
            return;
        }
        if (event instanceof AbstractAuthenticationFailureEvent failure) {
            awaiting.decided(outcomeOf(failure.getException()));
        } else {
            awaiting.undecided();
        }
    }

    /** On the publishing thread, whatever the multicaster's executor: the request is this thread's. */
    @Override
    public boolean supportsAsyncExecution() {
        return false;
    }

    private static @Nullable HandlerStatus awaiting() {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
            return null;
        }
        try {
            return HandlerStatus.of(attributes.getRequest());
        } catch (IllegalStateException requestEnded) {
            // a request context copied onto another thread after its request ended: nothing to report to
            return null;
        }
    }
}
