package io.github.abuseguard.spring;

import io.github.abuseguard.redis.RedisStateStore;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.micrometer.core.instrument.FunctionCounter;
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
 * Makes an outage of the shared store visible: the {@code abuseGuardStore} health indicator, the gauge
 * {@code abuseguard.store.available} (1 or 0) and the counter {@code abuseguard.store.failed.calls} of calls
 * to the shared store that failed, each answered by the outage policy even while the circuit stayed closed.
 * The store itself logs one line per change of state, and a failed call at most once a minute. With the Redis
 * store, the counter {@code abuseguard.store.key.secret.mismatches} counts the key-secret mismatches it found.
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
            if (store instanceof ResilientStateStore resilient) {
                registry.ifAvailable(meters -> FunctionCounter.builder(
                                "abuseguard.store.failed.calls", resilient, ResilientStateStore::failedCalls)
                        .description("Calls to the abuse-guard state store that failed (a timeout, a lost"
                                + " connection), each answered by its outage policy, whether or not the circuit opened")
                        .register(meters));
            }
            return new Object();
        }
    }

    /**
     * The counter {@code abuseguard.store.key.secret.mismatches}: how often this instance found, on connecting to
     * Redis, that the instance before it under the same key prefix hashed with another
     * {@code abuse-guard.store.redis.key-secret}. Logged at WARN too; once per instance is expected while the secret
     * is rotated, an increase otherwise means every shared limit is granted once per secret. Not a health state: only
     * the instance that connects later sees it, and a {@code DOWN} would take every instance out of its load
     * balancer for a setting a restart does not mend.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(value = MeterRegistry.class, name = "io.github.abuseguard.redis.RedisStateStore")
    static class RedisMetrics {
        @Bean
        Object abuseGuardKeySecretMismatches(StateStore store, ObjectProvider<MeterRegistry> registry) {
            if (store instanceof ResilientStateStore resilient && resilient.remote() instanceof RedisStateStore redis) {
                registry.ifAvailable(meters -> FunctionCounter.builder(
                                "abuseguard.store.key.secret.mismatches", redis, RedisStateStore::keySecretMismatches)
                        .description("Times this instance found, on connecting to Redis, that the instance before it"
                                + " under the same key prefix used another abuse-guard.store.redis.key-secret")
                        .register(meters));
            }
            return new Object();
        }
    }
}
