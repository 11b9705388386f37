package io.github.abuseguard.spring;

import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes an outage of the shared store visible: the {@code abuseGuardStore} health indicator and the
 * gauge {@code abuseguard.store.available} (1 or 0). The store itself logs one line per change of state.
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@ConditionalOnBean(StateStore.class)
public final class AbuseGuardStoreHealthAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "abuseGuardStoreHealthIndicator")
        HealthIndicator abuseGuardStoreHealthIndicator(StateStore store) {
            if (store instanceof ResilientStateStore resilient) {
                return new AbuseGuardStoreHealthIndicator(resilient);
            }
            return () -> org.springframework.boot.health.contributor.Health.up()
                    .withDetail("type", "local")
                    .build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {
        @Bean
        Object abuseGuardStoreGauge(StateStore store, ObjectProvider<MeterRegistry> registry) {
            registry.ifAvailable(meters -> Gauge.builder(
                            "abuseguard.store.available",
                            store,
                            s -> !(s instanceof ResilientStateStore resilient) || resilient.isAvailable() ? 1 : 0)
                    .description("Whether the abuse-guard state store answers (1) or its outage policy is in force (0)")
                    .register(meters));
            return new Object();
        }
    }
}
