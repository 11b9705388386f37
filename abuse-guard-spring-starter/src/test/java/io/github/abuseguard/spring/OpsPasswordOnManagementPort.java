package io.github.abuseguard.spring;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * HTTP Basic in front of every path of the management server, as Spring Security's filter chain is there
 * (order -100, after abuse-guard's -110): a wrong or missing password is a 401. A stand-in for Spring
 * Security, which the starter's tests do not have on their class path; the demo's tests use the real one.
 * Only for tests that set {@value #PASSWORD}.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnProperty(OpsPasswordOnManagementPort.PASSWORD)
class OpsPasswordOnManagementPort {

    static final String PASSWORD = "test.management.ops-password";

    /** Spring Security's filter order, {@code spring.security.filter.order}'s default. */
    static final int SECURITY_ORDER = -100;

    @Bean
    FilterRegistrationBean<Filter> opsPassword(Environment environment) {
        String expected = "Basic "
                + Base64.getEncoder()
                        .encodeToString(
                                ("ops:" + environment.getRequiredProperty(PASSWORD)).getBytes(StandardCharsets.UTF_8));
        Filter filter = (request, response, chain) -> {
            if (expected.equals(((HttpServletRequest) request).getHeader("Authorization"))) {
                chain.doFilter(request, response);
            } else {
                HttpServletResponse http = (HttpServletResponse) response;
                http.setHeader("WWW-Authenticate", "Basic realm=\"ops\"");
                http.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            }
        };
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(SECURITY_ORDER);
        return registration;
    }

    /** The {@code Authorization} header of the operator with this password. */
    static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("ops:" + password).getBytes(StandardCharsets.UTF_8));
    }
}
