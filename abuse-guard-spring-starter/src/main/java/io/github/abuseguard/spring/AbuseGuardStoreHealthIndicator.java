package io.github.abuseguard.spring;

import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import org.jspecify.annotations.Nullable;
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
    /**
     * How long one read's answer serves the checks after it: each hit of {@code /actuator/health}, which anonymous
     * callers may reach, was a read of the shared store (review59 F6).
     */
    static final java.time.Duration ANSWER_REUSE = java.time.Duration.ofSeconds(1);

    private final ResilientStateStore store;
    private final java.util.function.LongSupplier nanoClock;

    /** The last read's answer, and when it was made (nanos of {@link #nanoClock}); {@code null} before the first. */
    private final java.util.concurrent.atomic.AtomicReference<@Nullable Answer> last =
            new java.util.concurrent.atomic.AtomicReference<>();

    private record Answer(long at, boolean answered) {}

    AbuseGuardStoreHealthIndicator(ResilientStateStore store) {
        this(store, System::nanoTime);
    }

    /** @param nanoClock the nanosecond clock the reuse of an answer is measured with */
    AbuseGuardStoreHealthIndicator(ResilientStateStore store, java.util.function.LongSupplier nanoClock) {
        this.store = store;
        this.nanoClock = nanoClock;
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
     * Whether the shared store answers one read (a {@code GET} of a key never written), made at most once per {@link
     * #ANSWER_REUSE}; checks meanwhile, and those made while another check's read is on its way, take the last
     * answer. The circuit opens only on the failures of guarded calls, so on an instance without traffic a store that
     * went down read as shared, and under {@code fail-closed} the indicator stayed {@code UP} (probe57b F2). The
     * answer is the read's own ({@link ResilientStateStore#answers}): other calls failing meanwhile are not taken for
     * it (review59 F6). A failed read counts toward the circuit as any call's does.
     */
    private boolean answers() {
        long now = nanoClock.getAsLong();
        Answer seen = last.get();
        if (seen != null
                && (now - seen.at() < ANSWER_REUSE.toNanos()
                        || !last.compareAndSet(seen, new Answer(now, seen.answered())))) {
            return seen.answered(); // recent, or another check is reading the store now
        }
        boolean answered = store.answers(PROBE_NAMESPACE, "probe");
        last.set(new Answer(now, answered));
        return answered;
    }
}
