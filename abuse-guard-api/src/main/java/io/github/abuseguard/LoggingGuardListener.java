package io.github.abuseguard;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs denials and would-be denials at INFO, at most one line per guard per interval: under attack the
 * log says what happens without drowning. Logger {@code io.github.abuseguard.decisions}; flags go to
 * DEBUG, unthrottled.
 *
 * <p>Each line carries stable SLF4J 2 key-values, so a JSON encoder or log search can index them:
 * {@code outcome} ({@code deny}, {@code would-deny}, {@code flag}), {@code guard}, {@code rule},
 * {@code reason}, {@code action}, {@code score}, {@code client}, {@code method}, {@code route} and
 * {@code suppressed} (lines held back since the last one). The route is the template, or
 * {@code UNMATCHED}: a raw path may hold tokens or addresses. The client key is in clear, or, when
 * pseudonymised, {@code hmac:} and the first 16 hex digits of its HMAC-SHA256 under a secret.
 */
public final class LoggingGuardListener implements GuardListener {
    private static final Logger log = LoggerFactory.getLogger("io.github.abuseguard.decisions");
    private static final String HMAC = "HmacSHA256";

    private final Duration interval;
    private final TimeSource timeSource;
    private final SecretKeySpec pseudonymKey;
    private final Map<String, RateLimitedLog> perGuard = new ConcurrentHashMap<>();

    /** Logs client keys in clear. */
    public LoggingGuardListener(Duration interval, TimeSource timeSource) {
        this(interval, timeSource, null);
    }

    /**
     * @param pseudonymSecret the HMAC secret client keys are pseudonymised with; {@code null} for clear
     *     keys, empty for a random secret of this process
     */
    public LoggingGuardListener(Duration interval, TimeSource timeSource, @Nullable String pseudonymSecret) {
        this.interval = interval;
        this.timeSource = timeSource;
        if (pseudonymSecret == null) {
            this.pseudonymKey = null;
        } else {
            byte[] secret = pseudonymSecret.getBytes(StandardCharsets.UTF_8);
            if (secret.length == 0) {
                secret = new byte[32];
                new SecureRandom().nextBytes(secret);
            }
            this.pseudonymKey = new SecretKeySpec(secret, HMAC);
        }
    }

    @Override
    public void onEvent(GuardEvent event) {
        Decision decision = event.decision();
        if (event.kind() == GuardEvent.Kind.FLAG) {
            if (log.isDebugEnabled()) {
                write(log.atDebug(), event, "flag", decision).log("abuse-guard flag");
            }
            return;
        }
        if (event.kind() == GuardEvent.Kind.FAILED || !log.isInfoEnabled()) {
            return;
        }
        long suppressed = perGuard.computeIfAbsent(event.guard(), guard -> new RateLimitedLog(interval, timeSource))
                .permit();
        if (suppressed < 0) {
            return;
        }
        String outcome = event.kind() == GuardEvent.Kind.DENY ? "deny" : "would-deny";
        write(log.atInfo(), event, outcome, decision)
                .addKeyValue("suppressed", suppressed)
                .log("abuse-guard {}", outcome);
    }

    private LoggingEventBuilder write(LoggingEventBuilder line, GuardEvent event, String outcome, Decision decision) {
        GuardRequest request = event.request();
        line.addKeyValue("outcome", outcome).addKeyValue("guard", event.guard());
        if (decision.rule() != null) {
            line.addKeyValue("rule", decision.rule());
        }
        line.addKeyValue("reason", decision.reason());
        if (decision.action() != null) {
            line.addKeyValue("action", decision.action().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (decision.score() != 0) {
            line.addKeyValue("score", decision.score());
        }
        return line.addKeyValue("client", client(request.client().key()))
                .addKeyValue("method", request.method())
                .addKeyValue("route", request.route() == null ? "UNMATCHED" : request.route());
    }

    /** The client key as this log writes it, in clear or as its pseudonym: how to find a client's lines. */
    public String client(String key) {
        if (pseudonymKey == null) {
            return key;
        }
        try {
            Mac mac = Mac.getInstance(HMAC); // per line: lines are rate-limited, and a Mac is not thread-safe
            mac.init(pseudonymKey);
            byte[] digest = mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
            return "hmac:" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }
}
