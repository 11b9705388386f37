package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.DeniedClients;
import io.github.abuseguard.Guard;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.origin.OriginGuard;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.sequence.MarkovModel;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.VolumeGuard;
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
 */
@Endpoint(id = "abuseguard")
public class AbuseGuardEndpoint {
    private final AbuseGuard engine;
    private final DeniedClients deniedClients;
    private final int topClients;

    public AbuseGuardEndpoint(AbuseGuard engine, DeniedClients deniedClients, int topClients) {
        this.engine = engine;
        this.deniedClients = deniedClients;
        this.topClients = topClients;
    }

    @ReadOperation
    public Map<String, Object> report() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("mode", lower(engine.mode()));
        report.put("failurePolicy", lower(engine.failurePolicy()));
        report.put("riskThreshold", engine.riskThreshold());
        List<Map<String, Object>> guards = new ArrayList<>();
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Guard guard : engine.guards()) {
            guards.add(Map.of("name", guard.name(), "mode", lower(engine.modeOf(guard))));
            if (guard instanceof RateLimitGuard rateLimits) {
                for (RateLimitRule rule : rateLimits.rules()) {
                    rules.add(rule(rule));
                }
            } else if (guard instanceof SequenceGuard sequence) {
                for (PrecedenceRule rule : sequence.rules()) {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("guard", SequenceGuard.NAME);
                    view.put("name", rule.name());
                    view.put("source", rule.source());
                    view.put("operation", rule.operation());
                    view.put(rule.kind() == PrecedenceRule.Kind.REQUIRES ? "requires" : "forbids", rule.prior());
                    view.put("statusClass", rule.statusClass() == 0 ? "any" : rule.statusClass() + "xx");
                    view.put("within", rule.window().toString());
                    rules.add(view);
                }
                report.put(
                        "inventory",
                        sequence.inventory().endpoints().stream()
                                .limit(100)
                                .map(endpoint -> Map.of(
                                        "template", endpoint.template(),
                                        "methods", endpoint.methods(),
                                        "requests", endpoint.requests(),
                                        "statusClasses", endpoint.statusClasses()))
                                .toList());
                MarkovModel model = sequence.model();
                if (model != null) {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("states", model.states());
                    view.put("topTransitions", model.topTransitions(20));
                    view.put(
                            "worstSessions",
                            sequence.worstSessions().stream()
                                    .map(worst -> Map.of("session", worst.session(), "score", worst.score()))
                                    .toList());
                    report.put("model", view);
                }
            } else if (guard instanceof FailureGuard failure) {
                for (FailureRule rule : failure.rules()) {
                    rules.add(failureRule(rule));
                }
                report.put("underAttack", List.copyOf(failure.underAttack()));
                report.put("failureBaselines", failure.baselines());
            } else if (guard instanceof VolumeGuard volume) {
                for (DistinctRule rule : volume.rules()) {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("guard", VolumeGuard.NAME);
                    view.put("name", rule.name());
                    view.put("source", rule.source());
                    view.put("paths", rule.paths());
                    view.put("methods", List.copyOf(rule.methods()));
                    view.put("key", rule.key());
                    view.put("window", rule.window().toString());
                    view.put("maxDistinct", rule.maxDistinct());
                    view.put(
                            rule.score() > 0 ? "score" : "action",
                            rule.score() > 0 ? rule.score() : lower(rule.action()));
                    view.put("underScrape", rule.underScrape() != null);
                    if (rule.rateBaseline() != null) {
                        Map<String, Object> rates = new LinkedHashMap<>();
                        rates.put("window", rule.rateBaseline().window().toString());
                        rates.put("multiplier", rule.rateBaseline().multiplier());
                        rates.put("minRequests", rule.rateBaseline().minRequests());
                        rates.put("learningWindows", rule.rateBaseline().learningWindows());
                        rates.put(
                                rule.rateBaseline().score() > 0 ? "score" : "action",
                                rule.rateBaseline().score() > 0
                                        ? rule.rateBaseline().score()
                                        : lower(rule.rateBaseline().action()));
                        view.put("rateBaseline", rates);
                    }
                    if (rule.onlyReads() != null) {
                        view.put(
                                "onlyReads",
                                Map.of(
                                        "minDistinct",
                                        rule.onlyReads().minDistinct(),
                                        rule.onlyReads().score() > 0 ? "score" : "action",
                                        rule.onlyReads().score() > 0
                                                ? rule.onlyReads().score()
                                                : lower(rule.onlyReads().action())));
                    }
                    rules.add(view);
                }
                report.put("underScrape", List.copyOf(volume.underScrape()));
                report.put("volumeBaselines", volume.baselines());
            } else if (guard instanceof OriginGuard origins) {
                for (OriginRule rule : origins.rules()) {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("guard", OriginGuard.NAME);
                    view.put("name", rule.name());
                    view.put("source", rule.source());
                    view.put(
                            "paths",
                            rule.paths().stream().map(PathPattern::toString).toList());
                    view.put("methods", List.copyOf(rule.methods()));
                    view.put(
                            "allowedOrigins",
                            rule.allowedOrigins().stream().map(Object::toString).toList());
                    view.put("allowSameOrigin", rule.allowSameOrigin());
                    view.put("missing", lower(rule.missing()));
                    view.put("action", lower(rule.action()));
                    rules.add(view);
                }
            }
        }
        report.put("guards", guards);
        report.put("rules", rules);
        report.put(
                "exemptRoutes",
                engine.exemptRoutes().stream().map(PathPattern::toString).toList());
        report.put(
                "monitoredRoutes",
                engine.monitoredRoutes().stream().map(PathPattern::toString).toList());
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

    private static Map<String, Object> rule(RateLimitRule rule) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("guard", RateLimitGuard.NAME);
        view.put("name", rule.name());
        view.put("source", rule.source());
        view.put("paths", rule.paths().stream().map(PathPattern::toString).toList());
        view.put("methods", List.copyOf(rule.methods()));
        view.put("key", rule.keySpec());
        view.put("cost", rule.cost());
        view.put("action", lower(rule.action()));
        List<Map<String, Object>> limits = new ArrayList<>();
        for (Limit limit : rule.limits()) {
            limits.add(Map.of(
                    "capacity", limit.capacity(),
                    "refillTokens", limit.refillTokens(),
                    "period", limit.period().toString(),
                    "refill", lower(limit.refill())));
        }
        view.put("limits", limits);
        return view;
    }

    private static Map<String, Object> failureRule(FailureRule rule) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("guard", FailureGuard.NAME);
        view.put("name", rule.name());
        view.put("source", rule.source());
        view.put("paths", rule.paths());
        view.put("methods", List.copyOf(rule.methods()));
        view.put("statuses", rule.statuses());
        view.put("key", rule.key());
        if (rule.distinct() != null) {
            view.put("distinct", rule.distinct());
        }
        view.put("counting", lower(rule.counting()));
        view.put("findTime", rule.findTime().toString());
        view.put("maxRetry", rule.maxRetry());
        view.put("banTime", rule.banTime().toString());
        view.put("banFactor", rule.banFactor());
        view.put("maxBanTime", rule.maxBanTime().toString());
        view.put("action", lower(rule.action()));
        view.put("underAttack", rule.underAttack() != null);
        return view;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
