package io.github.abuseguard.examples.demo;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot's error path ({@code /error}) renders what the container forwards to it; asked for directly it
 * has no error to report and answered {@code 500} with status 999. A direct request for it is now
 * {@code 404}, rendered by that same path through the container's error dispatch, which this filter lets
 * pass. It stands after abuse-guard's filter, so such requests are still counted.
 */
@Configuration(proxyBeanMethods = false)
class ErrorPathConfig {

    @Bean
    FilterRegistrationBean<Filter> directErrorPathRequests(
            @Value("${server.error.path:/error}") String errorPath, ObjectProvider<DispatcherServletPath> dispatcher) {
        Filter notFound = (request, response, chain) ->
                ((HttpServletResponse) response).sendError(HttpServletResponse.SC_NOT_FOUND);
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(notFound);
        registration.setName("directErrorPathRequests");
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        // under a DispatcherServlet mapped below the root (/v1) the error page is served at /v1/error
        DispatcherServletPath path = dispatcher.getIfAvailable();
        registration.addUrlPatterns(path == null ? errorPath : path.getRelativePath(errorPath));
        return registration;
    }
}
