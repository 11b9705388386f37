package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.internal.DeniedClients;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code abuseguard} Actuator endpoint, when Actuator is present and the endpoint is available. */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(AbuseGuardEndpoint.class)
public final class AbuseGuardEndpointAutoConfiguration {

    @Bean
    @ConditionalOnBean({AbuseGuard.class, DeniedClients.class})
    @ConditionalOnMissingBean
    AbuseGuardEndpoint abuseGuardEndpoint(
            AbuseGuard engine, DeniedClients deniedClients, AbuseGuardProperties properties) {
        return new AbuseGuardEndpoint(engine, deniedClients, properties.report().topClients());
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
