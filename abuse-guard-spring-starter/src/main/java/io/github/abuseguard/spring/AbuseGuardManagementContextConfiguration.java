package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.AbuseGuardFilter;
import jakarta.servlet.Filter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.HierarchicalBeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;

/**
 * Puts abuse-guard's filter in front of the Actuator when it is served on a port of its own
 * ({@code management.server.port}): Spring Boot then runs the Actuator in a child context with an embedded
 * server of its own, where the main context's filters are not registered, and every rule on
 * {@code /actuator/**} (a password's failure rule, IP deny lists, bans) would silently stop applying. The
 * management server gets the main context's {@code FilterRegistrationBean<AbuseGuardFilter>} (the starter's
 * or the application's own) with the same filter, so one engine and one state store guard both ports: a ban
 * earned on one applies on the other. Its order, dispatcher types and mappings are the main registration's,
 * so it runs before Spring Security's filter there as on the main port. It backs off when the management
 * context has a {@code FilterRegistrationBean<AbuseGuardFilter>} of its own (the application's
 * {@code @ManagementContextConfiguration}); {@code abuse-guard.filter.management-port=false} leaves the
 * management server unguarded.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({Filter.class, AbuseGuardFilter.class, FilterRegistrationBean.class})
@ConditionalOnSwitch(
        value = {"abuse-guard.enabled", "abuse-guard.filter.management-port"},
        matchIfMissing = true)
final class AbuseGuardManagementContextConfiguration {

    @Bean
    @ConditionalOnBean(
            value = AbuseGuardFilter.class,
            parameterizedContainer = FilterRegistrationBean.class,
            search = SearchStrategy.ANCESTORS)
    @ConditionalOnMissingBean(
            value = AbuseGuardFilter.class,
            parameterizedContainer = FilterRegistrationBean.class,
            search = SearchStrategy.CURRENT)
    FilterRegistrationBean<ManagementPortFilter> abuseGuardManagementFilterRegistration(
            HierarchicalBeanFactory beanFactory) {
        if (!(beanFactory.getParentBeanFactory() instanceof ListableBeanFactory parent)) {
            throw new IllegalStateException("The management context has no parent to take abuse-guard's filter from");
        }
        FilterRegistrationBean<?> main = mainRegistration(parent);
        if (main == null) {
            // a plain filter bean (review7): Spring Boot maps it to every request, ordered last
            FilterRegistrationBean<ManagementPortFilter> registration =
                    new FilterRegistrationBean<>(new ManagementPortFilter(
                            BeanFactoryUtils.beanOfTypeIncludingAncestors(parent, AbuseGuardFilter.class)));
            registration.setName("abuseGuardFilter");
            registration.setOrder(Ordered.LOWEST_PRECEDENCE);
            return registration;
        }
        FilterRegistrationBean<ManagementPortFilter> registration =
                new FilterRegistrationBean<>(new ManagementPortFilter(main.getFilter()));
        registration.setName(main.getFilterName());
        registration.setEnabled(main.isEnabled());
        registration.setOrder(main.getOrder());
        registration.setDispatcherTypes(main.determineDispatcherTypes());
        registration.setAsyncSupported(main.isAsyncSupported());
        registration.setMatchAfter(main.isMatchAfter());
        registration.setInitParameters(main.getInitParameters());
        registration.setUrlPatterns(main.getUrlPatterns());
        if (main.getUrlPatterns().isEmpty()
                && (!main.getServletNames().isEmpty()
                        || !main.getServletRegistrationBeans().isEmpty())) {
            // mapped to the application's servlets by name (review7): the management server's only servlet is
            // its own dispatcher, under another name, which serves every management request
            registration.addUrlPatterns("/*");
        }
        return registration;
    }

    /**
     * The one registration of {@link AbuseGuardFilter} of the main context (or of its ancestors); {@code null}
     * when the filter is a plain bean there.
     */
    private static @Nullable FilterRegistrationBean<?> mainRegistration(ListableBeanFactory beans) {
        ResolvableType type = ResolvableType.forClassWithGenerics(FilterRegistrationBean.class, AbuseGuardFilter.class);
        Map<String, FilterRegistrationBean<?>> found = new LinkedHashMap<>();
        for (String name : BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beans, type)) {
            found.put(name, beans.getBean(name, FilterRegistrationBean.class));
        }
        if (found.isEmpty()) {
            return null;
        }
        if (found.size() > 1) {
            throw new IllegalStateException(
                    "The management server takes the one FilterRegistrationBean<AbuseGuardFilter>"
                            + " of the main context, which has " + found.keySet()
                            + "; set abuse-guard.filter.management-port=false and register the filter there yourself");
        }
        return found.values().iterator().next();
    }
}
