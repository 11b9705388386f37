package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Guard;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.store.StoreUnavailableException;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.VolumeGuard;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Gauges of the route-level modes and learned baselines, one series per configured rule (so the number
 * of series is bounded by the configuration, never by traffic):
 * <ul>
 *   <li>{@code abuseguard.failure.under.attack{rule}}: 1 while the rule's routes are under attack, else 0;
 *   <li>{@code abuseguard.volume.under.scrape{rule}}: 1 while the rule's routes are under scrape, else 0;
 *   <li>{@code abuseguard.volume.rate.baseline{rule,route,percentile}}: the learned p50, p90 and p99 of
 *       requests per client and window of each path template with a rate baseline.
 * </ul>
 * A mode the shared store cannot tell during an outage (no local fallback) reads NaN.
 * Each value is read from the guard when the registry is scraped.
 */
final class ModeGauges {
    static final String UNDER_ATTACK = "abuseguard.failure.under.attack";
    static final String UNDER_SCRAPE = "abuseguard.volume.under.scrape";
    static final String RATE_BASELINE = "abuseguard.volume.rate.baseline";

    /** Registers the gauges of the engine's failure and volume guards. */
    ModeGauges(AbuseGuard engine, MeterRegistry registry) {
        for (Guard guard : engine.guards()) {
            if (guard instanceof FailureGuard failure) {
                for (String rule : failure.baselines().keySet()) {
                    Gauge.builder(UNDER_ATTACK, failure, f -> mode(f::underAttack, rule))
                            .tag("rule", rule)
                            .description("1 while the rule's routes are under attack (a failure surge), else 0")
                            .register(registry);
                }
            } else if (guard instanceof VolumeGuard volume) {
                for (DistinctRule rule : volume.rules()) {
                    if (rule.underScrape() != null) {
                        Gauge.builder(UNDER_SCRAPE, volume, v -> mode(v::underScrape, rule.name()))
                                .tag("rule", rule.name())
                                .description("1 while the rule's routes are under scrape, else 0")
                                .register(registry);
                    }
                    if (rule.rateBaseline() != null) {
                        for (String route : rule.paths()) {
                            for (String quantile : new String[] {"p50", "p90", "p99"}) {
                                Gauge.builder(RATE_BASELINE, volume, v -> learned(v, rule.name(), route, quantile))
                                        .tag("rule", rule.name())
                                        .tag("route", route)
                                        .tag("percentile", quantile)
                                        .description("Learned requests per client and window of the route")
                                        .register(registry);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * 1 when {@code rule} is among the modes on, 0 when not, and NaN while the shared store cannot tell (an outage
     * without a local fallback): no value, rather than a value function that throws, which Micrometer reports
     * with a WARN and a stack trace naming the gauge.
     */
    private static double mode(Supplier<Set<String>> modesOn, String rule) {
        try {
            return modesOn.get().contains(rule) ? 1 : 0;
        } catch (StoreUnavailableException unknown) {
            return Double.NaN; // the store's outage is logged, and shown by its health, once
        }
    }

    @SuppressWarnings("unchecked")
    private static double learned(VolumeGuard volume, String rule, String route, String quantile) {
        Map<String, Object> learned = volume.baselines().get(rule);
        if (learned == null || !(learned.get("rates") instanceof Map<?, ?> rates)) {
            return Double.NaN;
        }
        Map<String, Number> values = (Map<String, Number>) rates.get(route);
        return values == null ? Double.NaN : values.get(quantile).doubleValue();
    }
}
