package io.github.abuseguard.spring;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * The main context's abuse-guard filter as the management server sees it: every request is passed to that
 * filter, but its life is the main server's. The management server starts after the main one (the filter is
 * initialised already) and stops before it, so its {@code destroy()} would stop the tarpit, or close an engine
 * the filter owns, while the main port still serves requests; neither {@code init} nor {@code destroy} is
 * passed on.
 */
final class ManagementPortFilter implements Filter {

    private final Filter filter;

    ManagementPortFilter(Filter filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
    }

    /** The main context's filter this one passes requests to. */
    Filter filter() {
        return filter;
    }

    @Override
    public void init(FilterConfig config) {
        // the main server initialised the filter
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        filter.doFilter(request, response, chain);
    }

    @Override
    public void destroy() {
        // the main server destroys the filter, after this one stopped
    }
}
