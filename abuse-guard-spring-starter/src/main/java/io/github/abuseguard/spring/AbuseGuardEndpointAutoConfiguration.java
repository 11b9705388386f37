package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.internal.DeniedClients;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The {@code abuseguard} Actuator endpoint, when Actuator is present and the endpoint is available. */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(AbuseGuardEndpoint.class)
public final class AbuseGuardEndpointAutoConfiguration {

    @Bean
    @ConditionalOnBean({AbuseGuard.class, DeniedClients.class})
    @ConditionalOnMissingBean
    AbuseGuardEndpoint abuseGuardEndpoint(
            AbuseGuard engine,
            DeniedClients deniedClients,
            AbuseGuardProperties properties,
            ListableBeanFactory beans,
            Environment environment) {
        if (readableByAnyone(environment, beans, "abuseguard")) {
            // user60 F5: README says never to expose it anonymously, and nothing said it was
            log.warn("The abuseguard endpoint is exposed over HTTP on the application's port and no Spring Security"
                    + " filter chain is configured: anyone can read every rule's thresholds, whether a route is under"
                    + " attack and the addresses of the clients denied most. Require a role for it, or serve"
                    + " management on a port only operators reach (management.server.port)");
        }
        return new AbuseGuardEndpoint(engine, deniedClients, properties.report().topClients());
    }

    private static final Logger log = LoggerFactory.getLogger(AbuseGuardEndpointAutoConfiguration.class);

    /**
     * Whether the report endpoint {@code id} is served over HTTP on the application's port with no Spring Security
     * filter chain: anyone reads it.
     */
    static boolean readableByAnyone(Environment environment, ListableBeanFactory beans, String id) {
        return exposedOverHttp(environment, id)
                && onTheApplicationsPort(environment)
                && !AbuseGuardControlAutoConfiguration.Control.securedBySpringSecurity(beans);
    }

    /**
     * Whether the Actuator is served on the application's port, as Spring Boot decides it ({@link
     * ManagementPortType}): no {@code management.server.port}, or the server's own (review147 F2: {@code
     * management.server.port=8080} beside {@code server.port=8080} is the same port), but never {@code 0}, a random port
     * of its own (review149 F3), nor a negative one, which serves no Actuator over HTTP.
     */
    private static boolean onTheApplicationsPort(Environment environment) {
        return ManagementPortType.get(environment) == ManagementPortType.SAME;
    }

    /**
     * Whether {@code management.endpoints.web.exposure.include} names the endpoint {@code id}, or every endpoint, in
     * any form Spring Boot binds it from: a comma-separated value or a list (probe82b F2: {@code include: [health,
     * abuseguard]} in YAML was not read, and the anonymous report was not warned of).
     */
    static boolean exposedOverHttp(Environment environment, String id) {
        EndpointId endpoint = EndpointId.of(id);
        Binder binder = Binder.get(environment);
        Set<String> exclude = binder.bind("management.endpoints.web.exposure.exclude", Bindable.setOf(String.class))
                .orElse(Set.of());
        Set<String> include = binder.bind("management.endpoints.web.exposure.include", Bindable.setOf(String.class))
                .orElse(Set.of());
        return !names(exclude, endpoint) && names(include, endpoint);
    }

    /**
     * Whether an exposure list names {@code endpoint}, or every endpoint ({@code *}), as Spring Boot reads a name
     * ({@link EndpointId#fromPropertyValue}: without dashes, in any case; review147 F2: {@code include=abuse-guard}
     * exposes {@code abuseguard}).
     */
    private static boolean names(Set<String> exposure, EndpointId endpoint) {
        for (String name : exposure) {
            String trimmed = name.trim();
            if (trimmed.equals("*")
                    || (!trimmed.isEmpty()
                            && EndpointId.fromPropertyValue(trimmed).equals(endpoint))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The endpoint's operations served from a handler mapping of their own, so that application requests are
     * not matched against them ({@link AbuseGuardEndpointMapping}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = AbuseGuardEndpointMapping.ACTUATOR_MAPPING)
    static final class WebMvcMapping {

        @Bean
        AbuseGuardEndpointMapping abuseGuardEndpointMapping(ListableBeanFactory beans) {
            return new AbuseGuardEndpointMapping(beans);
        }
    }
}
