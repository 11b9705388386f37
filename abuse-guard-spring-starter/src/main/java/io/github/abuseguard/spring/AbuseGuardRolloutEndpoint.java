package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.CrossSiteRequests;
import io.github.abuseguard.Guard;
import io.github.abuseguard.Mode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code abuseguardrollout} Actuator endpoint: the monitor-first roll-out report. For each guard
 * (and rule) in monitor mode, how many requests and about how many distinct clients it would have
 * refused in the recent window, with a few masked example reasons; and each guard's mode, marked when
 * it was switched at run time. Read-only; expose it with {@code management.endpoints.web.exposure.include}.
 */
@Endpoint(id = "abuseguardrollout")
public class AbuseGuardRolloutEndpoint {
    private final AbuseGuard engine;
    private final RolloutReport report;

    AbuseGuardRolloutEndpoint(AbuseGuard engine, RolloutReport report) {
        this.engine = engine;
        this.report = report;
    }

    @ReadOperation
    public Map<String, Object> rollout() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("window", report.window().toString());
        Map<String, String> modes = new LinkedHashMap<>();
        for (Guard guard : engine.guards()) {
            modes.put(guard.name(), lower(engine.modeOf(guard)));
        }
        if (engine.checksCrossSiteRequests()) {
            // the check before the guards has a mode of its own, which a guard's monitor mode leaves refusing (user68
            // F1)
            modes.put(CrossSiteRequests.NAME, lower(engine.crossSiteMode()));
        }
        view.put("modes", modes);
        Map<String, String> switched = new LinkedHashMap<>();
        engine.switchedModes()
                .forEach((target, mode) -> switched.put(target, lower(mode) + " (switched live, until restart)"));
        view.put("switchedModes", switched);
        view.put("wouldDeny", report.snapshot());
        return view;
    }

    private static String lower(Mode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
