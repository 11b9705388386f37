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

    /** The namespace of the one read a health check makes of the shared store; no key of it is ever written. */
    static final String PROBE_NAMESPACE = "abuse-guard:health";

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean shared = store.isAvailable() && answers();
        (shared || store.policy() != OutagePolicy.FAIL_CLOSED ? builder.up() : builder.down())
                .withDetail(
                        "outagePolicy",
                        store.policy().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                .withDetail("shared", shared);
    }

    /**
     * Whether the shared store answers one read now (a {@code GET} of a key never written): the circuit opens only on
     * the failures of guarded calls, so on an instance without traffic a store that went down read as shared, and
     * under {@code fail-closed} the indicator stayed {@code UP} (probe57b F2). A failure of the read counts toward the
     * circuit as any call's does.
     */
    private boolean answers() {
        long failedBefore = store.failedCalls();
        try {
            store.counters(PROBE_NAMESPACE, java.time.Duration.ofMinutes(1)).get("probe");
        } catch (io.github.abuseguard.store.StoreUnavailableException refused) {
            return false; // fail-open and fail-closed answer a failed call so
        }
        return store.failedCalls() == failedBefore;
    }
}
