package io.github.abuseguard.spring;

import io.github.abuseguard.email.BounceFeedback;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.Comparator;
import java.util.Map;

/**
 * The per-domain bounce rate as the gauge {@code abuseguard.email.bounce.rate{domain}} (the {@value
 * #TOP} highest rates, so the number of series stays bounded) and the highest rate as {@code
 * abuseguard.email.bounce.rate.max}, so an alert fires before the mail provider's warning arrives.
 */
final class BounceRateGauges implements BounceNotificationsObserver {
    static final String RATE = "abuseguard.email.bounce.rate";
    static final int TOP = 50;

    private final BounceFeedback feedback;
    private final MultiGauge rates;

    BounceRateGauges(BounceFeedback feedback, MeterRegistry registry) {
        this.feedback = feedback;
        this.rates = MultiGauge.builder(RATE)
                .description(
                        "Share of the reported mail to a domain that bounced or drew a complaint, in the bounce window")
                .register(registry);
        Gauge.builder(
                        RATE + ".max",
                        feedback,
                        f -> f.bounceRates().values().stream()
                                .mapToDouble(Double::doubleValue)
                                .max()
                                .orElse(0))
                .description("The highest per-domain bounce rate reported recently")
                .register(registry);
    }

    /** Publishes the latest rates; runs after each accepted notification. */
    @Override
    public void accepted() {
        rates.register(
                feedback.bounceRates().entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                        .limit(TOP)
                        .map(rate -> MultiGauge.Row.of(Tags.of("domain", rate.getKey()), rate.getValue()))
                        .toList(),
                true);
    }
}
