package io.github.abuseguard.spring;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.FilterInvocation;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AbstractAuthenticationProcessingFilter;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The paths Spring Security's sign-in filters serve themselves, which no handler mapping lists: form login's {@code
 * POST /login} (or the processing URL an application sets) and every other {@link
 * AbstractAuthenticationProcessingFilter}'s, and the one-time-token request ({@code POST /ott/generate}). A rule
 * naming one is no misspelling (user71 F6: README's form-login rule started with an "is it misspelt?" WARN; review127
 * F5: a magic-link limit too). Asked of each filter's own matcher with a request of the path, as Spring Security's
 * privilege evaluator asks its matchers; a template's variables are given a value. Loaded only where Spring
 * Security's web classes are present.
 */
final class SignInFilterPaths {
    /** The filters whose matcher tells the requests they serve, by class name, with the matcher's field. */
    private static final Map<String, String> MATCHER_FIELDS = Map.of(
            AbstractAuthenticationProcessingFilter.class.getName(),
            "requiresAuthenticationRequestMatcher",
            "org.springframework.security.web.authentication.ott.GenerateOneTimeTokenFilter",
            "requestMatcher");

    private final List<RequestMatcher> matchers;

    /** The form logins among them: each one's matcher, and the parameters it reads the user name and password from. */
    private final List<FormLogin> formLogins;

    /** A form login's matcher (within its chain's) and the form fields it reads. */
    record FormLogin(RequestMatcher matcher, String usernameParameter, String passwordParameter) {}

    /** What each sign-in filter's own matcher says it serves, as it describes itself. */
    private final List<String> described;

    private SignInFilterPaths(List<RequestMatcher> matchers, List<FormLogin> formLogins, List<String> described) {
        this.matchers = matchers;
        this.formLogins = formLogins;
        this.described = described;
    }

    /** The sign-in filters' matchers as they describe themselves ({@code PathPattern [POST /api/login]}). */
    List<String> described() {
        return described;
    }

    /**
     * The sign-in filters' matchers of the application's chains, each with its chain's own (review128 F6, stop 69: a
     * chain for {@code /admin/**} never sees {@code POST /login}, which its form login's matcher alone would serve);
     * {@code null} when none can be asked.
     */
    static @Nullable SignInFilterPaths of(ListableBeanFactory beans) {
        List<RequestMatcher> matchers = new ArrayList<>();
        List<FormLogin> formLogins = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (SecurityFilterChain chain : chains(beans)) {
            for (Filter filter : chain.getFilters()) {
                RequestMatcher matcher = matcherOf(filter);
                if (matcher != null) {
                    RequestMatcher inChain = request -> chain.matches(request) && matcher.matches(request);
                    matchers.add(inChain);
                    described.add(matcher.toString());
                    if (filter instanceof UsernamePasswordAuthenticationFilter form) {
                        formLogins.add(
                                new FormLogin(inChain, form.getUsernameParameter(), form.getPasswordParameter()));
                    }
                }
            }
        }
        return matchers.isEmpty()
                ? null
                : new SignInFilterPaths(List.copyOf(matchers), List.copyOf(formLogins), List.copyOf(described));
    }

    private static java.util.Collection<SecurityFilterChain> chains(ListableBeanFactory beans) {
        return beans.getBeansOfType(SecurityFilterChain.class, false, false).values();
    }

    /** The filters of every {@code SecurityFilterChain} bean, in their chains' order. */
    static List<Filter> chainFilters(ListableBeanFactory beans) {
        List<Filter> filters = new ArrayList<>();
        for (SecurityFilterChain chain : chains(beans)) {
            filters.addAll(chain.getFilters());
        }
        return filters;
    }

    /** The filter's matcher, read from the field of the class that declares it; {@code null} if none or unreadable. */
    private static @Nullable RequestMatcher matcherOf(Filter filter) {
        for (Class<?> type = filter.getClass(); type != null; type = type.getSuperclass()) {
            String field = MATCHER_FIELDS.get(type.getName());
            if (field == null) {
                continue;
            }
            try {
                Field declared = type.getDeclaredField(field);
                declared.setAccessible(true);
                return declared.get(filter) instanceof RequestMatcher matcher ? matcher : null;
            } catch (NoSuchFieldException
                    | IllegalAccessException
                    | SecurityException
                    | InaccessibleObjectException unreadable) {
                return null; // a Spring Security that keeps it elsewhere: the WARN stays, as before
            }
        }
        return null;
    }

    /**
     * Where a chain with HTTP Basic answers wrong passwords that {@code counted} does not count: the first of {@code
     * paths} whose {@code GET} the first chain that takes it (in the order Spring Security asks them) is such a chain
     * and {@code counted} does not count; or, where such a chain takes none of them (a chain for {@code /actuator/**}
     * with no rule naming it, one matched by a header or an address: review158 F2) and {@code countedEverywhere} is
     * false, a description of that chain. {@code null} when there is none. A path that is a pattern is asked with its
     * variables and wildcards given a value; a matcher that needs more of a request than its path and method takes no
     * path here (review158 F4: one matched by address failed the start-up).
     */
    static @Nullable String uncountedBasicPath(
            ListableBeanFactory beans, Collection<String> paths, Predicate<String> counted, boolean countedEverywhere) {
        List<SecurityFilterChain> chains =
                beans.getBeanProvider(SecurityFilterChain.class).orderedStream().toList();
        java.util.Set<SecurityFilterChain> reached = new java.util.HashSet<>();
        for (String pattern : paths) {
            String path = concrete(pattern);
            HttpServletRequest get;
            try {
                get = new Attributed(new FilterInvocation("", path, "GET").getHttpRequest());
            } catch (RuntimeException notAPath) {
                continue;
            }
            for (SecurityFilterChain chain : chains) {
                if (takes(chain, get)) {
                    reached.add(chain);
                    if (hasBasic(chain) && !counted.test(path)) {
                        return path;
                    }
                    break;
                }
            }
        }
        if (countedEverywhere) {
            return null;
        }
        for (SecurityFilterChain chain : chains) {
            if (hasBasic(chain) && !reached.contains(chain)) {
                return "the paths of "
                        + (chain instanceof DefaultSecurityFilterChain known
                                ? known.getRequestMatcher().toString()
                                : chain.toString());
            }
        }
        return null;
    }

    private static boolean takes(SecurityFilterChain chain, HttpServletRequest request) {
        try {
            return chain.matches(request);
        } catch (RuntimeException needsMore) {
            return false; // a matcher that reads more than the path and method (an address, a header it requires)
        }
    }

    private static boolean hasBasic(SecurityFilterChain chain) {
        return chain.getFilters().stream().anyMatch(BasicAuthenticationFilter.class::isInstance);
    }

    /** A path the pattern matches: its variables and wildcards given a value. */
    private static String concrete(String pattern) {
        return pattern.replaceAll("\\{[^}/]*}", "x").replace("**", "x").replace("*", "x");
    }

    /** Whether a sign-in filter serves a {@code POST} of the path (within the servlet context). */
    boolean serves(String path) {
        for (RequestMatcher matcher : matchers) {
            if (servesPost(matcher, path)) {
                return true;
            }
        }
        return false;
    }

    /** The form login that serves a {@code POST} of the path, or {@code null}. */
    @Nullable
    FormLogin formLoginServing(String path) {
        for (FormLogin form : formLogins) {
            if (servesPost(form.matcher(), path)) {
                return form;
            }
        }
        return null;
    }

    private static boolean servesPost(RequestMatcher matcher, String path) {
        if (path.indexOf('*') >= 0) {
            return false; // a pattern: no one request stands for it
        }
        // a template's variables, {id} and {*rest}, given a value: the filter serves the route if it serves that
        String concrete = path.replaceAll("\\{[^}/]*}", "x");
        try {
            FilterInvocation post = new FilterInvocation("", concrete, "POST");
            return matcher.matches(new Attributed(post.getHttpRequest()));
        } catch (UnsupportedOperationException needsMore) {
            return false; // a matcher that needs more of a request than its path and method: not known to serve it
        }
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
