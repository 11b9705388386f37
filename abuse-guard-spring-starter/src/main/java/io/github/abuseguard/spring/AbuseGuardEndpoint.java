package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardDescription;
import io.github.abuseguard.OutcomeObserver;
import io.github.abuseguard.internal.DeniedClients;
import io.github.abuseguard.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code abuseguard} Actuator endpoint: the guards and their modes, every rule with where it came
 * from (properties or an annotation), the exempt and monitored routes, and the clients denied most
 * in the recent window. Exposed like any endpoint, with {@code management.endpoints.web.exposure.include}.
 * Each guard describes its own rules and live state ({@link Guard#describe()}); a guard's state entries
 * (such as {@code underAttack}) appear at the top level of the report, and so do those of the engine's
 * {@link OutcomeObserver}s (API discovery's {@code inventory}).
 */
@Endpoint(id = "abuseguard")
public class AbuseGuardEndpoint {
    private final AbuseGuard engine;
    private final DeniedClients deniedClients;
    private final int topClients;

    AbuseGuardEndpoint(AbuseGuard engine, DeniedClients deniedClients, int topClients) {
        this.engine = engine;
        this.deniedClients = deniedClients;
        this.topClients = topClients;
    }

    @ReadOperation
    public Map<String, Object> report() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("mode", lower(engine.mode()));
        report.put("failurePolicy", lower(engine.failurePolicy()));
        // the check before the guards: refusing under a guard's monitor mode unless its own says otherwise (user68 F1)
        report.put("crossSiteMode", engine.checksCrossSiteRequests() ? lower(engine.crossSiteMode()) : "off");
        report.put("riskThreshold", engine.riskThreshold());
        List<Map<String, Object>> guards = new ArrayList<>();
        List<Map<String, Object>> rules = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        for (Guard guard : engine.guards()) {
            guards.add(Map.of("name", guard.name(), "mode", lower(engine.modeOf(guard))));
            GuardDescription description;
            try {
                description = guard.describe();
            } catch (StoreUnavailableException e) {
                // its state is in the shared store, out of reach: the rest of the report still answers (probe80a F1)
                unavailable.add(guard.name());
                continue;
            }
            for (GuardDescription.Rule rule : description.rules()) {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("guard", description.name());
                view.put("name", rule.name());
                view.put("source", rule.source());
                view.putAll(rule.settings());
                rules.add(view);
            }
            // A guard's state never replaces the report's own fields, nor an earlier guard's state.
            description.state().forEach(report::putIfAbsent);
        }
        for (OutcomeObserver observer : engine.observers()) { // API discovery's inventory, say
            try {
                observer.describe().state().forEach(report::putIfAbsent);
            } catch (StoreUnavailableException e) {
                unavailable.add(observer.name());
            }
        }
        if (!unavailable.isEmpty()) {
            report.put(
                    "storeUnavailable",
                    AbuseGuardControlEndpoint.STORE_UNAVAILABLE + ": the report lacks the state and rules of "
                            + unavailable);
        }
        report.put("guards", guards);
        report.put("rules", rules);
        report.put(
                "exemptRoutes",
                engine.exemptRoutes().stream().map(Object::toString).toList());
        report.put(
                "monitoredRoutes",
                engine.monitoredRoutes().stream().map(Object::toString).toList());
        Map<String, Object> denied = new LinkedHashMap<>();
        denied.put("window", deniedClients.window().toString());
        denied.put(
                "clients",
                deniedClients.top(topClients).stream()
                        .map(entry -> Map.of("key", entry.key(), "denials", entry.denials()))
                        .toList());
        report.put("mostDenied", denied);
        return report;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
