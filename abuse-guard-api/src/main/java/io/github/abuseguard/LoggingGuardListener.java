package io.github.abuseguard;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs denials and would-be denials at INFO, with the guard, rule, reason, action, client key, method
 * and route, and at most one line per guard per interval: under attack the log says what happens
 * without drowning. Logger {@code io.github.abuseguard.decisions}; flags go to DEBUG.
 */
public final class LoggingGuardListener implements GuardListener {
    private static final Logger log = LoggerFactory.getLogger("io.github.abuseguard.decisions");

    private final Duration interval;
    private final TimeSource timeSource;
    private final Map<String, RateLimitedLog> perGuard = new ConcurrentHashMap<>();

    public LoggingGuardListener(Duration interval, TimeSource timeSource) {
        this.interval = interval;
        this.timeSource = timeSource;
    }

    @Override
    public void onEvent(GuardEvent event) {
        Decision decision = event.decision();
        GuardRequest request = event.request();
        if (event.kind() == GuardEvent.Kind.FLAG) {
            if (log.isDebugEnabled()) {
                log.debug(
                        "flag {} +{} from {} on {} {}",
                        decision.reason(),
                        decision.score(),
                        request.client().key(),
                        request.method(),
                        request.path());
            }
            return;
        }
        if (event.kind() == GuardEvent.Kind.FAILED || !log.isInfoEnabled()) {
            return;
        }
        String route = request.route() == null ? request.path() : request.route();
        perGuard.computeIfAbsent(event.guard(), guard -> new RateLimitedLog(interval, timeSource))
                .info(
                        log,
                        (event.kind() == GuardEvent.Kind.DENY ? "denied" : "would deny") + " by " + event.guard()
                                + (decision.rule() == null ? "" : "/" + decision.rule()) + " (" + decision.reason()
                                + ", "
                                + decision.action() + ") client "
                                + request.client().key() + " on " + request.method() + " "
                                + route);
    }
}
