package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.internal.DeniedClients;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

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
}
