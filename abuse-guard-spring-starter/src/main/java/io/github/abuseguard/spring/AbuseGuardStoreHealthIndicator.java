package io.github.abuseguard.spring;

import io.github.abuseguard.store.ResilientStateStore;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports whether the shared state store answers. Down means the outage policy is in force: requests
 * are still answered (by local state, let through or refused, as configured).
 */
final class AbuseGuardStoreHealthIndicator extends AbstractHealthIndicator {
    private final ResilientStateStore store;

    AbuseGuardStoreHealthIndicator(ResilientStateStore store) {
        this.store = store;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        (store.isAvailable() ? builder.up() : builder.down())
                .withDetail(
                        "outagePolicy",
                        store.policy().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
}
