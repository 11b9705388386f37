package io.github.abuseguard.internal;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
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
 * <p>The message itself reads {@code abuse-guard deny guard=rate-limit rule=login reason=rate-limited
 * action=throttle client=203.0.113.5 method=POST route=/api/login suppressed=0}, so a console in its
 * default format shows the facts; every value in it has its white space and control characters replaced
 * with {@code ?}, so no client-chosen text can start a line or a field of its own.
 *
 * <p>Each line also carries stable SLF4J 2 key-values, so a JSON encoder or log search can index them:
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
                Line line = new Line(log.atDebug(), "flag");
                write(line, event, decision);
                line.log();
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
        Line line = new Line(log.atInfo(), outcome);
        write(line, event, decision);
        line.add("suppressed", suppressed);
        line.log();
    }

    private void write(Line line, GuardEvent event, Decision decision) {
        GuardRequest request = event.request();
        line.add("guard", event.guard());
        if (decision.rule() != null) {
            line.add("rule", decision.rule());
        }
        line.add("reason", decision.reason());
        if (decision.action() != null) {
            line.add("action", decision.action().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (decision.score() != 0) {
            line.add("score", decision.score());
        }
        line.add("client", client(request.client().key()));
        line.add("method", HttpMethods.recorded(request.method())); // a made-up method is OTHER (probe52d F8)
        line.add("route", request.route() == null ? "UNMATCHED" : request.route());
    }

    /** One log line: each fact as a key-value and, printable, in the message. */
    private static final class Line {
        private final LoggingEventBuilder event;
        private final StringBuilder message = new StringBuilder(160);

        Line(LoggingEventBuilder event, String outcome) {
            this.event = event;
            message.append("abuse-guard ").append(outcome);
            event.addKeyValue("outcome", outcome);
        }

        void add(String key, Object value) {
            event.addKeyValue(key, value);
            message.append(' ').append(key).append('=');
            String text = String.valueOf(value);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                message.append(
                        c <= ' ' || c == 0x7f || Character.isISOControl(c) || Character.isWhitespace(c) ? '?' : c);
            }
        }

        void log() {
            event.log(message.toString());
        }
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
