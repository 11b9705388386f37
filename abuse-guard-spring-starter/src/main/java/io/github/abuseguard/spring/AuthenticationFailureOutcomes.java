package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.HandlerStatus;
import org.springframework.context.ApplicationListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Reports a failed authentication as the request's outcome, {@code 401}, whatever the answer's status: Spring
 * Security's form login answers a wrong password with a redirect to its login page ({@code 302 /login?error}), as it
 * answers a right one ({@code 302 /}), so no failure rule's {@code statuses} could tell them apart and credential
 * stuffing went uncounted (user70 F1: 30 of 30 wrong passwords, 40 of 40 user names from one address, none refused),
 * while each failed sign-in earned its address a history as a success. Spring Security publishes the event on the
 * request's thread, from its {@code ProviderManager}, for form login, HTTP Basic and an application's own call to
 * its {@code AuthenticationManager}. Only a request a guard asked the outcome of ({@link HandlerStatus#of}: a failure
 * rule's route) carries the report.
 */
final class AuthenticationFailureOutcomes implements ApplicationListener<AbstractAuthenticationFailureEvent> {

    /** The status a failed authentication is counted as: what HTTP Basic answers it with. */
    static final int FAILED = 401;

    @Override
    public void onApplicationEvent(AbstractAuthenticationFailureEvent event) {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HandlerStatus awaiting = HandlerStatus.of(attributes.getRequest());
            if (awaiting != null) {
                awaiting.decided(FAILED);
            }
        }
    }
}
