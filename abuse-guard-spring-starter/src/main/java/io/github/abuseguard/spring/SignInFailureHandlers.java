package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.HandlerStatus;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AbstractAuthenticationProcessingFilter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.session.SessionAuthenticationException;

/**
 * Tells a failed sign-in by the failure handler of each Spring Security sign-in filter ({@link
 * AbstractAuthenticationProcessingFilter}: form login, an application's own JSON sign-in filter), which is called for
 * this very request and no other: reported outright as {@code 401} ({@link HandlerStatus#decided}) before the
 * application's handler answers. No event needs publishing (a manager set on the chain itself publishes none, an
 * exception of the application's own maps to none: probe71b F1, F3) and no exception needs keeping (a failure handler
 * of the application's own, a lambda redirecting to {@code /login?error}, keeps none: review125 F4, every wrong
 * password a {@code 302} counted as a success). A sign-in refused for too many sessions is no failed password and is
 * not reported.
 *
 * <p>Each such filter in a {@code SecurityFilterChain} bean, or a bean of its own, has its failure handler wrapped
 * once, at start-up. The handler is read through the filter's protected accessor; where that cannot be read (a
 * Spring Security that no longer has it) the filter is left as it is, with a WARN, and the failure events and the
 * forwarded exception ({@link AuthenticationFailureOutcomes}, {@link SignInFailureAttributes}) still count.
 */
final class SignInFailureHandlers implements BeanPostProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(SignInFailureHandlers.class);

    private final @Nullable Method failureHandler = failureHandlerAccessor();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof SecurityFilterChain chain) {
            for (Filter filter : chain.getFilters()) {
                counting(filter, beanName);
            }
        } else if (bean instanceof Filter filter) {
            counting(filter, beanName);
        }
        return bean;
    }

    private void counting(Filter filter, String beanName) {
        if (!(filter instanceof AbstractAuthenticationProcessingFilter signIn)) {
            return;
        }
        if (failureHandler == null) {
            LOG.warn(
                    "abuse-guard cannot read the failure handler of sign-in filter {} (bean '{}'): a failed sign-in"
                            + " is counted only where Spring Security publishes a failure event or its failure"
                            + " handler keeps the exception",
                    filter.getClass().getName(),
                    beanName);
            return;
        }
        AuthenticationFailureHandler handler;
        try {
            handler = (AuthenticationFailureHandler) failureHandler.invoke(signIn);
        } catch (IllegalAccessException | InvocationTargetException unreadable) {
            LOG.warn(
                    "abuse-guard cannot read the failure handler of sign-in filter {} (bean '{}'): {}",
                    filter.getClass().getName(),
                    beanName,
                    unreadable.toString());
            return;
        }
        if (handler != null && !(handler instanceof Counting)) {
            signIn.setAuthenticationFailureHandler(new Counting(handler));
        }
    }

    private static @Nullable Method failureHandlerAccessor() {
        try {
            Method method = AbstractAuthenticationProcessingFilter.class.getDeclaredMethod("getFailureHandler");
            method.setAccessible(true);
            return method;
        } catch (NoSuchMethodException | SecurityException | InaccessibleObjectException inaccessible) {
            // a Spring Security without the accessor, or a module system that refuses it: the filters stay as
            // they are, and postProcessAfterInitialization says so for each
            return null;
        }
    }

    /** A sign-in filter's failure handler that reports the failure to the guards first. */
    static final class Counting implements AuthenticationFailureHandler {
        private final AuthenticationFailureHandler delegate;

        Counting(AuthenticationFailureHandler delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onAuthenticationFailure(
                HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
                throws IOException, ServletException {
            if (!(exception instanceof SessionAuthenticationException)) {
                HandlerStatus awaiting = HandlerStatus.of(request);
                if (awaiting != null) {
                    awaiting.decided(AuthenticationFailureOutcomes.outcomeOf(exception));
                }
            }
            delegate.onAuthenticationFailure(request, response, exception);
        }
    }
}
