package io.github.abuseguard.spring;

import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports whether the shared state store answers ({@code shared}) and the outage policy in force while
 * it does not. Under {@code local-fallback} and {@code fail-open} the application still answers every
 * request, so the indicator stays {@code UP}: a {@code DOWN} would take every instance out of its load
 * balancer, or get it restarted, for an outage a restart cannot mend, and would tell anonymous callers of
 * {@code /actuator/health} that the limits have become per instance. Only under {@code fail-closed}, where
 * guarded requests are refused, is it {@code DOWN}. Operators see {@code shared: false} in the details and
 * the {@code abuseguard.store.available} gauge.
 */
final class AbuseGuardStoreHealthIndicator extends AbstractHealthIndicator {
    private final ResilientStateStore store;

    AbuseGuardStoreHealthIndicator(ResilientStateStore store) {
        this.store = store;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean shared = store.isAvailable();
        (shared || store.policy() != OutagePolicy.FAIL_CLOSED ? builder.up() : builder.down())
                .withDetail(
                        "outagePolicy",
                        store.policy().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                .withDetail("shared", shared);
    }
}
