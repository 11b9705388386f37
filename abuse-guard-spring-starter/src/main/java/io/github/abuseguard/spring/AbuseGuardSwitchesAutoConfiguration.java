package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.AbuseGuardFilter;
import jakarta.servlet.Filter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Logs at start-up the switches that turn protection down ({@link WeakenedProtection}). Not conditional
 * on {@code abuse-guard.enabled}: switching abuse-guard off is the first switch it reports.
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({Filter.class, AbuseGuardFilter.class})
public final class AbuseGuardSwitchesAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    WeakenedProtection abuseGuardWeakenedProtection(
            Environment environment,
            ObjectProvider<AbuseGuardProperties> properties,
            ObjectProvider<ControllerAnnotations> annotations) {
        return new WeakenedProtection(environment, properties.getIfAvailable(), annotations.getIfAvailable());
    }
}
