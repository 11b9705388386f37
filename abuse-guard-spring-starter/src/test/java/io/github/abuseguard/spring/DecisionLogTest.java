package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.internal.LoggingGuardListener;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The decision log as a log search sees it: stable key-values, throttled, no personal data in clear. */
class DecisionLogTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.github.abuseguard.decisions");

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private static GuardEvent denial(String client, String path) {
        GuardRequest request = GuardRequest.builder("POST", path).client(client).build();
        Decision decision = Decision.deny(Action.THROTTLE)
                .guard("rate-limit")
                .rule("login")
                .reason("rate-limited")
                .build();
        return new GuardEvent(request, "rate-limit", GuardEvent.Kind.DENY, decision, null);
    }

    private Map<String, Object> keyValues(int line) {
        Map<String, Object> values = new LinkedHashMap<>();
        lines.list.get(line).getKeyValuePairs().forEach(pair -> values.put(pair.key, pair.value));
        return values;
    }

    @Test
    void aDenialIsOneLineOfStableKeysAndRepeatsAreCountedNotWritten() {
        LoggingGuardListener log = new LoggingGuardListener(Duration.ofSeconds(1), clock);

        log.onEvent(denial("203.0.113.5", "/login"));
        log.onEvent(denial("203.0.113.5", "/login"));
        log.onEvent(denial("203.0.113.5", "/login"));
        clock.advance(Duration.ofSeconds(1));
        log.onEvent(denial("203.0.113.6", "/login"));

        assertThat(lines.list).hasSize(2);
        assertThat(keyValues(0))
                .containsExactly(
                        Map.entry("outcome", "deny"),
                        Map.entry("guard", "rate-limit"),
                        Map.entry("rule", "login"),
                        Map.entry("reason", "rate-limited"),
                        Map.entry("action", "throttle"),
                        Map.entry("client", "203.0.113.5"),
                        Map.entry("method", "POST"),
                        Map.entry("route", "UNMATCHED"),
                        Map.entry("suppressed", 0L));
        assertThat(keyValues(1)).containsEntry("suppressed", 2L).containsEntry("client", "203.0.113.6");
    }

    @Test
    void theDefaultConsoleFormatShowsTheKeyFactsOfADenial() {
        // Spring Boot's console pattern prints the message, not the key-values a JSON encoder reads
        LoggingGuardListener log = new LoggingGuardListener(Duration.ofSeconds(1), clock);

        log.onEvent(denial("203.0.113.5", "/login"));

        assertThat(lines.list.get(0).getFormattedMessage())
                .isEqualTo("abuse-guard deny guard=rate-limit rule=login reason=rate-limited action=throttle"
                        + " client=203.0.113.5 method=POST route=UNMATCHED suppressed=0");
    }

    @Test
    void aClientChosenValueCannotStartALineOfItsOwn() {
        LoggingGuardListener log = new LoggingGuardListener(Duration.ofSeconds(1), clock);
        GuardRequest request = GuardRequest.builder("GET\r\nX", "/login")
                .client("key\nabuse-guard deny guard=forged")
                .build();
        Decision decision =
                Decision.deny(Action.REJECT).guard("origin").reason("origin").build();

        log.onEvent(new GuardEvent(request, "origin", GuardEvent.Kind.DENY, decision, null));

        assertThat(lines.list.get(0).getFormattedMessage())
                .doesNotContain("\n", "\r")
                .contains("client=key?abuse-guard?deny?guard=forged")
                .contains("method=OTHER"); // probe52d F8: a made-up method, 2,000 characters long, was written whole
    }

    @Test
    void pseudonymisedClientKeysAreStableUnderOneSecretAndNeverInClear() {
        LoggingGuardListener log = new LoggingGuardListener(Duration.ofSeconds(1), clock, "s3cret");
        LoggingGuardListener sameSecret = new LoggingGuardListener(Duration.ofSeconds(1), clock, "s3cret");
        LoggingGuardListener otherSecret = new LoggingGuardListener(Duration.ofSeconds(1), clock, "other");

        log.onEvent(denial("203.0.113.5", "/reset/ann@example.com/tok_9f8e7d6c5b4a"));

        String client = (String) keyValues(0).get("client");
        assertThat(client).matches("hmac:[0-9a-f]{16}").isEqualTo(sameSecret.client("203.0.113.5"));
        assertThat(otherSecret.client("203.0.113.5")).isNotEqualTo(client);
        ILoggingEvent line = lines.list.get(0);
        assertThat(line.getFormattedMessage() + line.getKeyValuePairs())
                .doesNotContain("203.0.113.5", "ann@example.com", "tok_9f8e7d6c5b4a");
    }

    @Test
    void theSettingsChooseClearOrPseudonymisedKeys() {
        AbuseGuardProperties properties = new AbuseGuardProperties();
        assertThat(SettingsAssembler.decisionLog(properties, clock).client("203.0.113.5"))
                .isEqualTo("203.0.113.5");

        properties.replaceEngine(io.github.abuseguard.internal.SettingsBinder.bind(
                        java.util.Map.of("abuse-guard.logging.pseudonymise-clients", "true"))
                .engine());

        assertThat(SettingsAssembler.decisionLog(properties, clock).client("203.0.113.5"))
                .startsWith("hmac:");
    }
}
