package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutReportTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final RolloutReport report = new RolloutReport(Duration.ofMinutes(12), 3, clock);

    private static GuardEvent event(GuardEvent.Kind kind, String guard, String rule, String client, String detail) {
        GuardRequest request = GuardRequest.builder("POST", "/api/accounts")
                .route("/api/accounts")
                .client(client)
                .build();
        Decision decision = Decision.deny(Action.REJECT)
                .guard(guard)
                .rule(rule)
                .reason("caught")
                .detail(detail)
                .build();
        return new GuardEvent(request, guard, kind, decision, null);
    }

    private void wouldDeny(String rule, String client) {
        report.onEvent(event(GuardEvent.Kind.WOULD_DENY, "rate-limit", rule, client, null));
    }

    @SuppressWarnings("unchecked")
    private static List<String> examples(Map<String, Object> view) {
        return (List<String>) view.get("examples");
    }

    /** user65 F6: a check without rules (the cross-site check) was listed as {@code cross-site/}. */
    @Test
    void aCheckWithoutRulesIsListedByItsName() {
        report.onEvent(event(GuardEvent.Kind.WOULD_DENY, "cross-site", null, "203.0.113.5", null));

        assertThat(report.snapshot().keySet()).containsExactly("cross-site");
    }

    @Test
    void countsWouldDenialsAndDistinctClientsPerRuleButNotEnforcedDenials() {
        for (int i = 0; i < 5; i++) {
            wouldDeny("sign-up", "203.0.113.1");
            wouldDeny("sign-up", "203.0.113.2");
        }
        wouldDeny("login", "203.0.113.3");
        report.onEvent(event(GuardEvent.Kind.DENY, "rate-limit", "sign-up", "203.0.113.4", null));

        Map<String, Map<String, Object>> snapshot = report.snapshot();

        assertThat(snapshot.keySet()).containsExactly("rate-limit/login", "rate-limit/sign-up");
        assertThat(snapshot.get("rate-limit/sign-up"))
                .containsEntry("requests", 10L)
                .containsEntry("distinctClients", 2L);
        assertThat(examples(snapshot.get("rate-limit/sign-up"))).containsExactly("caught on /api/accounts");
    }

    @Test
    void theWindowSlidesSoOldWouldDenialsDropOut() {
        wouldDeny("sign-up", "203.0.113.1");
        clock.advance(Duration.ofMinutes(6));
        wouldDeny("sign-up", "203.0.113.2");
        clock.advance(Duration.ofMinutes(6).plusSeconds(30));

        assertThat(report.snapshot().get("rate-limit/sign-up"))
                .containsEntry("requests", 1L)
                .containsEntry("distinctClients", 1L);
        clock.advance(Duration.ofMinutes(7));
        assertThat(report.snapshot()).isEmpty();
    }

    @Test
    void aFloodOfRotatingClientsIsEstimatedWithinAFewPercentInBoundedMemory() {
        for (int i = 0; i < 50_000; i++) {
            wouldDeny("scrape", "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        }

        long distinct = (long) report.snapshot().get("rate-limit/scrape").get("distinctClients");

        assertThat(distinct).isBetween(46_000L, 54_000L);
    }

    @Test
    void rulesBeyondTheBoundAreCountedTogetherUnderOther() {
        for (String rule : List.of("a", "b", "c", "d", "e")) {
            wouldDeny(rule, "203.0.113.1");
        }

        Map<String, Map<String, Object>> snapshot = report.snapshot();

        assertThat(snapshot).hasSize(4).containsKey(RolloutReport.OTHER);
        assertThat(snapshot.get(RolloutReport.OTHER)).containsEntry("requests", 2L);
    }

    @Test
    void examplesMaskAddressesAndTokensAndNeverNameTheClient() {
        report.onEvent(event(
                GuardEvent.Kind.WOULD_DENY,
                "disposable-email",
                "sign-up",
                "203.0.113.9",
                "ann.smith+x@mailinator.com is disposable; token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc"));

        String example =
                examples(report.snapshot().get("disposable-email/sign-up")).get(0);

        assertThat(example)
                .contains("***@mailinator.com", "[redacted]")
                .doesNotContain("ann.smith", "eyJhbGci", "203.0.113.9");
        assertThat(RolloutReport.redact("x".repeat(30) + " " + "y".repeat(500))).hasSizeLessThanOrEqualTo(163);
    }

    @Test
    void aWindowTooShortToSliceIsRefused() {
        assertThatThrownBy(() -> new RolloutReport(Duration.ofMillis(5), 10, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window");
    }
}
