package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;

/**
 * Adjusts the engine the auto-configuration builds: add a guard of your own, a listener, a route.
 * Customizer beans are applied in their {@link org.springframework.core.annotation.Order order},
 * after the configured guards were added.
 */
@FunctionalInterface
public interface AbuseGuardCustomizer {

    void customize(AbuseGuard.Builder builder);
}
