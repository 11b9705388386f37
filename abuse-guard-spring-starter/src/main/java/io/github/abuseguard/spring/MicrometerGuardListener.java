package io.github.abuseguard.spring;

import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records the engine's decisions in Micrometer: the counter {@value #DECISIONS}, tagged by
 * {@code guard}, {@code rule}, {@code outcome} ({@code allow}, {@code flag}, {@code deny}, {@code would-deny},
 * {@code error}), {@code action} and {@code route}, and the timer {@value #EVALUATION}. The rule tag is the name
 * of the rule that decided ({@code none} for an allowed request, a flag or a guard without rules), as configured
 * or annotated; the route tag is the handler's template or {@code UNMATCHED}, never the raw path, and no tag holds
 * a client key, so the number of series stays bounded whatever clients send. Every request let through counts
 * once under guard {@code none} and outcome {@code allow}, whatever flags it also raised.
 */
public final class MicrometerGuardListener implements GuardListener {
    public static final String DECISIONS = "abuseguard.decisions";
    public static final String EVALUATION = "abuseguard.evaluation";
    private static final String UNMATCHED = "UNMATCHED";
    private static final String NONE = "none";

    private final MeterRegistry registry;
    private final Timer evaluation;
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    /**
     * The allow counters by route: the one series every request let through touches, looked up by the
     * route string alone so the allow path builds no key. Routes are templates or {@code UNMATCHED},
     * so the map is as bounded as the route tag itself.
     */
    private final Map<String, Counter> allowedByRoute = new ConcurrentHashMap<>();

    public MicrometerGuardListener(MeterRegistry registry) {
        this.registry = registry;
        this.evaluation = Timer.builder(EVALUATION)
                .description("Time the abuse-guard engine takes to decide about a request")
                .register(registry);
    }

    @Override
    public void onEvent(GuardEvent event) {
        String outcome = switch (event.kind()) {
            case FLAG -> "flag";
            case DENY -> "deny";
            case WOULD_DENY -> "would-deny";
            case FAILED -> "error";
        };
        Decision decision = event.decision();
        String action =
                decision.action() == null ? "none" : decision.action().name().toLowerCase(Locale.ROOT);
        String rule = decision.rule() == null ? NONE : decision.rule();
        counter(event.guard(), rule, outcome, action, route(event.request())).increment();
    }

    @Override
    public void onEvaluation(GuardRequest request, Evaluation result, long elapsedNanos) {
        evaluation.record(elapsedNanos, TimeUnit.NANOSECONDS);
        if (!result.isDenied()) {
            String route = route(request);
            Counter allowed = allowedByRoute.get(route);
            if (allowed == null) {
                allowed = counter(NONE, NONE, "allow", NONE, route);
                allowedByRoute.putIfAbsent(route, allowed);
            }
            allowed.increment();
        }
    }

    private static String route(GuardRequest request) {
        String route = request.route();
        return route == null ? UNMATCHED : route;
    }

    private Counter counter(String guard, String rule, String outcome, String action, String route) {
        return counters.computeIfAbsent(
                new CounterKey(guard, rule, outcome, action, route),
                key -> Counter.builder(DECISIONS)
                        .description("Decisions of abuse-guard, by guard, rule, outcome, action and route template")
                        .tag("guard", key.guard)
                        .tag("rule", key.rule)
                        .tag("outcome", key.outcome)
                        .tag("action", key.action)
                        .tag("route", key.route)
                        .register(registry));
    }

    private record CounterKey(String guard, String rule, String outcome, String action, String route) {}
}
