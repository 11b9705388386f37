package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Gauges of the routes under attack or under scrape and of the learned rate baselines, in the
 * application's Micrometer registry; see {@code ModeGauges} for the metric names.
 */
@AutoConfiguration(after = {AbuseGuardAutoConfiguration.class, AbuseGuardMetricsAutoConfiguration.class})
@ConditionalOnClass(MeterRegistry.class)
public final class AbuseGuardModeGaugesAutoConfiguration {

    @Bean
    @ConditionalOnBean({AbuseGuard.class, MeterRegistry.class})
    @ConditionalOnMissingBean
    ModeGauges abuseGuardModeGauges(AbuseGuard engine, MeterRegistry registry) {
        return new ModeGauges(engine, registry);
    }
}
