package io.github.abuseguard.spring;

import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.security.web.FilterInvocation;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AbstractAuthenticationProcessingFilter;

/**
 * The paths Spring Security's sign-in filters serve themselves ({@link AbstractAuthenticationProcessingFilter}: form
 * login's {@code POST /login}, or the processing URL an application sets), which no handler mapping lists: a rule
 * naming one is no misspelling (user71 F6: README's form-login rule started with an "is it misspelt?" WARN). Asked of
 * each filter's own matcher with a request of the path, as Spring Security's privilege evaluator asks its matchers.
 * Loaded only where Spring Security's web classes are present.
 */
final class SignInFilterPaths {
    private final List<AbstractAuthenticationProcessingFilter> filters;
    private final Method requiresAuthentication;

    private SignInFilterPaths(List<AbstractAuthenticationProcessingFilter> filters, Method requiresAuthentication) {
        this.filters = filters;
        this.requiresAuthentication = requiresAuthentication;
    }

    /** The sign-in filters of the application's chains; {@code null} when there are none or they cannot be asked. */
    static @org.jspecify.annotations.Nullable SignInFilterPaths of(ListableBeanFactory beans) {
        List<AbstractAuthenticationProcessingFilter> filters = new ArrayList<>();
        for (SecurityFilterChain chain :
                beans.getBeansOfType(SecurityFilterChain.class, false, false).values()) {
            for (jakarta.servlet.Filter filter : chain.getFilters()) {
                if (filter instanceof AbstractAuthenticationProcessingFilter signIn) {
                    filters.add(signIn);
                }
            }
        }
        if (filters.isEmpty()) {
            return null;
        }
        try {
            Method method = AbstractAuthenticationProcessingFilter.class.getDeclaredMethod(
                    "requiresAuthentication",
                    jakarta.servlet.http.HttpServletRequest.class,
                    jakarta.servlet.http.HttpServletResponse.class);
            method.setAccessible(true);
            return new SignInFilterPaths(List.copyOf(filters), method);
        } catch (NoSuchMethodException | SecurityException | InaccessibleObjectException unaskable) {
            return null; // a Spring Security without it: the WARN stays, as before
        }
    }

    /** Whether a sign-in filter serves a {@code POST} of the path (within the servlet context). */
    boolean serves(String path) {
        if (path.indexOf('{') >= 0 || path.indexOf('*') >= 0) {
            return false; // a template or pattern: no one request stands for it
        }
        for (AbstractAuthenticationProcessingFilter filter : filters) {
            try {
                FilterInvocation post = new FilterInvocation("", path, "POST");
                if (Boolean.TRUE.equals(
                        requiresAuthentication.invoke(filter, new Attributed(post.getHttpRequest()), null))) {
                    return true;
                }
            } catch (IllegalAccessException | InvocationTargetException notAnswered) {
                // a matcher that needs more of a request than the path (a header, a parameter): not known to serve it
            }
        }
        return false;
    }

    /** The invocation's request with attributes of its own, which a path matcher caches its parsed path in. */
    private static final class Attributed extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final java.util.Map<String, Object> attributes = new java.util.HashMap<>();

        Attributed(jakarta.servlet.http.HttpServletRequest request) {
            super(request);
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(name);
        }

        @Override
        public java.util.Enumeration<String> getAttributeNames() {
            return java.util.Collections.enumeration(attributes.keySet());
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            attributes.remove(name);
        }

        @Override
        public jakarta.servlet.DispatcherType getDispatcherType() {
            return jakarta.servlet.DispatcherType.REQUEST;
        }
    }
}
